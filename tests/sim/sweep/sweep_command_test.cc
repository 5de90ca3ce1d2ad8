// Tests for `ratesim sweep` and `ratesim merge`, in-process: one row per (scenario, point, policy);
// bytes that depend on neither --jobs nor sharding; shards that partition the points; merge
// refusing what is not one whole sweep; and usage errors that exit 2 and write nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "sim/report/human_units.h"
#include "sim/sweep/shard_file.h"
#include "tests/support/cli_fixture.h"

namespace ratesim {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::CsvFields;
using testing::Entries;
using testing::Lines;
using testing::ReadFile;
using testing::RunRatesim;
using testing::WriteFile;

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not found in:\n" << text;
}

// A sweep.csv read back: its lines (the header first) and a cell by line and column name.
struct SweepCsv {
  explicit SweepCsv(const std::string& path)
      : lines(Lines(ReadFile(path))), header(CsvFields(lines.at(0))) {}
  std::string Cell(size_t line, const std::string& name) const {
    const size_t column = static_cast<size_t>(std::find(header.begin(), header.end(), name) -
                                              header.begin());
    return CsvFields(lines.at(line)).at(column);
  }
  std::vector<std::string> lines;
  std::vector<std::string> header;
};

class SweepCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tiny_ = WriteFile(dir_ / "tiny.toml", testing::kTinyScenario);
    outage_ = WriteFile(dir_ / "outage.toml", testing::kTinyOutageScenario);
  }

  // `ratesim sweep` over tiny.toml with a 2 x 2 grid (8 rows), plus `extra` flags.
  CliResult Sweep(const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "sweep", tiny_, "--grid", "models.0.concurrency=1,2", "--grid", "policies.1.max_wait=1s,5s",
        "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRatesim(args);
  }
  // The --out directories of shards 0..n-1 of that sweep.
  std::vector<std::string> Shards(int n, std::vector<std::string> extra = {}) {
    std::vector<std::string> dirs;
    for (int i = 0; i < n; ++i) {
      dirs.push_back(dir_ / ("shard-" + std::to_string(i)));
      std::vector<std::string> flags = extra;
      flags.insert(flags.end(), {"--shard", std::to_string(i) + "/" + std::to_string(n)});
      const CliResult r = Sweep(dirs.back(), flags);
      EXPECT_EQ(r.code, 0) << r.err;
    }
    return dirs;
  }
  CliResult Merge(const std::string& out, const std::vector<std::string>& dirs) {
    std::vector<std::string> args = {"merge", "--out", out};
    args.insert(args.end(), dirs.begin(), dirs.end());
    return RunRatesim(args);
  }
  void ExpectSameFiles(const std::string& a, const std::string& b) {
    for (const char* name : {"sweep.csv", "sweep.json", "sweep.svg"}) {
      const std::string left = ReadFile(a + "/" + name);
      EXPECT_FALSE(left.empty()) << a << "/" << name;
      EXPECT_EQ(left, ReadFile(b + "/" + name)) << name;
    }
  }

  testing::TempDir dir_;
  std::string tiny_;
  std::string outage_;
};

TEST_F(SweepCommandTest, WritesOneRowPerPointAndPolicyInGridOrder) {
  const CliResult r = Sweep(dir_ / "out", {"--replications", "3", "--jobs", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "4 points, 3 replications each"));
  EXPECT_TRUE(Contains(r.out, "wrote sweep.csv, sweep.json, sweep.svg to " + (dir_ / "out")));
  EXPECT_EQ(Entries(dir_ / "out"),
            (std::vector<std::string>{"sweep.csv", "sweep.json", "sweep.svg"}));

  const std::vector<std::string> lines = Lines(ReadFile(dir_ / "out/sweep.csv"));
  ASSERT_EQ(lines.size(), 1u + 4 * 2);
  const std::vector<std::string> header = CsvFields(lines[0]);
  ASSERT_GE(header.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + 6),
            (std::vector<std::string>{"scenario", "models.0.concurrency", "policies.1.max_wait",
                                      "policy", "replications", "offered"}));
  EXPECT_NE(std::find(header.begin(), header.end(), "success_rate_ci95"), header.end());
  EXPECT_EQ(header.back(), "non_finite_rates");
  const std::pair<const char*, const char*> points[] = {
      {"1", "1s"}, {"1", "5s"}, {"2", "1s"}, {"2", "5s"}};
  for (size_t p = 0; p < 4; ++p) {
    for (size_t policy = 0; policy < 2; ++policy) {
      const std::vector<std::string> row = CsvFields(lines[1 + p * 2 + policy]);
      ASSERT_EQ(row.size(), header.size());
      EXPECT_EQ(row[0], tiny_);
      EXPECT_EQ(row[1], points[p].first);
      EXPECT_EQ(row[2], points[p].second);
      EXPECT_EQ(row[3], policy == 0 ? "none" : "fifo-5s");
      EXPECT_EQ(row[4], "3");
      EXPECT_EQ(row[5], "40");  // 20 steady + two bursts of 10, every replication
      // No outage in this scenario: recovered_share, spiral, spiral_share and rate_returned_share
      // are NA.
      EXPECT_EQ(row[row.size() - 5], "");
      EXPECT_EQ(row[row.size() - 4], "");
      EXPECT_EQ(row[row.size() - 3], "");
      EXPECT_EQ(row[row.size() - 2], "");
      EXPECT_EQ(row[row.size() - 1], "0");  // non_finite_rates: `earned` never fails
    }
  }
  // More slots serve more: the grid value reaches the runs.
  const SweepCsv csv(dir_ / "out/sweep.csv");
  const auto success = [&](size_t line) { return std::stod(csv.Cell(line, "success_rate")); };
  EXPECT_LT(success(1), success(5));  // none, 1 slot versus 2 slots
  const std::string json = ReadFile(dir_ / "out/sweep.json");
  EXPECT_TRUE(Contains(json, R"({"key": "models.0.concurrency", "values": [1, 2]})"));
  EXPECT_TRUE(Contains(json, R"("replications": 3,)"));
  EXPECT_TRUE(Contains(json, R"("points": 4,)"));
  EXPECT_TRUE(Contains(json, R"("policy": "fifo-5s", "replications": 3, "offered": 40,)"));
}

