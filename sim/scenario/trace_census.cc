#include "sim/scenario/trace_census.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "sim/scenario/trace_reader.h"
#include "sim/simulate/cancellation.h"

namespace ratesim {

absl::StatusOr<TraceCensus> TakeTraceCensus(const std::string& path,
                                            const std::vector<std::string>& model_names) {
  absl::StatusOr<TraceReader> reader = TraceReader::Open(path, TraceReader::HashBytes::kYes);
  if (!reader.ok()) return reader.status();
  TraceCensus census;
  census.path = path;
  absl::flat_hash_set<OrgModel, OrgModelHash, OrgModelEq> seen;  // the pairs in census.keys
  TraceRow row;
  // A trace of gigabytes takes a while to read: it stops for a cancellation as a run would.
  for (uint64_t rows = 1;; ++rows) {
    if (rows % 4096 == 0 && CancellationRequested()) return CancelledStatus();
    absl::StatusOr<bool> more = reader->Next(&row);
    if (!more.ok()) return more.status();
    if (!*more) {
      census.fnv1a64 = reader->fnv1a64();
      return census;
    }
    if (!census.first_row.has_value()) census.first_row = TraceCensus::FirstRow{row.time, reader->line()};
    auto totals = census.by_model.find(row.model);
    if (totals == census.by_model.end()) {
      if (std::find(model_names.begin(), model_names.end(), row.model) == model_names.end()) {
        // At the model's field, as every other error about a row is, naming the models there are.
        return absl::InvalidArgumentError(fmt::format(
            "{}:{}:{}: error: unknown model '{}'; expected one of: {}; add it to the scenario's "
            "[[models]] or correct the row",
            path, reader->line(), reader->column(2), row.model, fmt::join(model_names, ", ")));
      }
      totals = census.by_model.try_emplace(row.model).first;
    }
    ++totals->second.rows;
    totals->second.input_tokens += static_cast<double>(row.input_tokens);
    totals->second.output_tokens += static_cast<double>(row.output_tokens);
    if (!seen.contains(OrgModelView{row.org, row.model})) {
      seen.insert(OrgModel{row.org, row.model});
      census.keys.push_back({row.org, row.model});
    }
  }
}

absl::StatusOr<std::shared_ptr<const TraceCensus>> TraceCensusCache::Take(
    const std::string& path, const std::vector<std::string>& model_names) {
  std::string key = path;
  for (const std::string& model : model_names) {
    key += '\0';
    key += model;
  }
  std::shared_ptr<const TraceCensus>& taken = taken_[key];
  if (taken == nullptr) {
    absl::StatusOr<TraceCensus> census = TakeTraceCensus(path, model_names);
    if (!census.ok()) {
      taken_.erase(key);
      return census.status();
    }
    taken = std::make_shared<const TraceCensus>(*std::move(census));
  }
  return taken;
}

}  // namespace ratesim
