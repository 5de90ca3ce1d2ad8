#include "sim/report/fail_reason_table.h"

#include <array>

#include "engine/fail_reason.h"
#include "fmt/format.h"
#include "sim/report/replication_stats.h"
#include "sim/report/text_table.h"

namespace ratesim {

std::string FailReasonTable(const std::vector<RunResult>& runs, int replications) {
  std::array<bool, kFailReasonCount> met{};
  bool any = false;
  for (const RunResult& run : runs) {
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      if (run.metrics.overall.counts.failed_attempts[reason] > 0) met[reason] = any = true;
    }
  }
  if (!any) return "";
  std::vector<TextTable::Column> columns = {{"policy", TextTable::Align::kLeft}, {"failed"}};
  for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
    if (!met[reason]) continue;
    columns.push_back({std::string(FailReasonName(static_cast<FailReason>(reason)))});
  }
  TextTable table(std::move(columns));
  for (const PolicyReplications& group : GroupReplications(runs, replications)) {
    std::vector<std::string> row = {group.policy, MeanCount(group, [](const OutcomeCounts& c) {
                                      return c.failed_attempts_total();
                                    })};
    for (size_t reason = 0; reason < kFailReasonCount; ++reason) {
      if (!met[reason]) continue;
      row.push_back(
          MeanCount(group, [reason](const OutcomeCounts& c) { return c.failed_attempts[reason]; }));
    }
    table.AddRow(std::move(row));
  }
  const std::string mean =
      replications > 1 ? fmt::format("; means of {} replications", replications) : "";
  return fmt::format("\nfailed attempts by reason (every failed attempt, retried ones too{}):\n",
                     mean) +
         table.Render();
}

}  // namespace ratesim
