// Interns org and model names to dense ids, and (org, model) pairs to dense key ids. Used at the
// edge, when a name is first seen; the hot path indexes flat arrays by the ids it returns.
//
// Thread-safety: none.
#ifndef RATESIM_ENGINE_KEY_REGISTRY_H_
#define RATESIM_ENGINE_KEY_REGISTRY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/ids.h"

namespace ratesim {

class KeyRegistry {
 public:
  // The id of `name`, assigned 0, 1, 2, ... in order of first sight.
  OrgId InternOrg(std::string_view name);
  ModelId InternModel(std::string_view name);
  // The key of (org, model), assigned 0, 1, 2, ... in order of first sight.
  KeyId InternKey(OrgId org, ModelId model);

  size_t org_count() const { return org_names_.size(); }
  size_t model_count() const { return model_names_.size(); }
  size_t key_count() const { return key_org_.size(); }

  const std::string& org_name(OrgId org) const { return org_names_[org]; }
  const std::string& model_name(ModelId model) const { return model_names_[model]; }
  OrgId key_org(KeyId key) const { return key_org_[key]; }
  ModelId key_model(KeyId key) const { return key_model_[key]; }

 private:
  absl::flat_hash_map<std::string, OrgId> orgs_;
  absl::flat_hash_map<std::string, ModelId> models_;
  absl::flat_hash_map<uint64_t, KeyId> keys_;  // (org << 32 | model) -> key
  std::vector<std::string> org_names_;
  std::vector<std::string> model_names_;
  std::vector<OrgId> key_org_;
  std::vector<ModelId> key_model_;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_KEY_REGISTRY_H_