TEST_F(SweepCommandTest, WithoutAGridTheScenarioAsWrittenIsOnePoint) {
  const CliResult r = RunRatesim({"sweep", tiny_, "--out", dir_ / "one"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, tiny_ + ": 1 point\n")) << r.out;
  EXPECT_TRUE(Contains(ReadFile(dir_ / "one/sweep.json"), R"("points": 1,)"));
}

TEST_F(SweepCommandTest, TheTerminalShowsEachScoreWithItsIntervalWhenReplicated) {
  const CliResult replicated = Sweep(dir_ / "rep", {"--replications", "3"});
  ASSERT_EQ(replicated.code, 0) << replicated.err;
  const SweepCsv csv(dir_ / "rep/sweep.csv");
  for (size_t line = 1; line < csv.lines.size(); ++line) {
    EXPECT_TRUE(Contains(replicated.out,
                         FormatPercentCi(std::stod(csv.Cell(line, "success_rate")),
                                         std::stod(csv.Cell(line, "success_rate_ci95")))));
  }
  EXPECT_TRUE(Contains(replicated.out, "% \u00b1"));
  const CliResult single = Sweep(dir_ / "one");
  ASSERT_EQ(single.code, 0) << single.err;
  EXPECT_EQ(single.out.find("\u00b1"), std::string::npos);  // one run: no interval to show
}

