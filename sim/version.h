// The version of this build, recorded next to every result.
#ifndef RATESIM_SIM_VERSION_H_
#define RATESIM_SIM_VERSION_H_

#include <string_view>

namespace ratesim {

std::string_view Version();

}  // namespace ratesim

#endif  // RATESIM_SIM_VERSION_H_
