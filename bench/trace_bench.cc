// Replaying a recorded trace: the reader alone, the census the loader takes, and a whole run.
//
// BM_TraceRead/<rows> and BM_TraceCensus/<rows> read a trace of <rows> rows (1,000 orgs on three
// models, 2,000 rows per simulated second, about 27 bytes a row) written once to a temporary file,
// reporting rows and bytes per second. BM_SimulateTrace/<rows> replays it through `fifo` and the
// `earned` formula on three models with room for the load (the census taken beforehand, as loading
// does), reporting simulated requests per second as `req_per_s`, to set beside BM_SimulateMMcK's
// and BM_SimulatePlatform's.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "benchmark/benchmark.h"
#include "fmt/format.h"
#include "sim/des/random.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/trace_census.h"
#include "sim/scenario/trace_reader.h"
#include "sim/simulate/simulation.h"

namespace ratesim {
namespace {

constexpr int kOrgs = 1000;
constexpr int kModels = 3;
constexpr double kRowsPerSecond = 2000.0;

// The trace and its scenario, written once per size to the temporary folder, removed at exit.
struct TraceFiles {
  std::string csv;
  std::string toml;
  int64_t bytes = 0;
};

class TraceFileCache {
 public:
  ~TraceFileCache() {
    for (const auto& [rows, files] : files_) {
      std::remove(files.csv.c_str());
      std::remove(files.toml.c_str());
    }
  }

  const TraceFiles& For(int64_t rows) {
    auto [it, inserted] = files_.try_emplace(rows);
    if (inserted) it->second = Write(rows);
    return it->second;
  }

 private:
  static TraceFiles Write(int64_t rows) {
    const std::string stem = (std::filesystem::temp_directory_path() /
                              fmt::format("ratesim_trace_bench_{}_{}", getpid(), rows))
                                 .string();
    TraceFiles files{stem + ".csv", stem + ".toml"};
    {
      std::ofstream csv(files.csv, std::ios::binary);
      csv << "time,org,model,input_tokens,output_tokens\n";
      Rng rng = Rng::ForStream(1, 0);
      double t = 0.0;
      for (int64_t i = 0; i < rows; ++i) {
        t += rng.Exponential(1.0 / kRowsPerSecond);
        csv << fmt::format("{:.6f},org{},m{},{},{}\n", t, rng.UniformInt(kOrgs), rng.UniformInt(kModels),
                           100 + rng.UniformInt(2000), 20 + rng.UniformInt(500));
      }
    }
    files.bytes = static_cast<int64_t>(std::filesystem::file_size(files.csv));
    std::ofstream toml(files.toml);
    toml << fmt::format("[run]\nduration = \"{}s\"\nseed = 1\n[limits]\nformula = \"earned\"\n",
                        static_cast<int64_t>(static_cast<double>(rows) / kRowsPerSecond) + 10);
    for (int m = 0; m < kModels; ++m) {
      toml << fmt::format(
          "[[models]]\nname = \"m{}\"\nreplicas = 4\nconcurrency = 64\n"
          "service = {{ dist = \"exponential\", mean = \"200ms\" }}\n",
          m);
    }
    toml << fmt::format("[[traces]]\npath = \"{}\"\n[[policies]]\ntype = \"fifo\"\n", files.csv);
    return files;
  }

  std::map<int64_t, TraceFiles> files_;
};

TraceFileCache& Files() {
  static TraceFileCache cache;
  return cache;
}

void ReportRows(benchmark::State& state, const TraceFiles& files) {
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * files.bytes);
}

void BM_TraceRead(benchmark::State& state) {
  const TraceFiles& files = Files().For(state.range(0));
  for (auto _ : state) {
    absl::StatusOr<TraceReader> reader = TraceReader::Open(files.csv);
    TraceRow row;
    int64_t rows = 0;
    while (reader.ok()) {
      absl::StatusOr<bool> more = reader->Next(&row);
      if (!more.ok() || !*more) break;
      ++rows;
    }
    if (rows != state.range(0)) state.SkipWithError("the trace did not read whole");
    benchmark::DoNotOptimize(row);
  }
  ReportRows(state, files);
}
BENCHMARK(BM_TraceRead)->Arg(200'000)->Unit(benchmark::kMillisecond);

void BM_TraceCensus(benchmark::State& state) {
  const TraceFiles& files = Files().For(state.range(0));
  for (auto _ : state) {
    absl::StatusOr<TraceCensus> census = TakeTraceCensus(files.csv, {"m0", "m1", "m2"});
    if (!census.ok()) state.SkipWithError(std::string(census.status().message()).c_str());
    benchmark::DoNotOptimize(census);
  }
  ReportRows(state, files);
}
BENCHMARK(BM_TraceCensus)->Arg(200'000)->Unit(benchmark::kMillisecond);

void BM_SimulateTrace(benchmark::State& state) {
  absl::StatusOr<Scenario> scenario = LoadScenarioFile(Files().For(state.range(0)).toml);
  if (!scenario.ok()) {
    state.SkipWithError(std::string(scenario.status().message()).c_str());
    return;
  }
  int64_t requests = 0;
  for (auto _ : state) {
    absl::StatusOr<RunResult> result = Simulate(*scenario, scenario->policies[0], scenario->run.seed);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    requests += result->metrics.overall.counts.offered;
    benchmark::DoNotOptimize(result);
  }
  state.counters["req_per_s"] = benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulateTrace)->Arg(200'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ratesim