TEST_F(SweepCommandTest, ScoresAnOutageScenarioWithRecoveryAndSpiral) {
  const CliResult r = RunRatesim({"sweep", outage_, "--grid", "limits.window=1m,10m", "--out",
                                  dir_ / "out", "--replications", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  const SweepCsv csv(dir_ / "out/sweep.csv");
  ASSERT_EQ(csv.lines.size(), 3u);
  for (size_t line : {1, 2}) {
    // 2 rps of 500 ms requests on 4 slots: outside the outage nothing fails, so the 429 share
    // before the drop is 0 (over-rate requests, above the earned formula's 60 RPM base, are served
    // on spare capacity; a rate only decides the blame for a failure). While down, the over-rate
    // half fails as 429. Capacity is back at 30 s and serves everything again at once: the first
    // interval after the restore, (30 s, 35 s], has no 429s and recovers.
    EXPECT_EQ(csv.Cell(line, "recovery_s"), "5");
    EXPECT_EQ(csv.Cell(line, "recovered_share"), "1");  // both replications
    EXPECT_EQ(csv.Cell(line, "spiral"), "false");
    EXPECT_EQ(csv.Cell(line, "spiral_share"), "0");
    EXPECT_EQ(csv.Cell(line, "steady_success").empty(), false);
    EXPECT_EQ(csv.Cell(line, "spiking_429_share"), "");  // no spiking org
    EXPECT_EQ(csv.Cell(line, "fairness"), "1");          // one org
  }
}

TEST_F(SweepCommandTest, TheBundledShortageScenarioSpiralsWithAOneMinuteWindowOnly) {
  // scenarios/outage_spiral_shortage.toml, as its header states: on a model short of capacity, a
  // one-minute window loses the orgs' usage in the five-minute outage and its rates climb back from
  // the base at x1.5 a minute, 429s all along, until 12 minutes after the restore; a ten-minute
  // window keeps the rates above demand and has no 429 after the restore. The success rate after
  // the restore is the same for both (the model serves what it can): only the 429 share tells them
  // apart.
  const std::string scenario =
      std::string(RATESIM_SOURCE_DIR) + "/scenarios/outage_spiral_shortage.toml";
  const CliResult r = RunRatesim(
      {"sweep", scenario, "--grid", "limits.window=1m,10m", "--jobs", "1", "--out", dir_ / "out"});
  ASSERT_EQ(r.code, 0) << r.err;
  const SweepCsv csv(dir_ / "out/sweep.csv");
  ASSERT_EQ(csv.lines.size(), 3u);
  EXPECT_EQ(csv.Cell(1, "limits.window"), "1m");
  EXPECT_EQ(csv.Cell(1, "recovery_s"), "720");  // recovered, but past the 10-minute horizon
  EXPECT_EQ(csv.Cell(1, "recovered_share"), "0");
  EXPECT_EQ(csv.Cell(1, "spiral"), "true");
  EXPECT_EQ(csv.Cell(1, "spiral_share"), "1");
  EXPECT_EQ(csv.Cell(2, "limits.window"), "10m");
  EXPECT_EQ(csv.Cell(2, "recovery_s"), "60");  // the first minute after the restore
  EXPECT_EQ(csv.Cell(2, "recovered_share"), "1");
  EXPECT_EQ(csv.Cell(2, "spiral"), "false");
  EXPECT_EQ(csv.Cell(2, "spiral_share"), "0");
  // The terminal's rows end with the same verdicts: the spiral column is the last.
  const std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  auto row_of = [&](const std::string& window) {
    for (const std::string& line : lines) {
      if (absl::StartsWith(line, window + " ")) return line;
    }
    return std::string("no row for " + window);
  };
  EXPECT_TRUE(absl::EndsWith(row_of("1m"), " true")) << r.out;
  EXPECT_TRUE(absl::EndsWith(row_of("10m"), " false")) << r.out;
}

TEST_F(SweepCommandTest, ARunIsJudgedOnItsTrafficNotOnTheDrainAfterIt) {
  // The shortage scenario's one-minute window, outage moved to minutes 30-35: the rates climb
  // back from the base at x1.5 a minute, 429s all along, for 10.8 minutes after the restore. After
  // the duration the run drains: no arrivals, so the model is no longer short and the requests
  // left are served, no 429. Judged on that drain, a run stopped 5 minutes after the restore
  // "recovered" then, and one stopped at the 10-minute horizon recovered at the drain's end.
  const std::string scenario =
      std::string(RATESIM_SOURCE_DIR) + "/scenarios/outage_spiral_shortage.toml";
  const CliResult r = RunRatesim(
      {"sweep", scenario, "--set",
       R"(models.0.schedule=[{ at = "30m", replicas = 0 }, { at = "35m", replicas = 8 }])",
       "--grid", "run.duration=40m,45m", "--jobs", "1", "--out", dir_ / "out"});
  ASSERT_EQ(r.code, 0) << r.err;
  const SweepCsv csv(dir_ / "out/sweep.csv");
  ASSERT_EQ(csv.lines.size(), 3u);
  // Stopped before the horizon, not recovered in its traffic: not judged.
  EXPECT_EQ(csv.Cell(1, "run.duration"), "40m");
  EXPECT_EQ(csv.Cell(1, "recovery_s"), "");
  EXPECT_EQ(csv.Cell(1, "recovered_share"), "");
  EXPECT_EQ(csv.Cell(1, "spiral"), "");
  // Its traffic reaches the horizon without recovering: a spiral, with no recovery time.
  EXPECT_EQ(csv.Cell(2, "run.duration"), "45m");
  EXPECT_EQ(csv.Cell(2, "recovery_s"), "");
  EXPECT_EQ(csv.Cell(2, "recovered_share"), "0");
  EXPECT_EQ(csv.Cell(2, "spiral"), "true");
}

TEST_F(SweepCommandTest, SweepsEveryScenarioOfScenariosWithTheSameGrid) {
  const std::string other = WriteFile(dir_ / "other.toml", testing::kTinyScenario);
  const CliResult r = Sweep(dir_ / "out", {"--scenarios", other});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> lines = Lines(ReadFile(dir_ / "out/sweep.csv"));
  ASSERT_EQ(lines.size(), 1u + 2 * 4 * 2);
  EXPECT_EQ(CsvFields(lines[1])[0], tiny_);
  EXPECT_EQ(CsvFields(lines[8])[0], tiny_);
  EXPECT_EQ(CsvFields(lines[9])[0], other);
  // Same file content, same seeds: the same numbers.
  for (size_t i = 1; i <= 8; ++i) {
    std::vector<std::string> a = CsvFields(lines[i]);
    std::vector<std::string> b = CsvFields(lines[i + 8]);
    a.erase(a.begin());
    b.erase(b.begin());
    EXPECT_EQ(a, b) << i;
  }
}

TEST_F(SweepCommandTest, JobsDoNotChangeTheBytes) {
  ASSERT_EQ(Sweep(dir_ / "one", {"--jobs", "1", "--replications", "2"}).code, 0);
  ASSERT_EQ(Sweep(dir_ / "two", {"--jobs", "2", "--replications", "2"}).code, 0);
  ASSERT_EQ(Sweep(dir_ / "many", {"--jobs", "7", "--replications", "2"}).code, 0);
  // --threads, as run and compare name it, is the same flag.
  ASSERT_EQ(Sweep(dir_ / "threads", {"--threads", "2", "--replications", "2"}).code, 0);
  ExpectSameFiles(dir_ / "one", dir_ / "two");
  ExpectSameFiles(dir_ / "one", dir_ / "many");
  ExpectSameFiles(dir_ / "one", dir_ / "threads");
  const CliResult both = Sweep(dir_ / "both", {"--threads", "2", "--jobs", "2"});
  EXPECT_EQ(both.code, 2);
  EXPECT_TRUE(Contains(both.err, "--threads and --jobs are the same flag; give one")) << both.err;
  const CliResult bad = Sweep(dir_ / "bad", {"--threads", "-1"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(Contains(bad.err, "--threads")) << bad.err;
}

TEST_F(SweepCommandTest, SeedAndSetReachEveryPoint) {
  ASSERT_EQ(Sweep(dir_ / "a", {"--seed", "9"}).code, 0);
  ASSERT_EQ(Sweep(dir_ / "b", {"--set", "run.seed=9"}).code, 0);
  ASSERT_EQ(Sweep(dir_ / "c", {"--set", "run.duration=10s"}).code, 0);
  // The same runs; only the recorded definition differs.
  const auto body = [](const std::string& csv) { return csv.substr(csv.find('\n')); };
  EXPECT_EQ(body(ReadFile(dir_ / "a/sweep.csv")), body(ReadFile(dir_ / "b/sweep.csv")));
  EXPECT_TRUE(Contains(ReadFile(dir_ / "a/sweep.json"), R"("seed": "9",)"));
  EXPECT_TRUE(Contains(ReadFile(dir_ / "c/sweep.json"), R"("overrides": ["run.duration=10s"],)"));
  EXPECT_EQ(CsvFields(Lines(ReadFile(dir_ / "c/sweep.csv"))[1])[5], "20");  // 10 + one burst
}

TEST_F(SweepCommandTest, WarnsOnceOfAGridValueWithWhichTheFormulaDoesNotCompose) {
  // x(1 + drift) per update composes at drift 0 (the file's own: validate says nothing) and not at
  // 0.01, which the grid gives to points 2 and 3.
  std::string text = testing::kTinyScenario;
  text.replace(text.find("[[models]]"), 10,
               "[limits]\nformula = \"expr\"\nrequests_per_s = \"rate_rps * (1 + drift)\"\n"
               "tokens_per_s = \"base_tps\"\ndrift = 0\n\n[[models]]");
  const std::string path = WriteFile(dir_ / "drift.toml", text);
  EXPECT_EQ(RunRatesim({"validate", path}).err, "");
  const CliResult r = RunRatesim({"sweep", path, "--grid", "limits.drift=0,0.01", "--grid",
                                  "models.0.concurrency=1,2", "--out", dir_ / "out"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string warning =
      "warning: limit formula 'expr' of [limits] does not compose under lazy updates";
  EXPECT_TRUE(Contains(r.err, warning));
  EXPECT_EQ(r.err.find(warning), r.err.rfind(warning));  // once, not once per point
  EXPECT_TRUE(Contains(r.err, "(the above from sweep point 2: limits.drift=0.01, "
                              "models.0.concurrency=1 in " + path + ";"));
  EXPECT_TRUE(Contains(r.out, "wrote sweep.csv"));  // the sweep still runs
}

TEST_F(SweepCommandTest, WarnsOnceOfEachStreamThatSendsNothingAtAPoint) {
  // The steady stream starts at 15 s: within the file's 20 s, not within the grid's 10 s or 12 s.
  std::string text = testing::kTinyScenario;
  const std::string steady = "  model = \"m\"\n  shape = \"constant\"";
  text.replace(text.find(steady), steady.size(), steady + "\n  start = \"15s\"");
  const std::string path = WriteFile(dir_ / "late.toml", text);
  EXPECT_EQ(RunRatesim({"validate", path}).err, "");
  const std::vector<std::string> sweep = {"sweep", path, "--grid", "run.duration=10s,12s,20s",
                                          "--grid", "models.0.concurrency=1,2", "--out",
                                          dir_ / "out"};
  const CliResult r = RunRatesim(sweep);
  EXPECT_EQ(r.code, 0) << r.err;
  const auto warning = [&](const std::string& duration, int point, int concurrency) {
    return fmt::format(
        "warning: the traffic of org 'steady' to model 'm' ({}:16) starts at 15s, at or after the "
        "run's duration of {}: it sends no requests\n(the above from sweep point {}: "
        "run.duration={}, models.0.concurrency={} in {}; later points with the same idle stream "
        "are not named again)\n",
        path, duration, point, duration, concurrency, path);
  };
  // One stream, silent at points 0 to 3 (durations 10 s and 12 s): warned of once, at the first;
  // points 4 and 5 send.
  EXPECT_EQ(r.err, warning("10s", 0, 1));
  EXPECT_TRUE(Contains(r.out, "wrote sweep.csv"));  // the sweep still runs
  // A shard names the first of its own points.
  std::vector<std::string> shard = sweep;
  shard.insert(shard.end(), {"--shard", "1/2"});
  EXPECT_EQ(RunRatesim(shard).err, warning("10s", 1, 2));
}

// A warm-up that hides the outage at some point of the grid is warned of once, naming that point.
TEST_F(SweepCommandTest, WarnsOfAWarmupThatHidesTheOutageAtAPoint) {
  const CliResult r = RunRatesim({"sweep", outage_, "--grid", "run.warmup=5s,25s,26s", "--out",
                                  dir_ / "warm"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "changes its replicas at 20s, within the warm-up of 25s")) << r.err;
  EXPECT_TRUE(Contains(r.err, "(the above from sweep point 1: run.warmup=25s in")) << r.err;
  EXPECT_TRUE(Contains(r.err, "within the warm-up of 26s")) << "each warm-up says its own length";
  EXPECT_FALSE(Contains(r.err, "warm-up of 5s")) << r.err;
}

TEST_F(SweepCommandTest, ShardsPartitionThePointsAndMergeToTheUnshardedBytes) {
  const CliResult full = Sweep(dir_ / "full", {"--replications", "2"});
  ASSERT_EQ(full.code, 0);
  const std::vector<std::string> shards = Shards(3, {"--replications", "2"});
  std::multiset<size_t> points;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Entries(shards[i]),
              std::vector<std::string>{"sweep-shard-" + std::to_string(i) + "-of-3.toml"});
    absl::StatusOr<ShardFile> file =
        ReadShardFile(shards[i] + "/sweep-shard-" + std::to_string(i) + "-of-3.toml");
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_EQ(file->total_points, 4u);
    for (const PointRows& point : file->points) {
      EXPECT_EQ(point.point % 3, static_cast<size_t>(i));
      EXPECT_EQ(point.rows.size(), 2u);
      points.insert(point.point);
    }
  }
  EXPECT_EQ(points, (std::multiset<size_t>{0, 1, 2, 3}));

  const CliResult r = Merge(dir_ / "merged", {shards[2], shards[0], shards[1]});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "merged 3 shards: 4 points, 8 rows"));
  ExpectSameFiles(dir_ / "full", dir_ / "merged");
  // The shards carry each row's replications, so merge's verdict is the unsharded one, paired
  // comparisons included; a shard alone, with some of the points, gives none.
  const size_t verdict = full.out.find("\nwhich point:\n");
  ASSERT_NE(verdict, std::string::npos) << full.out;
  const std::string expected = full.out.substr(verdict, full.out.find("\nwrote ") - verdict);
  EXPECT_TRUE(Contains(r.out, expected)) << r.out << "\n---\n" << expected;
  const CliResult shard = Sweep(dir_ / "shard-again", {"--replications", "2", "--shard", "0/3"});
  EXPECT_FALSE(Contains(shard.out, "which point"));
}

// --policies: every point runs those policies, in that order, a registered one with its defaults
// and one of the file with the file's parameters; shards carry the list, and merge to the bytes of
// the unsharded sweep.
TEST_F(SweepCommandTest, ThePoliciesFlagChoosesWhatEveryPointRunsInItsOrder) {
  const CliResult all = Sweep(dir_ / "all");
  ASSERT_EQ(all.code, 0) << all.err;
  const CliResult chosen = Sweep(dir_ / "chosen", {"--policies", "codel,fifo-5s"});
  ASSERT_EQ(chosen.code, 0) << chosen.err;
  const SweepCsv every(dir_ / "all/sweep.csv");
  const SweepCsv some(dir_ / "chosen/sweep.csv");
  ASSERT_EQ(some.lines.size(), 1u + 4 * 2);
  for (size_t p = 0; p < 4; ++p) {
    EXPECT_EQ(some.Cell(1 + 2 * p, "policy"), "codel");
    EXPECT_EQ(some.Cell(2 + 2 * p, "policy"), "fifo-5s");
    // The file's fifo-5s, with the grid's max_wait, as in the sweep of all the file's policies.
    EXPECT_EQ(some.lines[2 + 2 * p], every.lines[2 + 2 * p]);
  }
  EXPECT_TRUE(Contains(ReadFile(dir_ / "chosen/sweep.json"), R"("policies": ["codel", "fifo-5s"],)"));
  EXPECT_TRUE(Contains(ReadFile(dir_ / "all/sweep.json"), R"("policies": null,)"));

  const std::vector<std::string> shards = Shards(2, {"--policies", "codel,fifo-5s"});
  const CliResult merged = Merge(dir_ / "merged", shards);
  ASSERT_EQ(merged.code, 0) << merged.err;
  ExpectSameFiles(dir_ / "chosen", dir_ / "merged");
  // A shard of the sweep without the flag is of another sweep.
  ASSERT_EQ(Sweep(dir_ / "plain-shard", {"--shard", "1/2"}).code, 0);
  const CliResult mixed = Merge(dir_ / "mixed", {shards[0], dir_ / "plain-shard"});
  EXPECT_EQ(mixed.code, 2);
}

// --org: every row reports that org's outcomes, named in the header and the verdict, kept in the
// definition (so in sweep.json and the shards), and an org the scenario lacks is a usage error
// with the nearest name.
TEST_F(SweepCommandTest, AnOrgToJudgeReportsItsOwnOutcomes) {
  const CliResult all = Sweep(dir_ / "all");
  ASSERT_EQ(all.code, 0) << all.err;
  const CliResult steady = Sweep(dir_ / "steady", {"--org", "steady"});
  ASSERT_EQ(steady.code, 0) << steady.err;
  EXPECT_TRUE(Contains(steady.out, "4 points, each row judged on org 'steady'")) << steady.out;
  EXPECT_TRUE(Contains(steady.out, "most served (steady)")) << steady.out;
  const SweepCsv every(dir_ / "all/sweep.csv");
  const SweepCsv one(dir_ / "steady/sweep.csv");
  bool bursty_refused = false;
  for (size_t line = 1; line < one.lines.size(); ++line) {
    EXPECT_EQ(one.Cell(line, "offered"), "20");  // steady's 1 request/s for 20 s; all send 40
    EXPECT_EQ(every.Cell(line, "offered"), "40");
    EXPECT_EQ(one.Cell(line, "utilisation"), every.Cell(line, "utilisation"));
    // steady is within its rate: no 429 of its own, whatever bursty's.
    EXPECT_EQ(one.Cell(line, "share_429"), "0");
    bursty_refused = bursty_refused || std::stod(every.Cell(line, "share_429")) > 0;
  }
  EXPECT_TRUE(bursty_refused) << "the check needs 429s in the whole traffic";
  EXPECT_TRUE(Contains(ReadFile(dir_ / "steady/sweep.json"), R"("org": "steady",)"));
  EXPECT_TRUE(Contains(ReadFile(dir_ / "all/sweep.json"), R"("org": null,)"));
  const std::vector<std::string> shards = Shards(2, {"--org", "steady"});
  ASSERT_EQ(Merge(dir_ / "merged", shards).code, 0);
  ExpectSameFiles(dir_ / "steady", dir_ / "merged");

  // The name an [[orgs]] with copies wrote judges all its copies together.
  const CliResult copies =
      Sweep(dir_ / "copies", {"--set", "orgs.0.copies=3", "--org", "steady"});
  ASSERT_EQ(copies.code, 0) << copies.err;
  const SweepCsv three(dir_ / "copies/sweep.csv");
  EXPECT_EQ(three.Cell(1, "offered"), "60");
  const CliResult copy =
      Sweep(dir_ / "copy", {"--set", "orgs.0.copies=3", "--org", "steady-2"});
  ASSERT_EQ(copy.code, 0) << copy.err;
  EXPECT_EQ(SweepCsv(dir_ / "copy/sweep.csv").Cell(1, "offered"), "20");

  const CliResult typo = Sweep(dir_ / "typo", {"--org", "stedy"});
  EXPECT_EQ(typo.code, 2);
  EXPECT_TRUE(Contains(typo.err, "the scenario has no org 'stedy'; did you mean 'steady'?")) << typo.err;
}

TEST_F(SweepCommandTest, AnUnknownPolicyOfThePoliciesFlagIsAUsageErrorWithTheNearestName) {
  const CliResult r = Sweep(dir_ / "bad", {"--policies", "none,codle"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "unknown policy 'codle'; did you mean 'codel'?")) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "bad/sweep.csv"));
  const CliResult twice = Sweep(dir_ / "bad", {"--policies", "none,none"});
  EXPECT_EQ(twice.code, 2);
  EXPECT_TRUE(Contains(twice.err, "flag '--policies' lists 'none' more than once")) << twice.err;
}

