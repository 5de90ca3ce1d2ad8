// Replications: independent runs of one scenario under one policy, numbered 0, 1, 2, ..., each with
// its own seed. Replication 0 uses the scenario's seed, so one replication is exactly the plain run;
// replication r > 0 derives its seed from (seed, r). Every policy of a comparison uses the same
// seeds, so replication r of each policy sees identical traffic (common random numbers) and
// policies can be compared replication by replication.
#ifndef RATESIM_SIM_SIMULATE_REPLICATION_H_
#define RATESIM_SIM_SIMULATE_REPLICATION_H_

#include <cstdint>
#include <vector>

namespace ratesim {

// The seed of replication `replication` of a scenario whose seed is `seed`: `seed` itself for
// replication 0; otherwise the low 53 bits of SplitMix64's output mix of (SplitMix64 mix of seed) + r
// times the golden gamma, i.e. of the r-th output of a SplitMix64 generator seeded with mix(seed).
// Nearby seeds give unrelated streams, and distinct r distinct seeds but for a chance of about
// r² / 2^54. 53 bits, so that every seed run.json records is one --seed takes and any JSON reader
// reads exactly.
// REQUIRES: replication >= 0.
uint64_t ReplicationSeed(uint64_t seed, int replication);

// ReplicationSeed(seed, r) for r = 0 .. count - 1.
std::vector<uint64_t> ReplicationSeeds(uint64_t seed, int count);

}  // namespace ratesim

#endif  // RATESIM_SIM_SIMULATE_REPLICATION_H_
