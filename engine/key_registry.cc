#include "engine/key_registry.h"

namespace ratesim {

KeyRegistry::KeyRegistry()
    : orgs_(0, NameHash{&org_names_}, NameEq{&org_names_}),
      models_(0, NameHash{&model_names_}, NameEq{&model_names_}),
      keys_(0, PairHash{this}, PairEq{this}) {}

uint32_t KeyRegistry::Intern(NameSet& ids, std::vector<std::string>& names,
                             std::string_view name) {
  const auto found = ids.find(name);
  if (found != ids.end()) return *found;
  const auto id = static_cast<uint32_t>(names.size());
  names.emplace_back(name);
  ids.insert(id);
  return id;
}

OrgId KeyRegistry::InternOrg(std::string_view name) { return Intern(orgs_, org_names_, name); }

ModelId KeyRegistry::InternModel(std::string_view name) {
  return Intern(models_, model_names_, name);
}

KeyId KeyRegistry::InternKey(OrgId org, ModelId model) {
  const auto found = keys_.find(Pair{org, model});
  if (found != keys_.end()) return *found;
  const auto key = static_cast<KeyId>(key_org_.size());
  key_org_.push_back(org);
  key_model_.push_back(model);
  keys_.insert(key);
  return key;
}

void KeyRegistry::Reserve(size_t orgs, size_t keys) {
  orgs_.reserve(orgs);
  org_names_.reserve(orgs);
  keys_.reserve(keys);
  key_org_.reserve(keys);
  key_model_.reserve(keys);
}

}  // namespace ratesim
