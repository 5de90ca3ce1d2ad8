#include "sim/scenario/units.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/strings/numbers.h"
#include "fmt/format.h"
#include "sim/scenario/toml_error_hint.h"
#include "sim/scenario/unit_spelling.h"

namespace ratesim {
namespace {

// `<digits>[.<digits>][e|E[+-]<digits>]<unit>` split into its parts; ok is false when the number
// part is malformed. An 'e' not followed by digits is no exponent but the start of the unit, so
// "1e+rps" has the unit "e+rps" (and is malformed for it).
struct Decimal {
  bool ok = false;
  std::string_view whole;     // digits before the point, at least one
  std::string_view fraction;  // digits after the point, possibly empty
  int64_t exponent = 0;       // 0 when none; saturated (see SplitDecimal)
  std::string_view number;    // whole[.fraction][e[+-]digits] as written
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
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    const bool negative = j < text.size() && text[j] == '-';
    if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
    const size_t digits = j;
    // An exponent beyond the length of the text + 20 puts every nonzero digit at least 20 places
    // above the point (beyond any Nanos, as 10^19 ns is) or 20 below it (under half a nanosecond
    // even in hours, 3.6 x 10^12 ns), and so does the exponent saturated there: the same value,
    // read in int64_t arithmetic and in a time that grows with the text, not with the exponent
    // ("1e-99999999999999999999h" included).
    const int64_t saturated = static_cast<int64_t>(text.size()) + 20;
    int64_t magnitude = 0;
    for (; j < text.size() && IsDigit(text[j]); ++j) {
      magnitude = std::min(saturated, magnitude * 10 + (text[j] - '0'));
    }
    if (j > digits) {
      d.exponent = negative ? -magnitude : magnitude;
      i = j;
    }
  }
  d.number = text.substr(0, i);
  d.unit = text.substr(i);
  d.ok = true;
  return d;
}

// Nanoseconds per unit, or 0 for an unknown unit.
int64_t NanosPerUnit(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return kNanosPerSecond;
  if (unit == "m") return 60 * kNanosPerSecond;
  if (unit == "h") return 3600 * kNanosPerSecond;
  return 0;
}

// At most this many digits after the point, as written. The limit kept the old reading within 128
// bits; ExactNanos needs none, but a fraction longer than any unit needs (an hour needs 13 places
// to name a nanosecond) is still refused, so no text refused before is read now. It counts what
// was typed: an exponent moves the point without adding digits, so "1.5e-20s", one place as
// written, is read (as 0, being that small).
constexpr size_t kMaxFractionDigits = 18;

// A number without an exponent is beyond a double only with 309 digits or more (DBL_MAX is about
// 1.8 x 10^308); below that length BeyondDoublePrefix need not run strtod to know.
constexpr size_t kShortestBeyondDouble = 309;

// The number `text` starts with when it is written with an exponent too large for a double
// ("1e400" of "1e400rpm"), or with more digits than one holds; empty otherwise.
std::string_view BeyondDoublePrefix(std::string_view text) {
  const size_t end = text.find_first_not_of("0123456789._eE+-");
  const std::string_view number = text.substr(0, end);
  return scenario_internal::IsBeyondDouble(number) ? number : std::string_view();
}

absl::Status Malformed(std::string_view what, std::string_view text, std::string_view form) {
  return absl::InvalidArgumentError(
      fmt::format("malformed {} \"{}\"; expected {}", what, text, form));
}

// Malformed, but with what to write where the unit is only spelt another way (unit_spelling.h):
// then the fix is the one thing to say.
absl::Status UnknownUnit(std::string_view what, std::string_view text, std::string_view form,
                         std::string_view fix) {
  if (fix.empty()) return Malformed(what, text, form);
  return absl::InvalidArgumentError(fmt::format("malformed {} \"{}\"; {}", what, text, fix));
}

absl::Status TooLarge(std::string_view text) {
  return absl::OutOfRangeError(
      fmt::format("duration \"{}\" is too large; expected at most about 292 years", text));
}

// `d` times `unit` nanoseconds, its exponent applied by moving the point among the digits as
// written, rounded to the nearest nanosecond, halves away from zero; nullopt beyond kNever.
std::optional<Nanos> ExactNanos(const Decimal& d, int64_t unit) {
  // The digits as written, the point left out, then zeros on either side: digit i is worth
  // 10^(point - 1 - i) units.
  const int64_t whole_size = static_cast<int64_t>(d.whole.size());
  const int64_t size = whole_size + static_cast<int64_t>(d.fraction.size());
  const auto digit = [&](int64_t i) -> uint64_t {
    if (i < 0 || i >= size) return 0;
    return static_cast<uint64_t>((i < whole_size ? d.whole[i] : d.fraction[i - whole_size]) - '0');
  };
  const int64_t point = whole_size + d.exponent;

  const absl::uint128 max = static_cast<uint64_t>(kNever);
  absl::uint128 whole = 0;
  for (int64_t i = 0; i < point; ++i) {
    whole = whole * 10 + digit(i);
    if (whole > max) return std::nullopt;
  }

  // The fraction times `unit` as on paper, from its last digit: the carry stays below `unit`, so
  // each step fits in 64 bits and the product is exact however many places the fraction has.
  // What carries out past the point is whole nanoseconds; the first place after it rounds.
  const uint64_t u = static_cast<uint64_t>(unit);
  uint64_t carry = 0;
  uint64_t first_place = 0;
  for (int64_t i = size - 1; i >= point; --i) {
    const uint64_t step = digit(i) * u + carry;
    first_place = step % 10;
    carry = step / 10;
  }
  const absl::uint128 nanos = whole * u + carry + (first_place >= 5 ? 1 : 0);
  if (nanos > max) return std::nullopt;
  return static_cast<Nanos>(absl::Uint128Low64(nanos));
}

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// ParseDuration, which with `in_parts` also reads a duration written in parts to say what to write
// for it (CompoundNanos); without, only one number and its unit.
absl::StatusOr<Nanos> ParseDurationOf(std::string_view text, bool in_parts);

// The sum of a duration written in parts, as Go and systemd write one: "1m30s", "1h30m", "2m0.5s";
// nullopt when `text` is not two or more valid durations run together, or their sum is beyond
// kNever. Each part is the text up to where a letter meets a digit; the last is the rest of the
// text if that reads as one duration ("1m1e5s"). A loop, each part read without parts: reading the
// rest both as a whole and in parts at every split took time doubling with each part (a
// 46-character "1s1s1s...6s31s2s3s1s1s1s0s" ran for seconds).
std::optional<Nanos> CompoundNanos(std::string_view text) {
  Nanos sum = 0;
  bool split_once = false;
  while (true) {
    if (split_once) {
      if (const absl::StatusOr<Nanos> last = ParseDurationOf(text, false); last.ok()) {
        if (*last > kNever - sum) return std::nullopt;
        return sum + *last;
      }
    }
    size_t split = 1;
    while (split < text.size() && !(IsLetter(text[split - 1]) && IsDigit(text[split]))) ++split;
    if (split >= text.size()) return std::nullopt;
    const absl::StatusOr<Nanos> head = ParseDurationOf(text.substr(0, split), false);
    if (!head.ok() || *head > kNever - sum) return std::nullopt;
    sum += *head;
    text = text.substr(split);
    split_once = true;
  }
}

// The refusal of `text`, whose unit was missing or spelt another way, for the reason its
// respelling `written` ("1e40us" for "1e40usec") was refused: too large, or too many decimal places.
absl::Status RefusedAsWritten(std::string_view text, const absl::Status& written) {
  if (written.code() == absl::StatusCode::kOutOfRange) return TooLarge(text);
  return absl::InvalidArgumentError(fmt::format(
      "duration \"{}\" has more than {} decimal places; expected {}", text, kMaxFractionDigits,
      kDurationForm));
}

}  // namespace

