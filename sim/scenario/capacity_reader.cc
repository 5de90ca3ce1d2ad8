// Reading how a model's capacity changes over the run: its `schedule` of replica counts (outages,
// drops, recoveries) and its `autoscaler`.
#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

constexpr std::string_view kScheduleForm = "[{ at = \"5m\", replicas = 0 }, { at = \"8m\", replicas = 2 }]";

std::vector<CapacityChange> ReadSchedule(TableReader& reader) {
  std::vector<CapacityChange> schedule;
  const toml::node* node = reader.Find("schedule");
  if (node == nullptr) return schedule;
  if (!node->is_array()) {
    reader.ValueError("schedule", fmt::format("got {}; expected an array of tables such as {}",
                                              TypeName(*node), kScheduleForm));
    return schedule;
  }
  std::optional<Nanos> previous;  // the latest valid `at` so far
  std::string previous_written;
  ForEachTable(reader, "schedule", "'schedule' of [[models]]", Need::kOptional, "", [&](TableReader& entry) {
    CapacityChange change;
    change.pos = entry.pos();
    const std::optional<Nanos> at = entry.Duration("at", Need::kRequired, Bound::kNonNegative);
    change.replicas = entry.Integer("replicas", Need::kRequired, 0, kMaxReplicas).value_or(0);
    if (at) {
      change.at = *at;
      if (previous && *at <= *previous) {
        entry.ValueError("at", fmt::format("got {}, not after the previous entry's at = {}; expected each "
                                           "'at' later than the one before",
                                           Written(*entry.Find("at")), previous_written));
      } else {
        previous = *at;
        previous_written = Written(*entry.Find("at"));
      }
    }
    entry.ReportUnknownKeys();
    schedule.push_back(change);
  });
  return schedule;
}

// `replicas` is the model's count at the start, or nullopt if it was invalid.
AutoscalerSpec ReadAutoscaler(TableReader& model_reader, const std::string& model,
                              std::optional<int64_t> replicas) {
  AutoscalerSpec spec;
  const toml::table* table = model_reader.Table(
      "autoscaler", Need::kOptional, "a table such as { min_replicas = 1, max_replicas = 8 }");
  if (table == nullptr) return spec;
  TableReader reader = model_reader.Child(*table, "'autoscaler' of [[models]]");
  spec.enabled = true;
  if (std::optional<double> target = reader.Number("target_utilisation", Need::kOptional, Bound::kPositive)) {
    if (*target > 1.0) {
      reader.ValueError("target_utilisation",
                        fmt::format("got {}; expected a number in (0, 1], such as 0.7 for 70% busy",
                                    Written(*reader.Find("target_utilisation"))));
    } else {
      spec.target_utilisation = *target;
    }
  }
  spec.interval = reader.Duration("interval", Need::kOptional, Bound::kPositive).value_or(spec.interval);
  spec.window = reader.Duration("window", Need::kOptional, Bound::kPositive).value_or(spec.window);
  spec.provisioning_delay = reader.Duration("provisioning_delay", Need::kOptional, Bound::kNonNegative)
                                .value_or(spec.provisioning_delay);
  spec.scale_down_cooldown = reader.Duration("scale_down_cooldown", Need::kOptional, Bound::kNonNegative)
                                 .value_or(spec.scale_down_cooldown);
  const std::optional<int64_t> min = reader.Integer("min_replicas", Need::kOptional, 1, kMaxReplicas);
  const std::optional<int64_t> max = reader.Integer("max_replicas", Need::kOptional, 1, kMaxReplicas);
  reader.ReportUnknownKeys();
  if (!replicas) return spec;

  spec.min_replicas = min.value_or(*replicas);
  spec.max_replicas = max.value_or(std::max(spec.min_replicas, *replicas));
  if (*replicas < 1) {
    model_reader.ValueError("autoscaler",
                            fmt::format("model '{}' starts with replicas = 0, but an autoscaler keeps at least "
                                        "min_replicas >= 1; set replicas >= 1 (a schedule entry can still "
                                        "drop it to 0 later)",
                                        model));
    return spec;
  }
  if (max) {
    if (min && *max < *min) {
      reader.ValueError("max_replicas", fmt::format("got {}, below min_replicas = {}; expected min_replicas "
                                                    "<= max_replicas",
                                                    *max, *min));
    } else if (*max < *replicas) {
      reader.ValueError("max_replicas",
                        fmt::format("got {}, below the model's replicas = {}; expected max_replicas >= "
                                    "replicas (the count at the start)",
                                    *max, *replicas));
    }
  }
  if (reader.Find("min_replicas") == nullptr && reader.Find("max_replicas") == nullptr) {
    // Both bounds default to the starting count, which leaves the autoscaler nothing to do: a file
    // that asks for one surely meant it to scale.
    const std::string down =
        *replicas > 1 ? fmt::format(", min_replicas below {} to let it scale down, or both", *replicas)
                      : "";
    model_reader.ValueError(
        "autoscaler",
        fmt::format("model '{}' has an autoscaler without min_replicas or max_replicas, so both are "
                    "its replicas = {} and it can neither add nor remove one; set max_replicas "
                    "above {} to let it scale up{}",
                    model, *replicas, *replicas, down));
    return spec;
  }
  if (min && *min > *replicas) {
    reader.ValueError("min_replicas", fmt::format("got {}, above the model's replicas = {}; expected "
                                                  "min_replicas <= replicas (the count at the start)",
                                                  *min, *replicas));
  }
  return spec;
}

}  // namespace

void ReadCapacity(TableReader& reader, bool replicas_ok, ModelSpec& model) {
  model.schedule = ReadSchedule(reader);
  model.autoscaler =
      ReadAutoscaler(reader, model.name, replicas_ok ? std::optional<int64_t>(model.replicas) : std::nullopt);
  const bool raised_later = std::any_of(model.schedule.begin(), model.schedule.end(),
                                        [](const CapacityChange& change) { return change.replicas > 0; });
  if (replicas_ok && model.replicas == 0 && !raised_later) {
    reader.ValueError("replicas", fmt::format("model '{}' has no replicas ever; set replicas >= 1, or add a "
                                              "schedule entry that raises it, such as schedule = "
                                              "[{{ at = \"1m\", replicas = 1 }}]",
                                              model.name));
  }
}

}  // namespace scenario_internal
}  // namespace ratesim
