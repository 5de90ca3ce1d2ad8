// Reading a parsed toml table the way the scenario loader needs: every key read is typed, checked and
// marked as valid, a bad value becomes a positioned error (not an exception, not the end of reading),
// and what is left over is reported as an unknown key with the nearest valid one as a suggestion.
// The one place that calls the toml parser is here too (toml++ throws; ParseToml catches).
#ifndef RATESIM_SIM_SCENARIO_TOML_READER_H_
#define RATESIM_SIM_SCENARIO_TOML_READER_H_

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/time.h"
#include "sim/scenario/diagnostics.h"
#include "sim/scenario/scenario.h"

namespace ratesim {
namespace scenario_internal {

// Parses TOML text. `source_path` becomes the origin of every node's location. On a syntax error,
// fails with InvalidArgument "<source_path>:<line>:<column>: error: <description>" on one line
// (OneLine), the description with a hint for the common mistakes (ExplainTomlError), after the key it is in ("'base_rpm' in
// [limits]: ") for a number beyond the range of a double. A key of more dotted parts than
// kMaxDottedKeyParts fails the same way, at its start, before toml++ sees it (dotted_key_depth.h).
absl::StatusOr<toml::table> ParseToml(std::string_view text, std::string_view source_path);

// Origins of nodes made from a --set value are labelled "<--set ...>"; their toml position (inside
// the one-line value) means nothing to the user, so such a location carries no line.
inline constexpr std::string_view kOverrideOriginPrefix = "<--set ";

// For a value typed on the command line that is a decimal number beyond the range of a double
// (--set limits.base_rpm=1e400), which TOML cannot hold and overrides.cc keeps as a string: "got
// 1e400, which is beyond ±1.7976931348623157e+308, the range of a double; write a number closer to
// 0". Nullopt for any other node.
std::optional<std::string> BeyondDoubleFromSet(const toml::node& node);

// Whether `origin` (of a node or a Location) is a --set value's, "<--set ...>".
bool IsOverrideOrigin(std::string_view origin);

// Whether `node` was set on the command line (its origin is "<--set ...>", see ApplyOverrides).
bool IsFromSet(const toml::node& node);

// The location of a toml source region; `fallback` when the region has none.
Location LocationOf(const toml::source_region& source, const Location& fallback);

// "a string", "an integer", ... for messages.
std::string TypeName(const toml::node& node);
// The value as a user wrote it, for messages: 2.5, "10 sec", true, a table.
std::string Written(const toml::node& node);

enum class Need { kOptional, kRequired };
enum class Bound { kAny, kNonNegative, kPositive };  // for numbers, durations and rates

// Reads one table. Errors go to the Diagnostics; a getter that finds a bad or missing value reports
// it and returns nullopt, so callers fall back to a default and reading goes on.
class TableReader {
 public:
  // `context` names the table in messages: "[run]", "[[models]]", "'service' of [[models]]".
  // `fallback` is used for the table's location if toml recorded none.
  TableReader(const toml::table& table, std::string context, Diagnostics& diags, const Location& fallback);
  // Reports what MissingError holds if ReportUnknownKeys never ran, so that no error is lost.
  ~TableReader();
  TableReader(TableReader&&) = default;  // the moved-from reader holds nothing to report
  TableReader& operator=(TableReader&&) = delete;
  TableReader(const TableReader&) = delete;  // a copy would report held errors twice
  TableReader& operator=(const TableReader&) = delete;

  const std::string& context() const { return context_; }
  const Location& location() const { return location_; }
  SourcePos pos() const { return {location_.line, location_.column}; }
  Diagnostics& diags() const { return *diags_; }

  // A reader for `table`, a value in this one, named `context` in messages.
  TableReader Child(const toml::table& table, std::string context) const;

  // The node under `key` or nullptr. Either way `key` becomes valid here.
  const toml::node* Find(std::string_view key);
  // Makes `key` valid here without reading it.
  void Allow(std::string_view key);

  // `missing` is what a missing required key's error says is expected ("a string, one of ...").
  std::optional<std::string> String(std::string_view key, Need need,
                                    std::string_view missing = "a string");
  std::optional<bool> Bool(std::string_view key, Need need);
  // An integer (a float, even 2.0, is an error) from `min` to `max`.
  std::optional<int64_t> Integer(std::string_view key, Need need, int64_t min = INT64_MIN,
                                 int64_t max = INT64_MAX);
  // A finite integer or float.
  std::optional<double> Number(std::string_view key, Need need, Bound bound);
  // A duration string ("30s"), in nanoseconds.
  std::optional<Nanos> Duration(std::string_view key, Need need, Bound bound);
  // A rate string ("60rpm", "1rps"), in requests per second.
  std::optional<double> Rate(std::string_view key, Need need, Bound bound);
  // A table (inline or not). `expected` describes it in a message when missing or of another type.
  const toml::table* Table(std::string_view key, Need need, std::string_view expected);