std::string WriteTheDurationUnit(std::string_view number) {
  const bool in_ms = ParseDuration(fmt::format("{}ms", number)).ok();
  const bool in_s = ParseDuration(fmt::format("{}s", number)).ok();
  if (!in_ms) return "";
  if (!in_s) {
    return fmt::format("write the unit: \"{}ms\" (or another: ns, us; in seconds it is too large)",
                       number);
  }
  return fmt::format("write the unit: \"{}ms\" or \"{}s\" (or another: ns, us, m, h)", number,
                     number);
}

absl::StatusOr<Nanos> ParseDuration(std::string_view text) { return ParseDurationOf(text, true); }

namespace {

absl::StatusOr<Nanos> ParseDurationOf(std::string_view text, bool in_parts) {
  if (text.empty())
    return absl::InvalidArgumentError(fmt::format("empty duration; expected {}", kDurationForm));
  if (text[0] == '-') {
    // The example is the text without its sign, when that is a duration ("-5s": "5s").
    if (text.size() < 2 || text[1] == '-' || !ParseDuration(text.substr(1)).ok()) {
      return absl::InvalidArgumentError(
          fmt::format("negative duration \"{}\"; expected a duration >= 0", text));
    }
    return absl::InvalidArgumentError(fmt::format(
        "negative duration \"{}\"; expected a duration >= 0 such as \"{}\"", text, text.substr(1)));
  }
  // First, as before durations took an exponent, so that a 400-digit number with no unit is still
  // too large, not unitless. A shorter one is beyond a double only with an exponent, and then
  // ExactNanos finds it too large, without the cost of strtod on every duration.
  if (text.size() >= kShortestBeyondDouble && !BeyondDoublePrefix(text).empty()) {
    return TooLarge(text);
  }
  const Decimal d = SplitDecimal(text);
  if (!d.ok) return Malformed("duration", text, kDurationForm);
  if (d.unit.empty()) {
    // Too large or too finely written in any unit it could mean: that, not which unit to write.
    const std::string in_ms = fmt::format("{}ms", text);
    if (const absl::StatusOr<Nanos> ms = ParseDuration(in_ms); !ms.ok()) {
      return RefusedAsWritten(text, ms.status());
    }
    return absl::InvalidArgumentError(
        fmt::format("duration \"{}\" has no unit; {}", text, WriteTheDurationUnit(text)));
  }
  const int64_t unit = NanosPerUnit(d.unit);
  if (unit == 0) {
    std::string written;
    std::string fix = scenario_internal::DurationUnitFix(d.number, d.unit, &written);
    if (!fix.empty()) {
      // What it says to write is what the text means: refused, so is the text, for its reason.
      if (const absl::StatusOr<Nanos> meant = ParseDuration(written); !meant.ok()) {
        return RefusedAsWritten(text, meant.status());
      }
    }
    if (fix.empty() && in_parts) {
      if (const std::optional<Nanos> sum = CompoundNanos(text)) {
        fix = fmt::format("write \"{}\" (one number and one unit)", FormatDuration(*sum));
      }
    }
    return UnknownUnit("duration", text, kDurationForm, fix);
  }
  if (d.fraction.size() > kMaxFractionDigits) {
    return absl::InvalidArgumentError(
        fmt::format("duration \"{}\" has more than {} decimal places; expected {}", text,
                    kMaxFractionDigits, kDurationForm));
  }
  const std::optional<Nanos> nanos = ExactNanos(d, unit);
  if (!nanos) return TooLarge(text);
  return *nanos;
}

}  // namespace

