// What a trace file holds, read once when its scenario loads: the (org, model) pairs of its rows in
// the order they first appear, which become the engine's keys, and each model's token totals, from
// which the model's nominal capacity is worked out as it is for generated traffic. Without them a
// model fed only by a trace had a token capacity of 0, and its token ceiling stayed at the floor.
#ifndef RATESIM_SIM_SCENARIO_TRACE_CENSUS_H_
#define RATESIM_SIM_SCENARIO_TRACE_CENSUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace ratesim {

struct TraceTokenTotals {
  int64_t rows = 0;
  double input_tokens = 0.0;   // summed over the rows
  double output_tokens = 0.0;

  double mean_input() const { return rows > 0 ? input_tokens / static_cast<double>(rows) : 0.0; }
  double mean_output() const { return rows > 0 ? output_tokens / static_cast<double>(rows) : 0.0; }
};

struct TraceCensus {
  struct Key {
    std::string org;
    std::string model;
  };
  std::vector<Key> keys;  // each (org, model) once, in the order of its first row
  absl::flat_hash_map<std::string, TraceTokenTotals> by_model;
};

// The one name of a trace's (org, model) pair, as the census and the platform's key map spell it:
// the org, a NUL, the model, so that ("ab", "c") and ("a", "bc") stay apart.
std::string TraceKeyName(std::string_view org, std::string_view model);

// Reads the trace at `path` once, in memory proportional to its distinct keys. Fails with the
// trace reader's errors (a malformed row at its line and column), with InvalidArgument at the
// model's field for a model not in `model_names`, and with CancelledStatus() on a cancellation.
absl::StatusOr<TraceCensus> TakeTraceCensus(const std::string& path,
                                            const std::vector<std::string>& model_names);

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_TRACE_CENSUS_H_
