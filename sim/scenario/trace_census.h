// What a trace file holds, read once when its scenario loads: the (org, model) pairs of its rows in
// the order they first appear, which become the engine's keys, and each model's token totals, from
// which the model's nominal capacity is worked out as it is for generated traffic. Without them a
// model fed only by a trace had a token capacity of 0, and its token ceiling stayed at the floor.
#ifndef RATESIM_SIM_SCENARIO_TRACE_CENSUS_H_
#define RATESIM_SIM_SCENARIO_TRACE_CENSUS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "engine/time.h"

namespace ratesim {

struct TraceTokenTotals {
  int64_t rows = 0;
  double input_tokens = 0.0;   // summed over the rows
  double output_tokens = 0.0;

  double mean_input() const { return rows > 0 ? input_tokens / static_cast<double>(rows) : 0.0; }
  double mean_output() const { return rows > 0 ? output_tokens / static_cast<double>(rows) : 0.0; }
};

// A trace's (org, model) pair.
struct OrgModel {
  std::string org;
  std::string model;
};

// The pair as a row names it, in the reader's storage.
struct OrgModelView {
  std::string_view org;
  std::string_view model;
};

// Hashing and equality over both forms, so that a map keyed by OrgModel finds a row's pair without
// building a string for it: a trace's rows are looked up one by one, at load and again in the run.
struct OrgModelHash {
  using is_transparent = void;
  size_t operator()(const OrgModelView& pair) const { return absl::HashOf(pair.org, pair.model); }
  size_t operator()(const OrgModel& pair) const { return (*this)(OrgModelView{pair.org, pair.model}); }
};
struct OrgModelEq {
  using is_transparent = void;
  static OrgModelView View(const OrgModel& pair) { return {pair.org, pair.model}; }
  static OrgModelView View(const OrgModelView& pair) { return pair; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return View(a).org == View(b).org && View(a).model == View(b).model;
  }
};
template <typename Value>
using OrgModelMap = absl::flat_hash_map<OrgModel, Value, OrgModelHash, OrgModelEq>;

struct TraceCensus {
  std::string path;      // the file read
  uint64_t fnv1a64 = 0;  // of its bytes (sim/util/fnv1a64.h), which run.json records
  // The first row's time and line, for the warning that a trace begins after the run ends; none
  // for a trace of no rows.
  struct FirstRow {
    Nanos time = 0;
    int64_t line = 0;
  };
  std::optional<FirstRow> first_row;
  std::vector<OrgModel> keys;  // each (org, model) once, in the order of its first row
  absl::flat_hash_map<std::string, TraceTokenTotals> by_model;
};

// Reads the trace at `path` once, in memory proportional to its distinct keys. Fails with the
// trace reader's errors (a malformed row at its line and column), with InvalidArgument at the
// model's field for a model not in `model_names`, and with CancelledStatus() on a cancellation.
absl::StatusOr<TraceCensus> TakeTraceCensus(const std::string& path,
                                            const std::vector<std::string>& model_names);

// Censuses already taken, so that loading many scenarios that replay the same files (the points of
// a sweep, which all load before any runs) reads each file once. Keyed by the path and the models
// its rows were checked against; a failure is not kept. Not thread-safe.
class TraceCensusCache {
 public:
  // The census of `path` for `model_names`: the one taken before, or TakeTraceCensus's.
  absl::StatusOr<std::shared_ptr<const TraceCensus>> Take(const std::string& path,
                                                          const std::vector<std::string>& model_names);

 private:
  absl::flat_hash_map<std::string, std::shared_ptr<const TraceCensus>> taken_;
};

}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_TRACE_CENSUS_H_
