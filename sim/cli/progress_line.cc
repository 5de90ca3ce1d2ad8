#include "sim/cli/progress_line.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "fmt/format.h"

namespace ratesim {
namespace {

// Whole seconds of wall time as a person reads them: "12s", "2m05s", "1h02m".
std::string WallTime(int64_t s) {
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

}  // namespace

const FlagSpec kProgressFlag = {
    "--progress", "", false,
    "show a progress line on stderr even when it is not a terminal (default: only on a terminal)"};
const FlagSpec kNoProgressFlag = {"--no-progress", "", false,
                                  "never show the progress line on stderr"};

absl::StatusOr<bool> ShowProgress(const ParsedArgs& args, bool err_is_terminal) {
  if (args.Has(kProgressFlag.name) && args.Has(kNoProgressFlag.name)) {
    return absl::InvalidArgumentError(
        "flags '--progress' and '--no-progress' contradict; drop one");
  }
  if (args.Has(kProgressFlag.name)) return true;
  if (args.Has(kNoProgressFlag.name)) return false;
  return err_is_terminal;
}

std::string ProgressText(const RunProgress::Snapshot& snapshot, double elapsed_seconds) {
  std::string text = fmt::format("{}/{} runs done", snapshot.finished, snapshot.total);
  if (snapshot.running > 0) {
    // Short enough for an 80-column terminal even at "1000/1000 runs": a wrapped line cannot be
    // redrawn in place with "\r".
    text += fmt::format(", {} running at {}%", snapshot.running,
                        static_cast<int>(std::floor(100 * snapshot.running_share)));
  }
  // Elapsed time counts whole seconds passed, as a clock does.
  text += fmt::format(", {} elapsed, ", WallTime(static_cast<int64_t>(elapsed_seconds)));
  const double done = snapshot.done_share;
  if (elapsed_seconds < 1 || done <= 0) return text + "estimating time left";
  // Capped so that a share done too small to extrapolate from cannot overflow the conversion.
  constexpr double kLongestEstimateS = 1e8;  // three years
  const double left = std::min(elapsed_seconds * (1 - done) / done, kLongestEstimateS);
  return text + fmt::format("~{} left", WallTime(std::llround(left)));
}

ProgressLine::ProgressLine(const RunProgress* progress, std::ostream& err,
                           std::chrono::milliseconds interval)
    : progress_(progress),
      err_(err),
      interval_(interval),
      start_(std::chrono::steady_clock::now()) {
  if (progress_ == nullptr) return;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    do {
      Draw();
    } while (!stop_requested_.wait_for(lock, interval_, [this] { return stopping_; }));
  });
}

ProgressLine::~ProgressLine() { Stop(); }

void ProgressLine::Stop() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_one();
  thread_.join();
  err_ << '\r' << std::string(drawn_, ' ') << '\r' << std::flush;
}

void ProgressLine::Draw() {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  std::string text = ProgressText(progress_->Read(), elapsed.count());
  // Spaces over what a longer line before left on screen.
  const size_t width = text.size();
  if (width < drawn_) text.append(drawn_ - width, ' ');
  drawn_ = std::max(drawn_, width);
  err_ << '\r' << text << std::flush;
  ++draws_;
}

size_t ProgressLine::draws() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return draws_;
}

}  // namespace ratesim