TEST_F(SweepCommandTest, ShardsMayShareOneDirectoryAndBeEmpty) {
  ASSERT_EQ(Sweep(dir_ / "full").code, 0);
  // 6 shards of 4 points: shards 4 and 5 own none.
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(Sweep(dir_ / "shards", {"--shard", std::to_string(i) + "/6"}).code, 0);
  }
  EXPECT_EQ(Entries(dir_ / "shards").size(), 6u);
  const CliResult r = Merge(dir_ / "merged", {dir_ / "shards"});
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectSameFiles(dir_ / "full", dir_ / "merged");
}

TEST_F(SweepCommandTest, MergeRefusesShardsOfDifferentSweeps) {
  std::vector<std::string> shards = Shards(2);
  const std::string other = dir_ / "other-shard-1";
  ASSERT_EQ(Sweep(other, {"--shard", "1/2", "--replications", "2"}).code, 0);
  const CliResult r = Merge(dir_ / "merged", {shards[0], other});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "are shards of different sweeps"));
  // It says in what: a job script that differs in one flag is found without comparing files.
  EXPECT_TRUE(Contains(r.err, "--replications is '1' in one and '2' in the other")) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "merged"));
}

// The same file, named with or without "./" (as job scripts in other folders may), is one sweep's.
TEST_F(SweepCommandTest, ShardsOfOneFileNamedTwoWaysMerge) {
  const std::string dotted = (fs::path(dir_.path()) / "." / "tiny.toml").string();
  ASSERT_NE(dotted, tiny_);
  const std::vector<std::string> shards = Shards(2);
  const std::string other = dir_ / "dotted-shard-1";
  const CliResult shard = RunRatesim({"sweep", dotted, "--grid", "models.0.concurrency=1,2", "--grid",
                                      "policies.1.max_wait=1s,5s", "--shard", "1/2", "--out", other});
  ASSERT_EQ(shard.code, 0) << shard.err;
  const CliResult r = Merge(dir_ / "merged", {shards[0], other});
  EXPECT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(Sweep(dir_ / "full").code, 0);
  ExpectSameFiles(dir_ / "full", dir_ / "merged");
}