absl::StatusOr<double> ParseRate(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError(fmt::format("empty rate; expected {}", kRateForm));
  if (text[0] == '-') {
    // The example is the text without its sign, when that is a rate ("-2rps": "2rps").
    if (text.size() < 2 || text[1] == '-' || !ParseRate(text.substr(1)).ok()) {
      return absl::InvalidArgumentError(
          fmt::format("negative rate \"{}\"; expected a rate >= 0", text));
    }
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
  // A rate is read as a double, not exactly as a duration is; an exponent ("1.2e3rpm") reads as
  // it does in any number.
  const std::string_view number = d.number;
  const std::string_view unit = d.unit;
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
    return UnknownUnit("rate", text, kRateForm, scenario_internal::RateUnitFix(number, unit));
  }
  double value = 0.0;
  if (!absl::SimpleAtod(std::string(number), &value) || !std::isfinite(value)) {
    return beyond_double(number);
  }
  return value / per_unit;
}

std::string FormatDuration(Nanos ns) {
  constexpr Nanos kMinute = 60 * kNanosPerSecond;
  constexpr Nanos kHour = 60 * kMinute;
  if (ns == 0) return "0s";
  if (ns % kHour == 0) return fmt::format("{}h", ns / kHour);
  if (ns % kMinute == 0) return fmt::format("{}m", ns / kMinute);
  // In integers, not as a double: a double holds only 53 bits, and "9074094.099340992s" is not
  // the 9074094099340993 ns it was made from.
  const auto in_unit = [ns](Nanos per_unit, int places, std::string_view unit) {
    const Nanos fraction = ns % per_unit;
    if (fraction == 0) return fmt::format("{}{}", ns / per_unit, unit);
    std::string digits = fmt::format("{:0{}}", fraction, places);
    digits.erase(digits.find_last_not_of('0') + 1);
    return fmt::format("{}.{}{}", ns / per_unit, digits, unit);
  };
  if (ns >= kNanosPerSecond) return in_unit(kNanosPerSecond, 9, "s");
  if (ns >= kNanosPerMillisecond) return in_unit(kNanosPerMillisecond, 6, "ms");
  if (ns >= 1000) return in_unit(1000, 3, "us");
  return fmt::format("{}ns", ns);
}

}  // namespace ratesim
