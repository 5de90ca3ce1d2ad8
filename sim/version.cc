#include "sim/version.h"

namespace ratesim {

std::string_view Version() { return RATESIM_VERSION; }

}  // namespace ratesim
