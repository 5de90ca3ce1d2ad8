// The files of a finished sweep, sweep.csv and sweep.json, written from a definition and its rows
// by one writer, for an unsharded run and for `ratesim merge` alike (so both give the same bytes).
//
// sweep.csv: a header of column names (sweep_rows.h), then one line per row, in point order and
// within a point in policy order; RFC 4180 quoting where a cell holds a comma, quote or newline.
// sweep.json: {"version", "fingerprint", "scenarios": [{"path", "fnv1a64"}], "traces": [{"path",
// "fnv1a64"}] (the [[traces]] files the points replay), "grid": [{"key", "values"}] (each value as
// GridValueJson gives it), "overrides",
// "seed" (string or null), "replications", "points", "spiral_rule": {"measure" ("share_429", what
// the rule judges), "tolerance", "baseline_window_s", "horizon_s"} (recovery.h), "rate_rule":
// {"measure" ("rate_rpm"), "tolerance", "horizon_s"} (the rate columns'), "columns", "rows":
// [{column: value}]}, where a row's numbers are the CSV's text, its NA cells null, `spiral` a
// boolean and its grid values as GridValueJson gives them.
#ifndef RATESIM_SIM_SWEEP_SWEEP_OUTPUT_H_
#define RATESIM_SIM_SWEEP_SWEEP_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/report/output_dir.h"
#include "sim/sweep/sweep_definition.h"
#include "sim/sweep/sweep_rows.h"

namespace ratesim {

inline constexpr char kSweepCsvFileName[] = "sweep.csv";
inline constexpr char kSweepJsonFileName[] = "sweep.json";

// A --grid value as JSON: the TOML value its text is, as `--set` reads it (overrides.h), so that a
// reader of sweep.json gets numbers as numbers: 1.5 and 1e3 numbers, true a boolean, "1m" and the
// bare 1m the string "1m". A table, an array, a date, inf and nan stay the text as given, a string.
std::string GridValueJson(const std::string& text);

// REQUIRES (all): `points` in increasing point order, every row with one cell per column of
// SweepColumns(definition.grid).
std::string SweepCsv(const SweepDefinition& definition, const std::vector<PointRows>& points);
std::string SweepJson(const SweepDefinition& definition, const std::vector<PointRows>& points);

// True for sweep.csv, sweep.json and sweep.svg.
bool IsSweepFileName(const std::string& name);

// Writes sweep.csv, sweep.json and sweep.svg into `output` and publishes them atomically
// (output_dir.h): all, or on failure none. Files of the directory that `stale` accepts are removed
// (an unsharded sweep's: shard files of an earlier sharded run there).
absl::Status PublishSweep(StagedOutput& output, const SweepDefinition& definition,
                          const std::vector<PointRows>& points, const OwnedFiles& stale = {});

}  // namespace ratesim

#endif  // RATESIM_SIM_SWEEP_SWEEP_OUTPUT_H_
