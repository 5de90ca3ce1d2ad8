// The progress line of `ratesim run`, `compare` and `sweep` (sim/cli/progress_line.h): with
// --progress it is on stderr, drawn in place and cleared, while stdout and every output file stay
// byte for byte what they are without it; with neither flag it shows only when stderr is a
// terminal, and --no-progress hides it even then; an interrupt clears it before saying so.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/cancellation.h"
#include "tests/support/cli_fixture.h"

// In the namespace of the command-line test helpers (cli_fixture.h), which it uses throughout.
namespace ratesim::testing {
namespace {

// What every drawing of the line says.
constexpr char kLineText[] = " runs done, ";

class CliProgressTest : public TinyScenarioTest {
 protected:
  void SetUp() override {
    ClearCancellation();
    TinyScenarioTest::SetUp();
  }
  void TearDown() override { ClearCancellation(); }

  // The commands, each with `out` as its --out and on several threads.
  std::vector<std::vector<std::string>> Commands(const std::string& out) const {
    return {{"run", tiny_, "--replications", "3", "--threads", "2", "--audit", "--out", out},
            {"compare", tiny_, "--replications", "4", "--threads", "3", "--out", out},
            {"sweep", tiny_, "--grid", "run.seed=1,2,3", "--jobs", "2", "--out", out}};
  }
};

// Every file of `dir` by name, with its bytes; run.json without its command line, which records
// the flags given (--progress too).
std::vector<std::pair<std::string, std::string>> Files(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& name : Entries(dir)) {
    std::string bytes = ReadFile(dir + "/" + name);
    if (name == "run.json") bytes = bytes.substr(0, bytes.find("\"command_line\""));
    files.emplace_back(name, bytes);
  }
  return files;
}

// `err` is drawings of the line, each from the start of the line ("\r"), and then spaces over the
// widest of them, the cursor back at the start: nothing is left on screen.
::testing::AssertionResult DrawnAndCleared(const std::string& err) {
  if (err.size() < 2 || err.front() != '\r' || err.back() != '\r') {
    return ::testing::AssertionFailure() << "not drawn from and back to the line's start: " << err;
  }
  const size_t last = err.rfind('\r', err.size() - 2);
  const std::string clear = err.substr(last + 1, err.size() - last - 2);
  size_t widest = 0;
  for (size_t at = 0; at < last;) {
    const size_t next = err.find('\r', at + 1);
    widest = std::max(widest, next - at - 1);
    at = next;
  }
  if (clear.find_first_not_of(' ') != std::string::npos || clear.size() < widest ||
      err.find('\n') != std::string::npos) {
    return ::testing::AssertionFailure() << "not cleared: " << err;
  }
  return ::testing::AssertionSuccess();
}

TEST_F(CliProgressTest, WithProgressStderrHasTheLineAndStdoutAndFilesAreUnchanged) {
  const std::string out = temp_ / "out";
  for (const std::vector<std::string>& args : Commands(out)) {
    const CliResult plain = RunRatesim(args);
    ASSERT_EQ(plain.code, 0) << plain.err;
    EXPECT_EQ(plain.err, "") << args[0];
    const auto files = Files(out);
    std::vector<std::string> with = args;
    with.push_back("--progress");
    const CliResult shown = RunRatesim(with);
    ASSERT_EQ(shown.code, 0) << shown.err;
    EXPECT_EQ(shown.out, plain.out) << args[0];
    EXPECT_EQ(Files(out), files) << args[0];
    // Drawn from the start of the line, never ended by a newline, and cleared at the end.
    EXPECT_NE(shown.err.find(kLineText), std::string::npos) << args[0];
    EXPECT_TRUE(DrawnAndCleared(shown.err)) << args[0];
  }
}

TEST_F(CliProgressTest, WithNeitherFlagTheLineShowsOnlyOnATerminal) {
  for (const std::vector<std::string>& args : Commands(temp_ / "out")) {
    EXPECT_EQ(RunRatesim(args, /*err_is_terminal=*/false).err, "") << args[0];
    EXPECT_NE(RunRatesim(args, /*err_is_terminal=*/true).err.find(kLineText), std::string::npos)
        << args[0];
    std::vector<std::string> hidden = args;
    hidden.push_back("--no-progress");
    EXPECT_EQ(RunRatesim(hidden, /*err_is_terminal=*/true).err, "") << args[0];
  }
}

TEST_F(CliProgressTest, BothFlagsAreAUsageError) {
  for (std::vector<std::string> args : Commands(temp_ / "out")) {
    args.insert(args.end(), {"--progress", "--no-progress"});
    const CliResult r = RunRatesim(args);
    EXPECT_EQ(r.code, 2) << args[0];
    EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
              "error: flags '--progress' and '--no-progress' contradict; drop one")
        << args[0];
  }
  EXPECT_EQ(Entries(temp_.path()), std::vector<std::string>{"tiny.toml"});
}

TEST_F(CliProgressTest, AnInterruptClearsTheLineBeforeSayingSo) {
  const std::string out = temp_ / "out";
  RequestCancellation(SIGTERM);
  const CliResult r = RunRatesim({"compare", tiny_, "--progress", "--threads", "2", "--out", out});
  EXPECT_EQ(r.code, 143);
  const std::string said = "\rinterrupted; nothing written to " + out + "\n";
  ASSERT_GE(r.err.size(), said.size()) << r.err;
  EXPECT_EQ(r.err.substr(r.err.size() - said.size()), said);
  EXPECT_NE(r.err.find(kLineText), std::string::npos);
}

// The built binary, whose stderr here is a file: no line unless asked for.
TEST_F(CliProgressTest, TheBinaryDrawsTheLineOnAFileOnlyWithProgress) {
  const auto run = [&](const std::string& flags) {
    const std::string command = "'" + std::string(RATESIM_BINARY) + "' compare '" + tiny_ + "' " +
                                flags + " >'" + (temp_ / "out") + "' 2>'" + (temp_ / "err") + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return ReadFile(temp_ / "err");
  };
  EXPECT_EQ(run(""), "");
  const std::string plain = ReadFile(temp_ / "out");
  EXPECT_NE(run("--progress").find(kLineText), std::string::npos);
  EXPECT_EQ(ReadFile(temp_ / "out"), plain);
}

}  // namespace
}  // namespace ratesim::testing