TEST_F(SweepCommandTest, MergeRefusesShardsRunAgainstDifferentTraceContents) {
  fs::create_directories(dir_ / "traces");
  const std::string trace = WriteFile(dir_ / "traces/day.csv", testing::kTinyTrace);
  const std::string scenario = WriteFile(dir_ / "replay.toml", testing::kTinyTraceScenario);
  auto sweep = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"sweep", scenario, "--grid", "models.0.concurrency=1,2",
                                     "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = RunRatesim(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return out;
  };
  const std::string full = sweep(dir_ / "full", {});
  const std::string shard0 = sweep(dir_ / "shard-0", {"--shard", "0/2"});
  const std::string shard1 = sweep(dir_ / "shard-1", {"--shard", "1/2"});
  // The trace, as the simulator resolves it from the scenario's folder, is part of the definition.
  const std::string resolved = fs::path(trace).lexically_normal().string();
  EXPECT_TRUE(Contains(ReadFile(full + "/sweep.json"), "{\"path\": \"" + resolved + "\", "));

  // The same trace bytes: the shards merge into the unsharded run's files.
  CliResult r = Merge(dir_ / "merged", {shard0, shard1});
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectSameFiles(full, dir_ / "merged");

  // Shard 1 again, with the same command line, after the trace gained a request.
  WriteFile(trace, std::string(testing::kTinyTrace) + "3s,b,m,100,20\n");
  const std::string rewritten = sweep(dir_ / "shard-1-rewritten", {"--shard", "1/2"});
  r = Merge(dir_ / "merged-rewritten", {shard0, rewritten});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "are shards of different sweeps: trace file '" + resolved +
                                  "' had different contents"));
  EXPECT_TRUE(Contains(r.err, "run every shard against the same trace files"));
  EXPECT_FALSE(fs::exists(dir_ / "merged-rewritten"));
}

