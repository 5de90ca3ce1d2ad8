#include "sim/scenario/org_class.h"

namespace ratesim {

bool IsSpikingShape(TrafficShape::Kind kind) {
  switch (kind) {
    case TrafficShape::Kind::kConstant:
    case TrafficShape::Kind::kPoisson:
    case TrafficShape::Kind::kDiurnal:
    case TrafficShape::Kind::kClosedLoop:
      return false;
    case TrafficShape::Kind::kBursts:
    case TrafficShape::Kind::kRamp:
    case TrafficShape::Kind::kStep:
    case TrafficShape::Kind::kOnOff:
      return true;
  }
  return true;
}

OrgClass ClassifyOrg(const OrgSpec& org) {
  if (org.traffic.empty()) return OrgClass::kUnclassified;
  for (const TrafficSpec& traffic : org.traffic) {
    if (IsSpikingShape(traffic.shape.kind)) return OrgClass::kSpiking;
  }
  return OrgClass::kSteady;
}

OrgClass ClassifyOrgNamed(const Scenario& scenario, std::string_view name) {
  for (const OrgSpec& org : scenario.orgs) {
    if (org.name == name) return ClassifyOrg(org);
  }
  return OrgClass::kUnclassified;
}

std::string_view OrgClassName(OrgClass org_class) {
  switch (org_class) {
    case OrgClass::kSteady:
      return "steady";
    case OrgClass::kSpiking:
      return "spiking";
    case OrgClass::kUnclassified:
      return "unclassified";
  }
  return "unclassified";
}

}  // namespace ratesim