  // Reports "'<key>' in <context>: <message>" at the value of `key`.
  // REQUIRES: `key` is present.
  void ValueError(std::string_view key, std::string_view message);
  // Reports `message` at the table itself.
  void TableError(std::string message);
  // Where the value of `key` is, or the table's location if absent.
  Location ValueLocation(std::string_view key) const;

  // Reports `message` at `at` for the required `key`, which the table lacks, when ReportUnknownKeys
  // runs; or not at all if the table has an unknown key whose nearest valid one is `key`
  // ([[model]] for [[models]], `concurency` for `concurrency`): that key's error names the mistake
  // and its fix, and "no [[models]]" would report the same mistake a second time, and first.
  // Without ReportUnknownKeys the destructor reports it. A required key read absent comes here too.
  void MissingError(std::string_view key, const Location& at, std::string message);

  // Reports every key present that was never made valid, suggesting the nearest valid key; then
  // the errors of MissingError that no such key explains. Keys that all belong to one other
  // section (SectionOfKeys: name, concurrency and service of [[models]] in [run]) are one error, at
  // the first of them, asking whether that section's header is missing above it; that section's
  // missing-section error is then left out, here or, for a top-level section, in whichever reader
  // of this one's tree holds it.
  void ReportUnknownKeys();
  // Has ReportUnknownKeys, should it find `key` unknown, say `explanation` ("a closed loop has no
  // rate: ...") in place of the nearest valid key: for a key that is valid elsewhere, where the
  // reader knows why it is not here and a near name or the list of valid ones would mislead.
  void ExplainUnknown(std::string_view key, std::string explanation);
  // The keys present that are not valid (yet), in the table's order: what ReportUnknownKeys would
  // report, for a reader that can say more about some of them first (and then Allow them).
  std::vector<std::string> UnknownKeys() const;
  // Makes every key valid: after an error (an unknown `type`, say) that leaves the valid keys unknown.
  void AcceptAllKeys() { accept_all_ = true; }

 private:
  void Missing(std::string_view key, std::string_view expected);
  // The one error of ReportUnknownKeys for keys of another section whose header seems missing,
  // with the section's key added to `explained` (or to headerless_sections_ if top-level); false,
  // reporting nothing, where the unknown keys are not all of one other section, or come from
  // --set, or are in an inline table (which no header could have ended), or are one key that is a
  // near miss of a valid one here or that ExplainUnknown explains.
  bool ReportMissingHeader(std::vector<std::string>& explained);
  // Records an error about this table, with OverridesNote.
  void Report(const Location& at, std::string message) const;
  // " (after --set orgs.0.traffic.0.shape=closed)" for an error at `at` in the file when --set
  // changed a key of this table: the file there may be right and the override what made it wrong
  // (a `rate` unknown to the closed loop --set chose). Empty for an error located at a --set
  // already, and without the overrides `message` names itself.
  std::string OverridesNote(const Location& at, std::string_view message) const;

  const toml::table* table_;
  std::string context_;
  Diagnostics* diags_;
  Location location_;
  std::vector<std::string> valid_;  // in the order made valid, for suggestions
  struct MissingSection {
    std::string key;
    Location at;
    std::string message;
  };
  std::vector<MissingSection> missing_;  // for ReportUnknownKeys, from MissingError
  struct Explanation {
    std::string key;
    std::string text;
  };
  std::vector<Explanation> explanations_;  // for ReportUnknownKeys, from ExplainUnknown
  bool accept_all_ = false;
  // The top-level sections (their keys: "models") a reader of this tree found the header of missing:
  // shared by the top-level reader and every Child, as [run] finds the keys of [[models]] while the
  // top-level reader holds "no [[models]]".
  std::shared_ptr<std::vector<std::string>> headerless_sections_ =
      std::make_shared<std::vector<std::string>>();
};

// For each element of the array of tables under `key` in `parent` (written [[key]] or key = [{...}]),
// calls `read` with a reader named `element_context`. A missing or empty array is reported with
// `missing_message` when `need` is kRequired (at `parent`, or where the empty array was written); a
// value that is not an array, or an element that is not a table, is reported and skipped; a table
// toml made to hold [[orgs.traffic]] written with no [[orgs]] above it is reported as that, held
// as a missing section is (MissingError), so that a misspelt [[org]] above is the one error.
void ForEachTable(TableReader& parent, std::string_view key, std::string_view element_context, Need need,
                  std::string_view missing_message, const std::function<void(TableReader&)>& read);

}  // namespace scenario_internal
}  // namespace ratesim

#endif  // RATESIM_SIM_SCENARIO_TOML_READER_H_
