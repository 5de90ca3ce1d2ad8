#include "sim/scenario/unit_spelling.h"

#include <cmath>
#include <optional>

#include "absl/strings/numbers.h"
#include "fmt/format.h"

namespace ratesim {
namespace scenario_internal {
namespace {

constexpr std::string_view kDurationUnits = "units: ns, us, ms, s, m, h";
constexpr std::string_view kRateUnits = "units: rpm, rps";

// Another spelling of a unit, as other tools and people write it. A unit the file has no name for
// (`missing`, days) is written in `unit` with the number multiplied by `times`.
struct Spelling {
  std::string_view written;
  std::string_view unit;
  int times = 1;
  std::string_view missing = {};
};

// Lowercase and without spaces, as Respelt compares them.
constexpr Spelling kDurationSpellings[] = {
    {"nsec", "ns"},    {"nanosecond", "ns"},  {"nanoseconds", "ns"}, {"usec", "us"},
    {"µs", "us"},      {"micros", "us"},      {"microsecond", "us"}, {"microseconds", "us"},
    {"msec", "ms"},    {"millis", "ms"},      {"millisecond", "ms"}, {"milliseconds", "ms"},
    {"sec", "s"},      {"secs", "s"},         {"second", "s"},       {"seconds", "s"},
    {"min", "m"},      {"mins", "m"},         {"minute", "m"},       {"minutes", "m"},
    {"hr", "h"},       {"hrs", "h"},          {"hour", "h"},         {"hours", "h"},
    {"d", "h", 24, "days"}, {"day", "h", 24, "days"}, {"days", "h", 24, "days"},
};
constexpr std::string_view kDurationUnitNames[] = {"ns", "us", "ms", "s", "m", "h"};

constexpr Spelling kRateSpellings[] = {
    {"qps", "rps"},     {"r/s", "rps"},     {"req/s", "rps"},   {"/s", "rps"},
    {"/sec", "rps"},    {"/second", "rps"}, {"qpm", "rpm"},     {"r/m", "rpm"},
    {"r/min", "rpm"},   {"req/m", "rpm"},   {"req/min", "rpm"}, {"/m", "rpm"},
    {"/min", "rpm"},    {"/minute", "rpm"},
};
constexpr std::string_view kRateUnitNames[] = {"rpm", "rps"};
// Requests per hour, which a scenario file has no unit for.
constexpr std::string_view kPerHourSpellings[] = {"rph", "qph", "r/h", "req/h", "req/hr",
                                                  "/h",  "/hr", "/hour"};

// `unit` as Respelt compares it: lowercase, its spaces left out; and what that changed.
struct Normalized {
  std::string unit;
  bool had_capitals = false;
  bool had_spaces = false;
};

Normalized Normalize(std::string_view unit) {
  Normalized n;
  for (const char c : unit) {
    if (c == ' ' || c == '\t') {
      n.had_spaces = true;
    } else if (c >= 'A' && c <= 'Z') {
      n.had_capitals = true;
      n.unit += static_cast<char>(c - 'A' + 'a');
    } else {
      n.unit += c;
    }
  }
  return n;
}

// Why a unit that is right but for its case or spaces was refused.
std::string_view CaseOrSpaceReason(const Normalized& n) {
  if (n.had_capitals && n.had_spaces) return "units are lowercase, without spaces";
  return n.had_capitals ? "units are lowercase" : "without spaces";
}

// `write "<number><unit>" (<why>)` when `unit` is one of `units` but for its case or spaces, or one
// of `spellings` (the number converted); empty otherwise.
template <size_t kUnits, size_t kSpellings>
std::string Respelt(std::string_view number, const Normalized& n,
                    const std::string_view (&units)[kUnits], const Spelling (&spellings)[kSpellings],
                    std::string_view unit_list, std::string* written) {
  std::string text;
  std::string fix;
  for (const std::string_view unit : units) {
    if (n.unit != unit) continue;
    text = fmt::format("{}{}", number, unit);
    fix = fmt::format("write \"{}\" ({})", text, CaseOrSpaceReason(n));
    break;
  }
  for (const Spelling& s : spellings) {
    if (!fix.empty() || n.unit != s.written) continue;
    if (s.times == 1) {
      text = fmt::format("{}{}", number, s.unit);
      fix = fmt::format("write \"{}\" ({})", text, unit_list);
      break;
    }
    double value = 0.0;
    if (!absl::SimpleAtod(std::string(number), &value) || !std::isfinite(value * s.times)) return "";
    text = fmt::format("{:.15g}{}", value * s.times, s.unit);
    fix = fmt::format("write \"{}\" (no unit of {}; {})", text, s.missing, unit_list);
    break;
  }
  if (written != nullptr) *written = text;
  return fix;
}

bool IsPerHour(const Normalized& n) {
  for (const std::string_view spelling : kPerHourSpellings) {
    if (n.unit == spelling) return true;
  }
  return false;
}

}  // namespace

std::string DurationUnitFix(std::string_view number, std::string_view unit, std::string* written) {
  return Respelt(number, Normalize(unit), kDurationUnitNames, kDurationSpellings, kDurationUnits,
                 written);
}

std::string RateUnitFix(std::string_view number, std::string_view unit) {
  const Normalized n = Normalize(unit);
  if (IsPerHour(n)) {
    double per_hour = 0.0;
    if (!absl::SimpleAtod(std::string(number), &per_hour) || !std::isfinite(per_hour)) return "";
    return fmt::format("write \"{:.6g}rpm\" or \"{:.6g}rps\" (no unit of requests per hour; {})",
                       per_hour / 60, per_hour / 3600, kRateUnits);
  }
  return Respelt(number, n, kRateUnitNames, kRateSpellings, kRateUnits, nullptr);
}

}  // namespace scenario_internal
}  // namespace ratesim
