// The staging folder StagedOutput writes a command's results into before publishing them: its name,
// and the clean-up of staging folders that a killed process left behind. A process stopped by
// SIGKILL (or a machine that went down) cannot remove its own, and one of a long run may hold
// gigabytes of audit rows.
#ifndef RATESIM_SIM_REPORT_STAGING_DIR_H_
#define RATESIM_SIM_REPORT_STAGING_DIR_H_

#include <string>

namespace ratesim {

// "<dir>.tmp-<host>-<pid>" for this process: beside `dir` (the same file system, so publishing is a
// rename), and named by host as well as pid, so that on a file system shared by several machines
// (the shards of one sweep) no process mistakes another machine's staging folder for its own or
// for an abandoned one.
std::string StagingPath(const std::string& dir);

// Removes the staging folders of `dir` that processes of this host left behind: those of a pid no
// longer running. Another host's, and a running process's, are left alone; so is anything else.
// Best effort: a folder that cannot be removed stays. Two limits, both of writing one --out from
// several processes at once, which a command's results do not survive anyway: a pid reused between
// the check and the removal loses its new staging folder (its command then fails, naming it), and
// containers that share a host name but not a pid namespace see each other's pids as gone.
void RemoveAbandonedStaging(const std::string& dir);

}  // namespace ratesim

#endif  // RATESIM_SIM_REPORT_STAGING_DIR_H_
