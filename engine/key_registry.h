// Interns org and model names to dense ids, and (org, model) pairs to dense key ids. Used at the
// edge, when a name is first seen; the hot path indexes flat arrays by the ids it returns.
//
// Memory: each name is stored once, in its id's slot; the lookup tables hold only ids (4 bytes a
// slot) and find names and pairs through those slots, so an org with one key costs about 60 bytes
// here beyond its name.
//
// Thread-safety: none.
#ifndef RATESIM_ENGINE_KEY_REGISTRY_H_
#define RATESIM_ENGINE_KEY_REGISTRY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/ids.h"

namespace ratesim {

class KeyRegistry {
 public:
  KeyRegistry();
  // The tables' hash and equality functors point into this object: not copyable or movable.
  KeyRegistry(const KeyRegistry&) = delete;
  KeyRegistry& operator=(const KeyRegistry&) = delete;

  // The id of `name`, assigned 0, 1, 2, ... in order of first sight.
  OrgId InternOrg(std::string_view name);
  ModelId InternModel(std::string_view name);
  // The key of (org, model), assigned 0, 1, 2, ... in order of first sight.
  KeyId InternKey(OrgId org, ModelId model);

  // Room for `orgs` orgs and `keys` keys without regrowing (an optimisation only).
  void Reserve(size_t orgs, size_t keys);

  size_t org_count() const { return org_names_.size(); }
  size_t model_count() const { return model_names_.size(); }
  size_t key_count() const { return key_org_.size(); }

  const std::string& org_name(OrgId org) const { return org_names_[org]; }
  const std::string& model_name(ModelId model) const { return model_names_[model]; }
  OrgId key_org(KeyId key) const { return key_org_[key]; }
  // Starts loading what key_org(key) reads (Engine::Prefetch).
  void PrefetchKey(KeyId key) const {
#if defined(__GNUC__)
    __builtin_prefetch(&key_org_[key]);
#endif
  }
  ModelId key_model(KeyId key) const { return key_model_[key]; }

 private:
  // A set of ids of `names`, looked up by name (heterogeneous lookup).
  struct NameHash {
    using is_transparent = void;
    const std::vector<std::string>* names;
    size_t operator()(std::string_view name) const { return absl::HashOf(name); }
    size_t operator()(uint32_t id) const { return absl::HashOf(std::string_view((*names)[id])); }
  };
  struct NameEq {
    using is_transparent = void;
    const std::vector<std::string>* names;
    std::string_view NameOf(std::string_view name) const { return name; }
    std::string_view NameOf(uint32_t id) const { return (*names)[id]; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const { return NameOf(a) == NameOf(b); }
  };
  using NameSet = absl::flat_hash_set<uint32_t, NameHash, NameEq>;
  // The set of key ids, looked up by (org, model).
  struct Pair {
    OrgId org;
    ModelId model;
  };
  struct PairHash {
    using is_transparent = void;
    const KeyRegistry* registry;
    size_t operator()(Pair pair) const { return absl::HashOf(pair.org, pair.model); }
    size_t operator()(KeyId key) const { return (*this)(registry->PairOf(key)); }
  };
  struct PairEq {
    using is_transparent = void;
    const KeyRegistry* registry;
    Pair PairOf(Pair pair) const { return pair; }
    Pair PairOf(KeyId key) const { return registry->PairOf(key); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const Pair x = PairOf(a);
      const Pair y = PairOf(b);
      return x.org == y.org && x.model == y.model;
    }
  };

  static uint32_t Intern(NameSet& ids, std::vector<std::string>& names, std::string_view name);
  Pair PairOf(KeyId key) const { return Pair{key_org_[key], key_model_[key]}; }

  NameSet orgs_;
  NameSet models_;
  absl::flat_hash_set<KeyId, PairHash, PairEq> keys_;
  std::vector<std::string> org_names_;
  std::vector<std::string> model_names_;
  std::vector<OrgId> key_org_;
  std::vector<ModelId> key_model_;
};

}  // namespace ratesim

#endif  // RATESIM_ENGINE_KEY_REGISTRY_H_
