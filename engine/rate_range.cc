#include "engine/rate_range.h"

#include <algorithm>

namespace ratesim {

std::vector<ParamSpec> RateRange::Params() {
  return {
      {"base_rpm", ParamKind::kNumber, 60.0, 0.0, true,
       "floor of the rate in requests per minute: what a new org gets", "ceiling_rpm"},
      {"base_tpm", ParamKind::kNumber, 180000.0, 0.0, true, "floor of the rate in tokens per minute",
       "ceiling_tpm"},
      {"ceiling_rpm", ParamKind::kNumber, 1e9, 0.0, true, "absolute cap in requests per minute"},
      {"ceiling_tpm", ParamKind::kNumber, 1e12, 0.0, true, "absolute cap in tokens per minute"},
      // A fraction: a key's cap above all of the model's capacity is a rate it can never be
      // served at, and 50 is a percentage meant as 0.5.
      WithMaximum({"capacity_share", ParamKind::kNumber, 0.5, 0.0, true,
                   "cap as a share of the model's live capacity (1 = all of it)"},
                  1.0),
  };
}

bool RateRange::IsParam(std::string_view name) {
  for (const ParamSpec& spec : Params()) {
    if (spec.name == name) return true;
  }
  return false;
}

std::vector<ParamSpec> WithRangeParams(std::vector<ParamSpec> more) {
  std::vector<ParamSpec> specs = RateRange::Params();
  specs.insert(specs.end(), more.begin(), more.end());
  return specs;
}

RateRange::RateRange(const ParamValues& params)
    : base_requests_(params.at("base_rpm") / 60.0),
      base_tokens_(params.at("base_tpm") / 60.0),
      ceiling_requests_(params.at("ceiling_rpm") / 60.0),
      ceiling_tokens_(params.at("ceiling_tpm") / 60.0),
      capacity_share_(params.at("capacity_share")) {}

}  // namespace ratesim
