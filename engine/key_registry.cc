#include "engine/key_registry.h"

namespace ratesim {
namespace {

template <typename Id>
Id Intern(absl::flat_hash_map<std::string, Id>& ids, std::vector<std::string>& names,
          std::string_view name) {
  auto [it, inserted] = ids.try_emplace(std::string(name), static_cast<Id>(names.size()));
  if (inserted) names.emplace_back(name);
  return it->second;
}

}  // namespace

OrgId KeyRegistry::InternOrg(std::string_view name) { return Intern(orgs_, org_names_, name); }

ModelId KeyRegistry::InternModel(std::string_view name) {
  return Intern(models_, model_names_, name);
}

KeyId KeyRegistry::InternKey(OrgId org, ModelId model) {
  const uint64_t packed = (static_cast<uint64_t>(org) << 32) | model;
  auto [it, inserted] = keys_.try_emplace(packed, static_cast<KeyId>(key_org_.size()));
  if (inserted) {
    key_org_.push_back(org);
    key_model_.push_back(model);
  }
  return it->second;
}

}  // namespace ratesim