TEST_F(SweepCommandTest, AMissingTraceFileIsAnErrorNamingIt) {
  const std::string scenario = WriteFile(dir_ / "replay.toml", testing::kTinyTraceScenario);
  const CliResult r = RunRatesim({"sweep", scenario, "--shard", "0/2", "--out", dir_ / "out"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "traces/day.csv"));
  EXPECT_TRUE(Contains(r.err, "check the path"));
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(SweepCommandTest, MergeRefusesAMissingOrRepeatedShard) {
  std::vector<std::string> shards = Shards(3);
  CliResult r = Merge(dir_ / "merged", {shards[0], shards[2]});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "missing shard(s) 1/3"));
  r = Merge(dir_ / "merged", {shards[0], shards[1], shards[2], shards[1]});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "shard 1/3 is given twice"));
  // Shards of a different split of the same sweep.
  ASSERT_EQ(Sweep(dir_ / "half", {"--shard", "1/2"}).code, 0);
  r = Merge(dir_ / "merged", {shards[0], dir_ / "half"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "must split the sweep into the same number of parts"));
  EXPECT_FALSE(fs::exists(dir_ / "merged"));
}

TEST_F(SweepCommandTest, MergeRefusesAShardFileMissingOrRepeatingAPoint) {
  std::vector<std::string> shards = Shards(2);
  const std::string name = "sweep-shard-1-of-2.toml";
  absl::StatusOr<ShardFile> file = ReadShardFile(shards[1] + "/" + name);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->points.size(), 2u);  // points 1 and 3

  ShardFile missing = *file;
  missing.points.pop_back();
  WriteFile(shards[1] + "/" + name, ShardFileText(missing));
  CliResult r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "point 3 is missing from shard 1/2"));

  ShardFile repeated = *file;
  repeated.points.insert(repeated.points.begin() + 1, repeated.points.front());
  WriteFile(shards[1] + "/" + name, ShardFileText(repeated));
  r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "point 1 appears twice"));

  ShardFile foreign = *file;
  foreign.points.front().point = 0;
  WriteFile(shards[1] + "/" + name, ShardFileText(foreign));
  r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "point 0 does not belong there"));
  EXPECT_FALSE(fs::exists(dir_ / "merged"));
}

