#include "sim/scenario/units.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "sim/scenario/toml_error_hint.h"

namespace ratesim {
namespace {

// `<digits>[.<digits>]<unit>` split into its parts; ok is false when the number part is malformed.
struct Decimal {
  bool ok = false;
  std::string_view whole;     // digits before the point, at least one
  std::string_view fraction;  // digits after the point, possibly empty
  std::string_view number;    // whole[.fraction] as written
  std::string_view unit;      // the rest
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Decimal SplitDecimal(std::string_view text) {
  Decimal d;
  size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i == 0) return d;
  d.whole = text.substr(0, i);
  if (i < text.size() && text[i] == '.') {
    const size_t start = ++i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == start) return d;  // "5." or "5.s"
    d.fraction = text.substr(start, i - start);
  }
  d.number = text.substr(0, i);
  d.unit = text.substr(i);
  d.ok = true;
  return d;
}

struct DurationUnit {
  std::string_view name;
  int64_t nanos;
};

// Largest first, the order in which ExponentError tries them.
constexpr DurationUnit kDurationUnits[] = {
    {"h", 3600 * kNanosPerSecond}, {"m", 60 * kNanosPerSecond}, {"s", kNanosPerSecond},
    {"ms", 1'000'000},             {"us", 1'000},               {"ns", 1},
};

// Nanoseconds per unit, or 0 for an unknown unit.
int64_t NanosPerUnit(std::string_view unit) {
  for (const DurationUnit& known : kDurationUnits) {
    if (known.name == unit) return known.nanos;
  }
  return 0;
}

constexpr size_t kMaxFractionDigits = 18;  // 10^18 x 3.6e12 ns/h still fits in 128 bits

// The number `text` starts with when it is written with an exponent too large for a double
// ("1e400" of "1e400rpm"), which SplitDecimal does not read; empty otherwise.
std::string_view BeyondDoublePrefix(std::string_view text) {
  const size_t end = text.find_first_not_of("0123456789._eE+-");
  const std::string_view number = text.substr(0, end);
  return scenario_internal::IsBeyondDouble(number) ? number : std::string_view();
}

absl::Status Malformed(std::string_view what, std::string_view text, std::string_view form) {
  return absl::InvalidArgumentError(fmt::format("malformed {} \"{}\"; expected {}", what, text, form));
}

// `e[+-]<digits>` where a unit was expected ("e-3s" of "1e-3s"); ok is false when `text` does not
// start with one. Exponents past kMaxExponent are clamped to it: any such duration is beyond reach.
struct Exponent {
  bool ok = false;
  int value = 0;
  std::string_view unit;  // what follows the digits
};

constexpr int kMaxExponent = 99;

Exponent SplitExponent(std::string_view text) {
  Exponent e;
  if (text.empty() || (text[0] != 'e' && text[0] != 'E')) return e;
  size_t i = 1;
  const bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  const size_t start = i;
  int magnitude = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    magnitude = std::min(kMaxExponent, magnitude * 10 + (text[i] - '0'));
  }
  if (i == start) return e;
  e.ok = true;
  e.value = negative ? -magnitude : magnitude;
  e.unit = text.substr(i);
  return e;
}

absl::Status TooLarge(std::string_view text) {
  return absl::OutOfRangeError(
      fmt::format("duration \"{}\" is too large; expected at most about 292 years", text));
}

absl::uint128 Gcd(absl::uint128 a, absl::uint128 b) {
  while (b != 0) {
    a %= b;
    std::swap(a, b);
  }
  return a;
}

// p / q in decimal with at most kMaxFractionDigits places, as ParseDuration reads it; nullopt when
// it takes more. REQUIRES: p / q fits in 64 bits and q * 10 in 128.
std::optional<std::string> DecimalText(absl::uint128 p, absl::uint128 q) {
  std::string text = std::to_string(absl::Uint128Low64(p / q));
  absl::uint128 rest = p % q;
  if (rest != 0) text += '.';
  for (size_t places = 0; rest != 0; ++places) {
    if (places == kMaxFractionDigits) return std::nullopt;
    rest *= 10;
    text += static_cast<char>('0' + absl::Uint128Low64(rest / q));
    rest %= q;
  }
  return text;
}

// Bounds that keep the arithmetic of ExponentError in 128 bits: a significand of at most 10^19
// times 3.6e12 ns per hour, a denominator of at most 10^24 times 3.6e12.
constexpr int kMaxSignificantDigits = 19;
constexpr int kMaxPlacesBelowUnit = 24;

// The error for a duration written with an exponent. ParseDuration reads decimals exactly, in
// integers, which an exponent would defeat, so it refuses one and names the same duration without
// it, in the unit that takes the fewest digits ("1ms" for "1e-3s"; the unit written wins a tie), or
// in seconds when no unit was written.
absl::Status ExponentError(std::string_view text, const Decimal& d, const Exponent& e) {
  const int64_t written_unit = e.unit.empty() ? kNanosPerSecond : NanosPerUnit(e.unit);
  if (written_unit == 0) return Malformed("duration", text, kDurationForm);
  const std::string no_form = fmt::format(
      "duration \"{}\" has an exponent, which durations do not accept; write the number out in "
      "full, e.g. \"1ms\" or \"0.001s\" for \"1e-3s\"",
      text);
  // The duration is significand x 10^shift units, that is num / den nanoseconds.
  absl::uint128 significand = 0;
  int significant_digits = 0;
  for (std::string_view part : {d.whole, d.fraction}) {
    for (char c : part) {
      significand = significand * 10 + static_cast<uint64_t>(c - '0');
      if (significand != 0 && ++significant_digits > kMaxSignificantDigits) {
        return absl::InvalidArgumentError(no_form);
      }
    }
  }
  const int shift = e.value - static_cast<int>(d.fraction.size());
  if (-shift > kMaxPlacesBelowUnit) return absl::InvalidArgumentError(no_form);
  const absl::uint128 max = static_cast<uint64_t>(kNever);
  absl::uint128 num = significand * static_cast<uint64_t>(written_unit);
  absl::uint128 den = 1;
  for (int i = 0; i < shift && num <= max; ++i) num *= 10;
  for (int i = 0; i < -shift; ++i) den *= 10;
  if (num / den > max) return TooLarge(text);
  const absl::uint128 common = Gcd(num, den);
  num /= common;
  den /= common;

  std::optional<std::string> best_number;
  std::string_view best_unit;
  for (const DurationUnit& unit : kDurationUnits) {
    if (e.unit.empty() && unit.name != "s") continue;
    const absl::uint128 nanos = static_cast<uint64_t>(unit.nanos);
    const absl::uint128 g = Gcd(num, nanos);
    const std::optional<std::string> number = DecimalText(num / g, den * (nanos / g));
    if (!number) continue;
    const bool shorter = !best_number || number->size() < best_number->size();
    const bool tie_in_written_unit =
        best_number && number->size() == best_number->size() && unit.name == e.unit;
    if (shorter || tie_in_written_unit) {
      best_number = number;
      best_unit = unit.name;
    }
  }
  if (!best_number) return absl::InvalidArgumentError(no_form);
  const std::string best = *best_number + std::string(best_unit);
  if (e.unit.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "duration \"{}\" has an exponent and no unit; write \"{}\" or another unit (ns, us, ms, s, "
        "m, h)",
        text, best));
  }
  return absl::InvalidArgumentError(fmt::format(
      "duration \"{}\" has an exponent, which durations do not accept; write \"{}\"", text, best));
}

}  // namespace

