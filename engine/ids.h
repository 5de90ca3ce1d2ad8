// Dense integer ids for the names the platform sees. Names are interned once at the edge
// (KeyRegistry); the hot path handles only these ids, which index flat arrays.
#ifndef RATESIM_ENGINE_IDS_H_
#define RATESIM_ENGINE_IDS_H_

#include <cstdint>

namespace ratesim {

using OrgId = uint32_t;
using ModelId = uint32_t;
using KeyId = uint32_t;  // one (org, model) pair

}  // namespace ratesim

#endif  // RATESIM_ENGINE_IDS_H_