TEST_F(SweepCommandTest, MergeRefusesDamagedFilesAndDirectoriesWithoutShards) {
  std::vector<std::string> shards = Shards(2);
  const std::string path = shards[1] + "/sweep-shard-1-of-2.toml";
  const std::string text = ReadFile(path);

  // An edited definition no longer matches its fingerprint.
  std::string edited = text;
  edited.replace(edited.find("replications = 1"), 16, "replications = 2");
  WriteFile(path, edited);
  CliResult r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "does not match its contents"));

  // A number cell that is not a finite number would reach sweep.json as it is.
  WriteFile(path, text);
  absl::StatusOr<ShardFile> file = ReadShardFile(path);
  ASSERT_TRUE(file.ok()) << file.status();
  const size_t success =
      static_cast<size_t>(std::find(file->columns.begin(), file->columns.end(), "success_rate") -
                          file->columns.begin());
  ASSERT_LT(success, file->columns.size());
  for (const char* bad : {"nan", "0.9x", "inf"}) {
    ShardFile damaged = *file;
    damaged.points.front().rows.front()[success] = bad;
    WriteFile(path, ShardFileText(damaged));
    r = Merge(dir_ / "merged", shards);
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_TRUE(Contains(r.err, fmt::format("has '{}' in its success_rate column", bad))) << r.err;
  }

  // Samples that do not read back as one number per replication of each verdict metric.
  for (const std::string& bad : {std::string("0.9x"), std::string("0.9 0.8")}) {
    ShardFile damaged = *file;
    damaged.points.front().samples.front().front() = {1.0};
    std::string edited = ShardFileText(damaged);
    const size_t at = edited.find("samples = [");
    ASSERT_NE(at, std::string::npos);
    const size_t quote = edited.find('\'', at);
    edited.replace(quote + 1, edited.find('\'', quote + 1) - quote - 1, bad);
    WriteFile(path, edited);
    r = Merge(dir_ / "merged", shards);
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_TRUE(Contains(r.err, "point 1 has malformed 'samples'")) << r.err;
  }

  WriteFile(path, text.substr(0, text.size() / 2));  // cut short
  r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, path));

  fs::create_directories(dir_ / "empty");
  r = Merge(dir_ / "merged", {shards[0], dir_ / "empty"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "holds no shard file"));
  r = Merge(dir_ / "merged", {dir_ / "absent"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "is not a directory"));
  r = RunRatesim({"merge", shards[0]});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "needs '--out DIR'"));
  EXPECT_FALSE(fs::exists(dir_ / "merged"));
}

TEST_F(SweepCommandTest, MergeRefusesRowsThatDoNotNameTheirPoint) {
  // The fingerprint covers the definition, not the rows: a row moved to another point, or with an
  // edited grid value, would otherwise reach sweep.csv under the wrong point's name.
  std::vector<std::string> shards = Shards(2);
  const std::string path = shards[1] + "/sweep-shard-1-of-2.toml";
  absl::StatusOr<ShardFile> file = ReadShardFile(path);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->points.size(), 2u);  // points 1 (concurrency 1) and 3 (concurrency 2)

  ShardFile swapped = *file;
  std::swap(swapped.points[0].rows, swapped.points[1].rows);
  WriteFile(path, ShardFileText(swapped));
  CliResult r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, fmt::format("{}: a row of point 1 reads ({}, 2, 5s, 1) where the "
                                          "sweep has ({}, 1, 5s, 1)",
                                          path, tiny_, tiny_)));
  EXPECT_TRUE(Contains(r.err, "the file was edited or damaged"));

  ShardFile edited = *file;
  edited.points[1].rows.back()[0] = "other.toml";
  WriteFile(path, ShardFileText(edited));
  r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "a row of point 3 reads (other.toml, 2, 5s, 1)"));

  ShardFile replicated = *file;
  replicated.points[0].rows.front()[4] = "3";  // scenario, 2 grid values, policy, replications
  WriteFile(path, ShardFileText(replicated));
  r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, fmt::format("a row of point 1 reads ({}, 1, 5s, 3)", tiny_)));
  EXPECT_FALSE(fs::exists(dir_ / "merged"));

  // The file as written merges.
  WriteFile(path, ShardFileText(*file));
  r = Merge(dir_ / "merged", shards);
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(SweepCommandTest, MergeRefusesAShardCountBeyondWhatShardAllows) {
  // Merge lists each missing shard: a damaged count near 2^63 must be refused when the file is
  // read, not listed until memory runs out.
  std::vector<std::string> shards = Shards(1);
  const std::string path = shards[0] + "/sweep-shard-0-of-1.toml";
  std::string text = ReadFile(path);
  ASSERT_NE(text.find("shards = 1\n"), std::string::npos);
  text.replace(text.find("shards = 1\n"), 11, "shards = 9223372036854775807\n");
  WriteFile(path, text);

  const absl::StatusOr<ShardFile> file = ReadShardFile(path);
  ASSERT_FALSE(file.ok());
  EXPECT_TRUE(Contains(std::string(file.status().message()),
                       fmt::format("'shards' is missing or not an integer from 1 to {}", kMaxShards)))
      << file.status();
  EXPECT_TRUE(Contains(std::string(file.status().message()), path));
}