absl::StatusOr<Nanos> ParseDuration(std::string_view text) {
  if (text.empty())
    return absl::InvalidArgumentError(fmt::format("empty duration; expected {}", kDurationForm));
  if (text[0] == '-') {
    return absl::InvalidArgumentError(fmt::format(
        "negative duration \"{}\"; expected a duration >= 0 such as \"{}\"", text, text.substr(1)));
  }
  const Decimal d = SplitDecimal(text);
  if (!BeyondDoublePrefix(text).empty()) return TooLarge(text);
  if (!d.ok) return Malformed("duration", text, kDurationForm);
  if (const Exponent e = SplitExponent(d.unit); e.ok) return ExponentError(text, d, e);
  if (d.unit.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "duration \"{}\" has no unit; write \"{}s\" or another unit (ns, us, ms, s, m, h)", text, text));
  }
  const int64_t unit = NanosPerUnit(d.unit);
  if (unit == 0) return Malformed("duration", text, kDurationForm);
  if (d.fraction.size() > kMaxFractionDigits) {
    return absl::InvalidArgumentError(
        fmt::format("duration \"{}\" has more than {} decimal places; expected {}", text, kMaxFractionDigits,
                    kDurationForm));
  }

  const absl::uint128 max = static_cast<uint64_t>(kNever);
  absl::uint128 whole = 0;
  for (char c : d.whole) {
    whole = whole * 10 + static_cast<uint64_t>(c - '0');
    if (whole > max) return TooLarge(text);
  }
  absl::uint128 fraction = 0;
  absl::uint128 scale = 1;
  for (char c : d.fraction) {
    fraction = fraction * 10 + static_cast<uint64_t>(c - '0');
    scale *= 10;
  }
  const absl::uint128 u = static_cast<uint64_t>(unit);
  const absl::uint128 scaled = fraction * u;
  absl::uint128 nanos = scaled / scale;
  if ((scaled % scale) * 2 >= scale) nanos += 1;  // round half away from zero
  if (whole > (max - nanos) / u) return TooLarge(text);
  nanos += whole * u;
  return static_cast<Nanos>(absl::Uint128Low64(nanos));
}

absl::StatusOr<double> ParseRate(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError(fmt::format("empty rate; expected {}", kRateForm));
  if (text[0] == '-') {
    return absl::InvalidArgumentError(
        fmt::format("negative rate \"{}\"; expected a rate >= 0 such as \"{}\"", text, text.substr(1)));
  }
  const auto beyond_double = [&](std::string_view number) {
    return absl::InvalidArgumentError(fmt::format("rate \"{}\": {} is {}; {}", text, number,
                                                  scenario_internal::BeyondDoubleText(),
                                                  scenario_internal::kCloserToZero));
  };
  if (const std::string_view number = BeyondDoublePrefix(text); !number.empty()) {
    return beyond_double(number);
  }
  const Decimal d = SplitDecimal(text);
  if (!d.ok) return Malformed("rate", text, kRateForm);
  // A rate is read as a double, not exactly as a duration is, so an exponent ("1.2e3rpm") reads
  // as it does in any number.
  std::string_view number = d.number;
  std::string_view unit = d.unit;
  if (const Exponent e = SplitExponent(d.unit); e.ok) {
    number = text.substr(0, text.size() - e.unit.size());
    unit = e.unit;
  }
  if (unit.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("rate \"{}\" has no unit; write \"{}rpm\" or \"{}rps\"", text, text, text));
  }
  double per_unit = 0.0;
  if (unit == "rpm") {
    per_unit = 60.0;
  } else if (unit == "rps") {
    per_unit = 1.0;
  } else {
    return Malformed("rate", text, kRateForm);
  }
  double value = 0.0;
  if (!absl::SimpleAtod(std::string(number), &value) || !std::isfinite(value)) {
    return beyond_double(number);
  }
  return value / per_unit;
}

}  // namespace ratesim
