// Reading [[orgs]]: each org's name, its limit overrides and its [[orgs.traffic]] streams.
#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

// The scenario's [limits] table, or nullptr if it has none.
const toml::table* LimitsTable(TableReader& root) {
  const toml::node* limits = root.Find("limits");
  return limits == nullptr ? nullptr : limits->as_table();
}

// `time` + `by` (>= 0), or kNever where that is beyond what Nanos holds: a stream's start or stop
// moved later.
Nanos Later(Nanos time, Nanos by) { return time > kNever - by ? kNever : time + by; }

// `copies` orgs like `org`, named "<name>-1" to "<name>-<copies>", copy k's streams moved
// (k - 1) × stagger / copies later than written (start and stop): a stagger of a burst's period
// spreads the copies' bursts evenly over it instead of firing them at once. Each copy is its own
// org: its own keys, rates and random streams.
void AddCopies(const OrgSpec& org, int64_t copies, Nanos stagger, TableReader& reader,
               UniqueNames& names, std::vector<OrgSpec>& orgs) {
  orgs.reserve(orgs.size() + static_cast<size_t>(copies));
  for (int64_t k = 0; k < copies; ++k) {
    OrgSpec copy = org;
    copy.name = fmt::format("{}-{}", org.name, k + 1);
    copy.copy_of = org.name;
    copy.copies = copies;
    // Exact: stagger × k / copies, without overflowing for any stagger a duration can hold.
    const Nanos offset = static_cast<Nanos>(static_cast<__int128>(stagger) * k / copies);
    for (TrafficSpec& traffic : copy.traffic) {
      traffic.shape.start = Later(traffic.shape.start, offset);
      traffic.shape.stop = Later(traffic.shape.stop, offset);
    }
    if (!org.name.empty()) names.Add(copy.name, reader, "copies");
    orgs.push_back(std::move(copy));
  }
}

}  // namespace

std::vector<OrgSpec> ReadOrgs(TableReader& root, const std::vector<ModelSpec>& models,
                              const FormulaInfo* formula, const LimitSpec& scenario_limits, Need need) {
  std::vector<std::string> model_names;
  for (const ModelSpec& model : models) {
    if (std::find(model_names.begin(), model_names.end(), model.name) == model_names.end()) {
      model_names.push_back(model.name);
    }
  }
  std::vector<OrgSpec> orgs;
  UniqueNames names("org name", "give each [[orgs]] its own name");
  ForEachTable(
      root, "orgs", "[[orgs]]", need,
      "no [[orgs]] and no [[traces]]; add at least one [[orgs]] with a name and [[orgs.traffic]], or a "
      "[[traces]] with a path",
      [&](TableReader& reader) {
        OrgSpec org;
        org.pos = reader.pos();
        if (std::optional<std::string> name = reader.String("name", Need::kRequired)) {
          org.name = *name;
          if (name->empty()) {
            reader.ValueError("name", "got an empty string; expected an org name such as \"acme\"");
          } else {
            names.Add(*name, reader, "name");
          }
        }
        if (const toml::table* limits = reader.Table(
                "limits", Need::kOptional, "a table of limit parameters such as { base_rpm = 120 }")) {
          TableReader limits_reader = reader.Child(*limits, "'limits' of [[orgs]]");
          if (formula != nullptr) {
            // In name order, which makes the list of valid keys the same every run.
            for (const std::string& text_name : SortedNames(scenario_limits.texts)) {
              if (limits_reader.Find(text_name) != nullptr) {
                limits_reader.ValueError(
                    text_name, fmt::format("an org cannot change the expressions of limit formula '{}'; "
                                           "set numbers here (its parameters or the constants of "
                                           "[limits]), or run the other expression as its own scenario",
                                           formula->name));
              }
            }
            const std::vector<ParamSpec> specs = OverridableParams(*formula, scenario_limits);
            const std::string owner = fmt::format("limit formula '{}'", formula->name);
            org.limit_overrides = ReadParams(limits_reader, specs, owner);
            // The org's limits are [limits]'s with its overrides: a base may exceed a ceiling of
            // either.
            ReportConflicts(limits_reader, specs, scenario_limits.ParamsFor(org), owner,
                            LimitsTable(root));
            if (const toml::table* declared = LimitsTable(root)) {
              for (const std::string& key : ReportedConstants(*formula, scenario_limits, *declared)) {
                limits_reader.Allow(key);
              }
            }
            ReportParamsOfOtherFormulas(limits_reader, *formula, "[limits] formula");
            limits_reader.ReportUnknownKeys();
          }
        }
        ForEachTable(reader, "traffic", "[[orgs.traffic]]", Need::kRequired,
                     fmt::format("org '{}' has no [[orgs.traffic]]; add at least one stream with "
                                 "model, shape and rate",
                                 org.name),
                     [&](TableReader& traffic_reader) {
                       org.traffic.push_back(ReadTraffic(traffic_reader, model_names));
                     });
        const bool has_copies = reader.Find("copies") != nullptr;
        const int64_t copies = reader.Integer("copies", Need::kOptional, 1, kMaxOrgCopies).value_or(1);
        const std::optional<Nanos> stagger =
            reader.Duration("stagger", Need::kOptional, Bound::kNonNegative);
        if (stagger.has_value() && !has_copies) {
          reader.ValueError("stagger", "staggers the starts of an org's copies, and this org has none; "
                                       "add copies = N, or remove it");
        }
        reader.ExplainUnknown("client",
                              "a client belongs to a stream: write client = { on_failure = ... } "
                              "in each [[orgs.traffic]] entry of this org");
        reader.ReportUnknownKeys();
        if (!has_copies) {
          orgs.push_back(std::move(org));
          return;
        }
        AddCopies(org, copies, stagger.value_or(0), reader, names, orgs);
      });
  return orgs;
}

}  // namespace scenario_internal
}  // namespace ratesim
