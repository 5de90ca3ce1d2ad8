// Reading [[orgs]] and their [[orgs.traffic]] streams: arrival shape, active interval and token sizes.
#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sim/scenario/section_readers.h"

namespace ratesim {
namespace scenario_internal {
namespace {

const std::vector<std::string>& Shapes() {
  static const std::vector<std::string>* const shapes =
      new std::vector<std::string>{"constant", "poisson", "bursts", "ramp"};
  return *shapes;
}

// Every key some shape uses; made valid when the shape itself is unknown, so only real typos remain.
const std::vector<std::string>& ShapeKeys() {
  static const std::vector<std::string>* const keys =
      new std::vector<std::string>{"rate", "count", "window", "every", "from", "to", "over", "arrivals"};
  return *keys;
}

constexpr std::string_view kTokenForms =
    "an integer >= {} or a table such as "
    "{{ dist = \"lognormal\", mean = 500, cv = 0.5 }}";

// A token count: an integer >= `floor`, or a lognormal table. Absent: `fallback`.
TokenCount ReadTokenCount(TableReader& reader, std::string_view key, int64_t floor,
                          const TokenCount& fallback) {
  const toml::node* node = reader.Find(key);
  if (node == nullptr) return fallback;
  TokenCount count;
  if (node->is_integer() || node->is_floating_point()) {
    count.kind = TokenCount::Kind::kFixed;
    count.mean = static_cast<double>(reader.Integer(key, Need::kOptional, floor).value_or(floor));
    return count;
  }
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    reader.ValueError(key,
                      fmt::format("got {}; expected {}", TypeName(*node), fmt::format(kTokenForms, floor)));
    return fallback;
  }
  TableReader dist_reader = reader.Child(*table, fmt::format("'{}' of {}", key, reader.context()));
  const std::optional<std::string> dist = dist_reader.String("dist", Need::kRequired);
  if (dist && *dist != "lognormal") {
    dist_reader.ValueError("dist", fmt::format("unknown token distribution '{}'{}", *dist,
                                               SuggestionFor(*dist, {"lognormal"}, true)));
  }
  count.kind = TokenCount::Kind::kLognormal;
  count.mean = dist_reader.Number("mean", Need::kRequired, Bound::kPositive).value_or(1.0);
  count.cv = dist_reader.Number("cv", Need::kRequired, Bound::kNonNegative).value_or(0.0);
  count.min = dist_reader.Integer("min", Need::kOptional, floor).value_or(floor);
  count.max = dist_reader.Integer("max", Need::kOptional, floor).value_or(INT64_MAX);
  if (count.max < count.min) {
    dist_reader.ValueError("max",
                           fmt::format("got {}, below min = {}; expected max >= min", count.max, count.min));
  }
  dist_reader.ReportUnknownKeys();
  return count;
}

void ReadShape(TableReader& reader, TrafficShape& shape) {
  const std::optional<std::string> kind = reader.String("shape", Need::kRequired);
  if (!kind) {
    for (const std::string& key : ShapeKeys()) reader.Allow(key);
    return;
  }
  if (*kind == "constant" || *kind == "poisson") {
    shape.kind = *kind == "constant" ? TrafficShape::Kind::kConstant : TrafficShape::Kind::kPoisson;
    shape.rate_per_s = reader.Rate("rate", Need::kRequired, Bound::kPositive).value_or(0.0);
  } else if (*kind == "bursts") {
    shape.kind = TrafficShape::Kind::kBursts;
    shape.burst_count = reader.Integer("count", Need::kRequired, 1).value_or(0);
    const std::optional<Nanos> window = reader.Duration("window", Need::kRequired, Bound::kPositive);
    const std::optional<Nanos> every = reader.Duration("every", Need::kRequired, Bound::kPositive);
    shape.burst_window = window.value_or(0);
    shape.burst_period = every.value_or(0);
    if (window && every && *window > *every) {
      reader.ValueError("window",
                        fmt::format("got {}, longer than every = {}; expected window <= every",
                                    Written(*reader.Find("window")), Written(*reader.Find("every"))));
    }
  } else if (*kind == "ramp") {
    shape.kind = TrafficShape::Kind::kRamp;
    const std::optional<double> from = reader.Rate("from", Need::kRequired, Bound::kNonNegative);
    const std::optional<double> to = reader.Rate("to", Need::kRequired, Bound::kNonNegative);
    shape.ramp_from_per_s = from.value_or(0.0);
    shape.ramp_to_per_s = to.value_or(0.0);
    if (from && to && *from == 0.0 && *to == 0.0) {
      reader.ValueError("to", "from and to are both 0; expected at least one of them > 0");
    }
    shape.ramp_over = reader.Duration("over", Need::kRequired, Bound::kPositive).value_or(0);
    if (std::optional<std::string> arrivals = reader.String("arrivals", Need::kOptional)) {
      if (*arrivals == "poisson" || *arrivals == "even") {
        shape.ramp_poisson = *arrivals == "poisson";
      } else {
        reader.ValueError("arrivals", fmt::format("unknown arrival process '{}'{}", *arrivals,
                                                  SuggestionFor(*arrivals, {"poisson", "even"}, true)));
      }
    }
  } else {
    reader.ValueError(
        "shape", fmt::format("unknown traffic shape '{}'{}", *kind, SuggestionFor(*kind, Shapes(), true)));
    for (const std::string& key : ShapeKeys()) reader.Allow(key);
  }
}

TrafficSpec ReadTraffic(TableReader& reader, const std::vector<std::string>& model_names) {
  TrafficSpec traffic;
  traffic.pos = reader.pos();
  if (std::optional<std::string> model = reader.String("model", Need::kRequired)) {
    traffic.model = *model;
    const bool known = std::find(model_names.begin(), model_names.end(), *model) != model_names.end();
    if (!known && !model_names.empty()) {
      reader.ValueError(
          "model", fmt::format("unknown model '{}'{}", *model, SuggestionFor(*model, model_names, true)));
    }
  }
  ReadShape(reader, traffic.shape);
  const std::optional<Nanos> start = reader.Duration("start", Need::kOptional, Bound::kNonNegative);
  const std::optional<Nanos> stop = reader.Duration("stop", Need::kOptional, Bound::kAny);
  traffic.shape.start = start.value_or(0);
  traffic.shape.stop = stop.value_or(kNever);
  if (stop && *stop <= traffic.shape.start) {
    reader.ValueError("stop", fmt::format("got {}, not after start = {}; expected stop > start",
                                          Written(*reader.Find("stop")),
                                          start ? Written(*reader.Find("start")) : "\"0s\""));
  }
  TokenCount input;
  input.mean = 500;
  TokenCount max_output;
  max_output.mean = 256;
  traffic.input_tokens = ReadTokenCount(reader, "input_tokens", 0, input);
  traffic.max_output_tokens = ReadTokenCount(reader, "max_output_tokens", 1, max_output);
  traffic.output_tokens = ReadTokenCount(reader, "output_tokens", 0, traffic.max_output_tokens);
  reader.ReportUnknownKeys();
  return traffic;
}

}  // namespace

std::vector<OrgSpec> ReadOrgs(TableReader& root, const std::vector<ModelSpec>& models,
                              const FormulaInfo* formula) {
  std::vector<std::string> model_names;
  for (const ModelSpec& model : models) {
    if (std::find(model_names.begin(), model_names.end(), model.name) == model_names.end()) {
      model_names.push_back(model.name);
    }
  }
  std::vector<OrgSpec> orgs;
  UniqueNames names("org name", "give each [[orgs]] its own name");
  ForEachTable(
      root, "orgs", "[[orgs]]", Need::kRequired,
      "no [[orgs]]; add at least one, with a name and [[orgs.traffic]]", [&](TableReader& reader) {
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
            org.limit_overrides =
                ReadParams(limits_reader, formula->params, fmt::format("limit formula '{}'", formula->name));
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
        reader.ReportUnknownKeys();
        orgs.push_back(std::move(org));
      });
  return orgs;
}

}  // namespace scenario_internal
}  // namespace ratesim
