// Clients that time out, held to queueing theory: with `cancel_queued`, a fifo buffer that expires
// nothing, no limits and clients that give up, a model of c slots with Poisson arrivals and
// exponential service is M/M/c+D, customers abandoning the queue after waiting the timeout T
// (MmcdAbandonment). Each test runs independent replications and accepts the simulated mean when it
// lies within 4 standard errors of the theory and within a stated relative bound, as
// queueing_theory_test.cc does.
#include <cmath>
#include <functional>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/simulation.h"
#include "tests/support/queueing_theory.h"
#include "tests/support/scenario_builder_more.h"

namespace ratesim {
namespace {

using testing::MmcdAbandonment;
using testing::MmcdProbabilities;

constexpr double kForever = 1e9;  // seconds: a buffer that never expires anything

struct Fractions {
  testing::Estimate abandon;     // left the queue at the timeout, never served
  testing::Estimate late_start;  // served, but still running at the timeout (served to no one)
};

Fractions Replicate(int c, double lambda, double mu, double timeout_s, double requests_per_run,
                    int replications) {
  Scenario scenario = testing::QueueScenario(
      c, 1.0 / mu, lambda, requests_per_run / lambda,
      testing::Policy("fifo", {{"max_depth", kForever}, {"max_wait", kForever}}));
  scenario.models[0].on_disconnect = ModelSpec::OnDisconnect::kCancelQueued;
  scenario.orgs[0].traffic[0].client.timeout = FromSeconds(timeout_s);  // gives up: the default
  std::vector<double> abandon, late;
  for (int r = 1; r <= replications; ++r) {
    scenario.run.seed = r;
    absl::StatusOr<RunResult> result = Simulate(scenario, scenario.policies[0], r);
    EXPECT_TRUE(result.ok()) << result.status();
    const OutcomeCounts& counts = result->metrics.overall.counts;
    EXPECT_EQ(counts.offered, counts.ok + counts.timed_out);
    EXPECT_EQ(counts.timeouts, counts.timed_out);
    const double offered = static_cast<double>(counts.offered);
    abandon.push_back(static_cast<double>(counts.timeouts - counts.served_after_timeout) / offered);
    late.push_back(static_cast<double>(counts.served_after_timeout) / offered);
  }
  return {testing::MeanAndStandardError(abandon), testing::MeanAndStandardError(late)};
}

void ExpectAgrees(const testing::Estimate& estimate, double theory, double relative_bound) {
  EXPECT_NEAR(estimate.mean, theory, 4 * estimate.standard_error)
      << "standard error " << estimate.standard_error;
  EXPECT_NEAR(estimate.mean, theory, relative_bound * theory);
}

TEST(ClientTimeoutTheory, TheFormulaHasTheKnownLimits) {
  // Patience 0: every customer that finds the c slots busy leaves at once, Erlang B.
  for (int c : {1, 4, 8}) {
    for (double a : {0.5, 3.0, 9.0}) {
      EXPECT_NEAR(MmcdAbandonment(c, a, 1.0, 0.0).abandon, testing::ErlangB(c, a), 1e-12);
    }
  }
  // Patience for ever, ρ < 1: nobody leaves; P(wait) is Erlang C.
  const MmcdProbabilities patient = MmcdAbandonment(4, 3.0, 1.0, 200.0);
  EXPECT_LT(patient.abandon, 1e-12);
  EXPECT_NEAR(1.0 - patient.no_wait, testing::ErlangC(4, 3.0), 1e-12);
  // λ = cμ and λ = (c - 1)μ take the limits of the exponentials' integrals; both sides agree.
  const MmcdProbabilities at = MmcdAbandonment(4, 4.0, 1.0, 1.5);
  const MmcdProbabilities near = MmcdAbandonment(4, 4.0 + 1e-7, 1.0, 1.5);
  EXPECT_NEAR(at.abandon, near.abandon, 1e-6);
  EXPECT_NEAR(at.late_start, near.late_start, 1e-6);
  const MmcdProbabilities at_late = MmcdAbandonment(4, 3.0, 1.0, 1.5);
  const MmcdProbabilities near_late = MmcdAbandonment(4, 3.0 + 1e-7, 1.0, 1.5);
  EXPECT_NEAR(at_late.late_start, near_late.late_start, 1e-6);
  // One slot, checked by hand: π_0 = 1 / (1 + λ(e^{(λ-μ)T} - 1)/(λ-μ) + λ e^{(λ-μ)T}/μ).
  const double lambda = 0.95, mu = 1.0, t = 2.0;
  const double e = std::exp((lambda - mu) * t);
  const double pi0 = 1.0 / (1.0 + lambda * (e - 1) / (lambda - mu) + lambda * e / mu);
  EXPECT_NEAR(MmcdAbandonment(1, lambda, mu, t).abandon, pi0 * lambda * e / mu, 1e-12);
  EXPECT_NEAR(MmcdAbandonment(1, lambda, mu, t).no_wait, pi0, 1e-12);
}

TEST(ClientTimeoutTheory, FourSlotsOverloadedAbandonAsMMcPlusD) {
  // ρ = 1.2, T = one mean service time: about 22 % leave the queue unserved, and 47 % are still
  // running at T (served to no one: cancel_queued lets them finish).
  const int c = 4;
  const double lambda = 4.8, mu = 1.0, t = 1.0;
  const MmcdProbabilities theory = MmcdAbandonment(c, lambda, mu, t);
  const Fractions sim = Replicate(c, lambda, mu, t, 40000, 8);
  ExpectAgrees(sim.abandon, theory.abandon, 0.02);
  ExpectAgrees(sim.late_start, theory.late_start, 0.02);
}

TEST(ClientTimeoutTheory, OneSlotNearSaturationAbandonsAsMM1PlusD) {
  // ρ = 0.95, T = two mean service times: about 23 % leave the queue.
  const double lambda = 0.95, mu = 1.0, t = 2.0;
  const MmcdProbabilities theory = MmcdAbandonment(1, lambda, mu, t);
  const Fractions sim = Replicate(1, lambda, mu, t, 40000, 8);
  ExpectAgrees(sim.abandon, theory.abandon, 0.02);
  ExpectAgrees(sim.late_start, theory.late_start, 0.02);
}

}  // namespace
}  // namespace ratesim
