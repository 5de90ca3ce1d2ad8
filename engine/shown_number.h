// How a message shows a number that may be NaN. fmt writes a NaN as "nan" or "-nan" by its sign
// bit, which depends on how the NaN was made (0/0 on x86 gives -nan) and tells a user nothing, so
// every NaN a message shows reads "NaN". Infinities stay "inf" and "-inf": their sign means
// something.
#ifndef RATESIM_ENGINE_SHOWN_NUMBER_H_
#define RATESIM_ENGINE_SHOWN_NUMBER_H_

#include <cmath>
#include <string>

#include "fmt/format.h"

namespace ratesim {

// `value` as fmt's "{}" writes it (the shortest text that reads back the same), but "NaN" for any
// NaN.
inline std::string ShownNumber(double value) {
  return std::isnan(value) ? std::string("NaN") : fmt::format("{}", value);
}

}  // namespace ratesim

#endif  // RATESIM_ENGINE_SHOWN_NUMBER_H_
