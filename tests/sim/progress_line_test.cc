// The progress line (sim/cli/progress_line.h): its text and estimate of the time left, a line that
// is drawn at once, redrawn in place and cleared when stopped, and the flags that show it.
#include "sim/cli/progress_line.h"

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace ratesim {
namespace {

TEST(ProgressText, SaysRunsDoneHowFarTheRunningAreAndTheTimeLeft) {
  RunProgress::Snapshot snapshot;
  snapshot.total = 8;
  snapshot.finished = 3;
  snapshot.running = 2;
  snapshot.running_share = 0.416;
  snapshot.done_share = 0.5;
  EXPECT_EQ(ProgressText(snapshot, 12.2),
            "3/8 runs done, 2 running at 41%, 12s elapsed, ~12s left");
  snapshot.done_share = 0.25;
  EXPECT_EQ(ProgressText(snapshot, 125),
            "3/8 runs done, 2 running at 41%, 2m05s elapsed, ~6m15s left");
  EXPECT_EQ(ProgressText(snapshot, 3725),
            "3/8 runs done, 2 running at 41%, 1h02m elapsed, ~3h06m left");
  // A share done too small to extrapolate from: a bounded estimate, not an overflow.
  snapshot.done_share = 1e-300;
  EXPECT_EQ(ProgressText(snapshot, 5),
            "3/8 runs done, 2 running at 41%, 5s elapsed, ~27777h46m left");
}

TEST(ProgressText, EstimatesNothingBeforeASecondOrAnyWorkHasPassed) {
  RunProgress::Snapshot snapshot;
  snapshot.total = 2;
  EXPECT_EQ(ProgressText(snapshot, 5), "0/2 runs done, 5s elapsed, estimating time left");
  snapshot.done_share = 0.3;
  EXPECT_EQ(ProgressText(snapshot, 0.4), "0/2 runs done, 0s elapsed, estimating time left");
}

TEST(ProgressLine, DrawsAtOnceRedrawsInPlaceAndClearsWhenStopped) {
  RunProgress progress(2, 20);
  std::ostringstream err;
  ProgressLine line(&progress, err, std::chrono::milliseconds(1));
  // Waits for a redraw, not for a time: a loaded machine may not schedule the line's thread for a
  // while. The deadline only keeps a broken line from hanging the test.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (line.draws() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  line.Stop();
  line.Stop();  // idempotent
  const std::string text = err.str();
  const std::string first = "\r0/2 runs done, 0s elapsed, estimating time left";
  ASSERT_EQ(text.substr(0, first.size()), first);
  EXPECT_NE(text.find(first, 1), std::string::npos);  // redrawn
  const std::string clear = "\r" + std::string(first.size() - 1, ' ') + "\r";
  ASSERT_GE(text.size(), clear.size());
  EXPECT_EQ(text.substr(text.size() - clear.size()), clear);
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(ProgressLine, WithoutAProgressDrawsNothing) {
  std::ostringstream err;
  ProgressLine(nullptr, err).Stop();
  EXPECT_EQ(err.str(), "");
}

TEST(ShowProgress, FollowsTheFlagsElseWhetherStderrIsATerminal) {
  ParsedArgs args;
  EXPECT_FALSE(*ShowProgress(args, false));
  EXPECT_TRUE(*ShowProgress(args, true));
  args.flags["--progress"] = {""};
  EXPECT_TRUE(*ShowProgress(args, false));
  args.flags["--no-progress"] = {""};
  EXPECT_FALSE(ShowProgress(args, true).ok());
  args.flags.erase("--progress");
  EXPECT_FALSE(*ShowProgress(args, true));
}

}  // namespace
}  // namespace ratesim