TEST_F(SweepCommandTest, UsageErrorsExitTwoAndWriteNothing) {
  const std::string out = dir_ / "out";
  const std::pair<std::vector<std::string>, const char*> cases[] = {
      {{"sweep", tiny_, "--grid", "limits.window", "--out", out},
       "flag '--grid' takes KEY=V1,V2, got 'limits.window'; write --grid limits.window=V1,V2"},
      {{"sweep", tiny_, "--grid", "limits.window=", "--out", out}, "has no values"},
      {{"sweep", tiny_, "--grid", "limits.window=1m,,2m", "--out", out}, "empty value"},
      {{"sweep", tiny_, "--grid", "limits.window=1m", "--grid", "limits.window=2m", "--out", out},
       "is given twice"},
      {{"sweep", tiny_, "--grid", "limits.windw=1m,2m", "--out", out},
       "<--grid limits.windw=1m>: error: unknown key 'windw' in [limits]; did "
       "you mean "
       "'window'?"},
      {{"sweep", tiny_, "--grid", "model.0.concurrency=1", "--out", out}, "did you mean 'models'?"},
      {{"sweep", tiny_, "--grid", "models.0.concurrency=2,0", "--out", out},
       "at sweep point 1: models.0.concurrency=0"},
      {{"sweep", tiny_, "--shard", "4/4", "--out", out}, "shards are numbered from 0"},
      {{"sweep", tiny_, "--shard", "5/4", "--out", out}, "use 0/4 .. 3/4"},
      {{"sweep", tiny_, "--shard", "0/0", "--out", out}, "must be from 1"},
      {{"sweep", tiny_, "--shard", "one/4", "--out", out}, "needs I/N"},
      {{"sweep", dir_ / "absent.toml", "--out", out}, "cannot open scenario file"},
      {{"sweep", tiny_, "--scenarios", dir_ / "absent.toml", "--out", out},
       "cannot open scenario file"},
      {{"sweep", tiny_, "--scenarios", tiny_, "--out", out}, "is given more than once"},
      {{"sweep", tiny_, "--scenarios", ",", "--out", out}, "comma-separated list"},
      {{"sweep", tiny_, "--replications", "0", "--out", out}, "'--replications'"},
      {{"sweep", tiny_, "--jobs", "-1", "--out", out}, "'--jobs'"},
      {{"sweep", tiny_, "--seed", "x", "--out", out}, "'--seed'"},
      {{"sweep", tiny_, "--set", "novalue", "--out", out},
       "flag '--set' takes KEY=VALUE, got 'novalue'; write --set novalue=VALUE"},
      {{"sweep", tiny_, "--set", "=3m", "--out", out}, "'--set' needs key=value, got '=3m'"},
      {{"sweep", tiny_, "--grid", "limits.window=1m,2m", "--set", "limits.window = 3m", "--out",
        out},
       "both set limits.window; drop one"},
      {{"sweep", tiny_, "--grid", "run.seed=1,2", "--seed", "3", "--out", out},
       "both set the seed; drop one"},
      {{"sweep", tiny_}, "needs '--out DIR'"},
      {{"sweep", "--out", out}, "needs SCENARIO"},
  };
  for (const auto& [args, message] : cases) {
    const CliResult r = RunRatesim(args);
    EXPECT_EQ(r.code, 2) << args[2];
    EXPECT_TRUE(Contains(r.err, message));
    EXPECT_FALSE(fs::exists(out)) << message;
  }
  EXPECT_EQ(Entries(dir_.path()), (std::vector<std::string>{"outage.toml", "tiny.toml"}));
}

TEST_F(SweepCommandTest, AnUnwritableOutputIsAnIoError) {
  WriteFile(dir_ / "file", "x");
  const CliResult r = Sweep(dir_ / "file/out");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Contains(r.err, "'" + (dir_ / "file") + "' is not a folder"));
  EXPECT_EQ(ReadFile(dir_ / "file"), "x");
}

TEST(SweepCommand, HelpDescribesSweepAndMerge) {
  CliResult r = RunRatesim({"--help"});
  EXPECT_TRUE(Contains(r.out, "  sweep "));
  EXPECT_TRUE(Contains(r.out, "  merge "));
  r = RunRatesim({"sweep", "--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* flag : {"--grid KEY=V1,V2", "--scenarios A,B", "--replications N", "--jobs N",
                           "--shard I/N", "--seed N", "--out DIR"}) {
    EXPECT_TRUE(Contains(r.out, flag));
  }
  r = RunRatesim({"merge", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(Contains(r.out, "usage: ratesim merge SHARD_DIR..."));
}

}  // namespace
}  // namespace ratesim
