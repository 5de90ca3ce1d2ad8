// Each file in scenarios/ states a question and the answer its run gives. These tests run each file
// and check that answer, so a change to the engine or the simulator that changes an answer fails
// here until the file's comment is brought up to date.
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/scenario_library.h"

namespace ratesim {
namespace {

using testing::Library;

double P99(const SliceMetrics& slice) { return ToSeconds(slice.latency.Quantile(0.99)); }

TEST(ScenarioLibrary, OverloadGives503ToOrgsWithinTheirRateAnd429ToTheOrgAbove) {
  const Library run("overload_attribution.toml");
  ASSERT_TRUE(run.ok());
  for (const std::string policy : {"none", "fifo"}) {
    for (const std::string org : {"within-a", "within-b"}) {
      EXPECT_EQ(run.Counts(policy, org).r429(), 0) << policy << " " << org;
      EXPECT_GT(run.Counts(policy, org).r503, 0) << policy << " " << org;
    }
    EXPECT_GT(run.Counts(policy, "over").r429_request, 5 * run.Counts(policy, "over").r503) << policy;
  }
  // Serving within-rate traffic first protects the orgs within their rate completely.
  for (const std::string org : {"within-a", "within-b"}) {
    EXPECT_EQ(run.Counts("within_first", org).ok, run.Counts("within_first", org).offered) << org;
  }
  EXPECT_LT(run.Counts("within_first", "over").success_rate(), run.Counts("fifo", "over").success_rate());
}

TEST(ScenarioLibrary, TokenHeavyRequestsAreTokenLimited) {
  const Library run("token_heavy.toml");
  ASSERT_TRUE(run.ok());
  const OutcomeCounts& heavy = run.Counts("none", "long-context");
  EXPECT_GT(heavy.r429_token, 3 * (heavy.r429_request + heavy.r503));
  EXPECT_LT(10 * run.Counts("none", "chat").r429_token, heavy.r429_token);
  EXPECT_GT(run.Counts("none", "chat").r503, 0);  // chat is within rate: its failures are capacity's
  EXPECT_EQ(run.Counts("fifo", "long-context").ok, run.Counts("fifo", "long-context").offered);
}

TEST(ScenarioLibrary, AGradualRampEarnsAHigherRateAndBetterSuccessThanAJump) {
  const Library run("ramp_vs_jump.toml");
  ASSERT_TRUE(run.ok());
  const double ramp_at_jump = run.SeriesAt("within_first", SeriesMetric::kRateRpm, "ramp", "", 1800);
  const double jump_at_jump = run.SeriesAt("within_first", SeriesMetric::kRateRpm, "jump", "", 1800);
  EXPECT_GT(ramp_at_jump, 3 * jump_at_jump);
  EXPECT_DOUBLE_EQ(jump_at_jump, 60.0);  // a Poisson org at exactly its rate earns nothing
  // Over the whole run the ramp is ahead under both policies...
  for (const std::string policy : {"within_first", "fifo"}) {
    EXPECT_GT(run.Counts(policy, "ramp").success_rate(), run.Counts(policy, "jump").success_rate())
        << policy;
  }
  EXPECT_GT(run.Counts("within_first", "ramp").success_rate(), 0.97);
  // ...but once both send 6 requests/s only within_first rewards the earned rate; FIFO serves both
  // alike (over ten seeds they differ by under a percentage point). Nothing fails before minute 30,
  // so success from then on is 1 - the run's failures / the requests offered after minute 30.
  auto after_jump = [&](const std::string& policy, const std::string& org) {
    double offered_before = 0, failed_before = 0;
    for (int minute = 1; minute <= 30; ++minute) {
      offered_before += run.SeriesAt(policy, SeriesMetric::kOffered, org, "", minute * 60);
      failed_before += run.SeriesAt(policy, SeriesMetric::kRejected429, org, "", minute * 60) +
                       run.SeriesAt(policy, SeriesMetric::kRejected503, org, "", minute * 60);
    }
    EXPECT_EQ(failed_before, 0.0) << policy << " " << org;
    const OutcomeCounts& counts = run.Counts(policy, org);
    return 1.0 - static_cast<double>(counts.r429() + counts.r503) / (counts.offered - offered_before);
  };
  EXPECT_GT(after_jump("within_first", "ramp"), after_jump("within_first", "jump") + 0.2);
  EXPECT_NEAR(after_jump("fifo", "ramp"), after_jump("fifo", "jump"), 0.03);
}

TEST(ScenarioLibrary, SteadyLoadLetsTheAutoscalerMakeRoomForALaterBurst) {
  const Library run("autoscale_headroom.toml");
  ASSERT_TRUE(run.ok());
  EXPECT_GT(run.SeriesAt("fifo", SeriesMetric::kSlots, "", "autoscaled", 1199), 16);
  EXPECT_EQ(run.SeriesAt("fifo", SeriesMetric::kSlots, "", "fixed", 1199), 16);
  EXPECT_GT(run.Counts("fifo", "burst-a").success_rate(), run.Counts("fifo", "burst-f").success_rate() + 0.1);
  EXPECT_LT(P99(run.Org("fifo", "steady-a")), P99(run.Org("fifo", "steady-f")));
}

TEST(ScenarioLibrary, FairQueueingShieldsSteadyOrgsFromANoisyNeighbour) {
  const Library run("noisy_neighbour.toml");
  ASSERT_TRUE(run.ok());
  for (const std::string org : {"steady-1", "steady-2", "steady-3"}) {
    EXPECT_EQ(run.Counts("fair", org).ok, run.Counts("fair", org).offered) << org;
    EXPECT_LT(run.Counts("fifo", org).success_rate(), 1.0) << org;
    EXPECT_LT(2 * P99(run.Org("fair", org)), P99(run.Org("fifo", org))) << org;
  }
  EXPECT_LT(run.Counts("fair", "noisy").success_rate(), run.Counts("fifo", "noisy").success_rate());
}

TEST(ScenarioLibrary, AnOutageDoesNotSpiralTheEarnedRatesDown) {
  const Library run("outage_spiral.toml");
  ASSERT_TRUE(run.ok());
  for (const std::string org : {"steady", "growing"}) {
    const double before = run.SeriesAt("fifo", SeriesMetric::kRateRpm, org, "", 20 * 60);
    const double during = run.SeriesAt("fifo", SeriesMetric::kRateRpm, org, "", 22 * 60);
    const double after = run.SeriesAt("fifo", SeriesMetric::kRateRpm, org, "", 26 * 60);
    EXPECT_LT(during, before) << org;  // 503s cut the successes the rate is earned from ...
    EXPECT_GT(after, before) << org;   // ... but four minutes after recovery it is higher than before
    for (int minute = 24; minute <= 60; ++minute) {
      EXPECT_EQ(run.SeriesAt("fifo", SeriesMetric::kRejected429, org, "", minute * 60), 0) << minute;
    }
  }
  // With a one-minute window the rates fall to the base during the outage, and still recover.
  const Library short_window("outage_spiral.toml", {"limits.window=1m"});
  ASSERT_TRUE(short_window.ok());
  EXPECT_DOUBLE_EQ(short_window.SeriesAt("fifo", SeriesMetric::kRateRpm, "steady", "", 22 * 60), 60.0);
  EXPECT_DOUBLE_EQ(short_window.SeriesAt("fifo", SeriesMetric::kRateRpm, "steady", "", 30 * 60), 240.0);
}

TEST(ScenarioLibrary, OnAShortModelAOneMinuteWindowSpiralsAfterAnOutageAndATenMinuteOneDoesNot) {
  const Library run("outage_spiral_shortage.toml");  // window = 1m
  ASSERT_TRUE(run.ok());
  const Library ten("outage_spiral_shortage.toml", {"limits.window=10m"});
  ASSERT_TRUE(ten.ok());
  auto at = [](const Library& library, SeriesMetric metric, const std::string& org, int minute) {
    return library.SeriesAt("within_first", metric, org, "", minute * 60);
  };
  for (const std::string org : {"large-1", "large-2", "large-3"}) {
    SCOPED_TRACE(org);
    // Before the drop (minute 180) every org is at the ceiling, above its 4800 RPM: the model's
    // shortage fails its requests as 503, never as 429.
    EXPECT_DOUBLE_EQ(at(run, SeriesMetric::kRateRpm, org, 180), 6000.0);
    for (int minute = 176; minute <= 180; ++minute) {
      EXPECT_EQ(at(run, SeriesMetric::kRejected429, org, minute), 0) << minute;
      EXPECT_GT(at(run, SeriesMetric::kRejected503, org, minute), 0) << minute;
    }
    // Five minutes without a success: the one-minute usage is gone and the rate is at the base
    // when the model is back (minute 185). It may then rise at most x1.5 a minute, so it is
    // below the 4800 RPM sent for eleven minutes, in which the shortage's failures are all 429s.
    EXPECT_DOUBLE_EQ(at(run, SeriesMetric::kRateRpm, org, 185), 60.0);
    for (int minute = 186; minute <= 196; ++minute) {
      EXPECT_LE(at(run, SeriesMetric::kRateRpm, org, minute), 60.0 * std::pow(1.5, minute - 185) + 1e-6)
          << minute;
      EXPECT_GT(at(run, SeriesMetric::kRejected429, org, minute), 0) << minute;
      EXPECT_EQ(at(run, SeriesMetric::kRejected503, org, minute), 0) << minute;
    }
    EXPECT_LT(at(run, SeriesMetric::kRateRpm, org, 195), 4800.0);  // 4800 / 60 = 1.5^10.8
    EXPECT_GT(at(run, SeriesMetric::kRateRpm, org, 196), 4800.0);
    // In minute 197 the rate is still within 10% of the 4800 RPM sent: a Poisson second above it
    // may still get a 429.
    for (int minute = 198; minute <= 200; ++minute) {
      EXPECT_EQ(at(run, SeriesMetric::kRejected429, org, minute), 0) << minute;
    }
    // A ten-minute window keeps most of its usage through the outage: the rate dips, but stays
    // above what the org sends, so no 429 comes at all.
    EXPECT_GT(at(ten, SeriesMetric::kRateRpm, org, 185), 4800.0);
    EXPECT_LT(at(ten, SeriesMetric::kRateRpm, org, 185), 6000.0);
    for (int minute = 176; minute <= 200; ++minute) {
      EXPECT_EQ(at(ten, SeriesMetric::kRejected429, org, minute), 0) << minute;
    }
  }
}

TEST(ScenarioLibrary, AnExpressionThatHoldsTheRateOn503sTurnsOutage429sInto503s) {
  // A two-minute outage fails a few dozen requests of each org as 429: too few for one run to rank
  // the orgs (seed 1 gives 32 and 34), so the comparison is over ten.
  const Library run("expr_formula.toml", {}, 10);
  ASSERT_TRUE(run.ok());
  const OutcomeCounts holding = run.CountsOverReplications("fifo", "holding");
  const OutcomeCounts plain = run.CountsOverReplications("fifo", "plain");
  EXPECT_LT(2 * holding.r429(), plain.r429());
  EXPECT_GT(holding.r429(), 0);
  EXPECT_GT(holding.r503, plain.r503);  // the failures holding is spared as 429 are the platform's
  auto rate = [&](const char* org, int minute) {
    return run.SeriesAt("fifo", SeriesMetric::kRateRpm, org, "", minute * 60);
  };
  for (const char* org : {"holding", "plain"}) {
    EXPECT_GT(rate(org, 10), 200) << org;
    for (int minute = 13; minute <= 30; ++minute) {
      EXPECT_EQ(run.SeriesAt("fifo", SeriesMetric::kRejected429, org, "", minute * 60), 0) << org << minute;
    }
  }
  EXPECT_DOUBLE_EQ(rate("plain", 12), 60.0);  // the base
  EXPECT_GT(rate("holding", 12), 120.0);
  EXPECT_DOUBLE_EQ(rate("holding", 16), rate("holding", 12));  // held while 503s are recent
  EXPECT_DOUBLE_EQ(rate("plain", 18), 240.0);                   // the ceiling, first
  EXPECT_LT(rate("holding", 18), 240.0);
  EXPECT_LT(rate("holding", 20), 240.0);
  EXPECT_DOUBLE_EQ(rate("holding", 21), 240.0);
}

TEST(ScenarioLibrary, BackoffWithJitterBeatsImmediateRetries) {
  const Library run("retry_storm.toml");
  ASSERT_TRUE(run.ok());
  for (const std::string policy : {"none", "fifo"}) {
    const OutcomeCounts& hammer = run.Counts(policy, "hammer");
    const OutcomeCounts& polite = run.Counts(policy, "polite");
    EXPECT_GT(polite.success_rate(), hammer.success_rate()) << policy;
    // Immediate retries use up the attempts in 100 ms, while the surge lasts: more requests end failed.
    EXPECT_GT(hammer.r429() + hammer.r503, 2 * (polite.r429() + polite.r503)) << policy;
    // Retrying at once pushes the client over its own rate: its failures become 429s, its fault.
    EXPECT_GT(hammer.r429(), 5 * hammer.r503) << policy;
    // Backing off, polite clients spread their attempts over minutes.
    EXPECT_GT(P99(run.Org(policy, "polite")), 10 * P99(run.Org(policy, "hammer"))) << policy;
  }
  // With the buffer they also make more attempts in all. Under none the two make about as many
  // (over ten seeds 8,449 +- 670 against 7,933 +- 495, hammer ahead in two), so none is not checked.
  EXPECT_GT(run.Counts("fifo", "polite").retries, run.Counts("fifo", "hammer").retries);
}

TEST(ScenarioLibrary, BatchLaneAndDedicatedDeploymentProtectInteractiveTraffic) {
  const Library run("batch_and_dedicated.toml");
  ASSERT_TRUE(run.ok());
  const double shared = run.Counts("none", "interactive-1").success_rate();
  EXPECT_GT(run.Counts("none", "interactive-2").success_rate(), shared + 0.05);
  EXPECT_GT(run.Counts("none", "interactive-3").success_rate(), shared + 0.05);
  // The batch lane serves all of the volume, late; a dedicated deployment sized for the average
  // fails the bursts unless they are smoothed.
  EXPECT_EQ(run.Counts("none", "volume-2").ok, run.Counts("none", "volume-2").offered);
  EXPECT_GT(P99(run.Org("none", "volume-2")), P99(run.Org("none", "interactive-2")));
  EXPECT_LT(run.Counts("none", "volume-3").success_rate(), run.Counts("none", "volume-1").success_rate());
  EXPECT_EQ(run.Counts("fifo", "volume-3").ok, run.Counts("fifo", "volume-3").offered);
}

TEST(ScenarioLibrary, CodelKeepsASurgesRequestsFastByFailingMoreOfThemAndSaysWhy) {
  const Library run("standing_queue.toml");
  ASSERT_TRUE(run.ok());
  const OutcomeCounts& none = run.Policy("none").metrics.overall.counts;
  const OutcomeCounts& fifo = run.Policy("fifo").metrics.overall.counts;
  const OutcomeCounts& codel = run.Policy("codel").metrics.overall.counts;
  // FIFO serves the most, codel more than no buffer at all.
  EXPECT_GT(fifo.success_rate(), codel.success_rate() + 0.05);
  EXPECT_GT(codel.success_rate(), none.success_rate());
  // FIFO's standing queue: its median request takes tens of seconds, codel's about two; at the
  // 99th percentile FIFO's waits reach the 60 s limit, codel's stay under a third of that. (Over ten
  // seeds the medians are 10-16 times apart and codel's p99 wait is 12-18 s, so the bounds are
  // looser than seed 1's figures.)
  const RunMetrics& fifo_metrics = run.Policy("fifo").metrics;
  const RunMetrics& codel_metrics = run.Policy("codel").metrics;
  EXPECT_GT(fifo_metrics.overall.latency.Quantile(0.5),
            5 * codel_metrics.overall.latency.Quantile(0.5));
  EXPECT_GT(ToSeconds(fifo_metrics.overall.queue_wait.Quantile(0.99)), 59.0);
  EXPECT_LT(ToSeconds(codel_metrics.overall.queue_wait.Quantile(0.99)), 20.0);
  // The steady org pays for the surge under FIFO as much as the surge does.
  EXPECT_GT(P99(run.Org("fifo", "app")), 3 * P99(run.Org("codel", "app")));
  // Each policy fails for its own one reason: no buffer, a wait run out, load shed.
  EXPECT_EQ(none.failed_attempts_for(FailReason::kNoCapacity), none.failed_attempts_total());
  EXPECT_EQ(fifo.failed_attempts_for(FailReason::kExpired), fifo.failed_attempts_total());
  EXPECT_EQ(codel.failed_attempts_for(FailReason::kShed), codel.failed_attempts_total());
  for (const OutcomeCounts* counts : {&none, &fifo, &codel}) {
    EXPECT_EQ(counts->failed_attempts_total(), counts->r503);  // no retries, no limits reached
    EXPECT_GT(counts->r503, 0);
  }
}

TEST(ScenarioLibrary, BackoffWithJitterBeatsWaitingForTheResetWithoutABuffer) {
  // Ten replications, as the file states its answer; only backoff's jitter differs between them.
  const Library run("client_strategies.toml", {}, 10);
  ASSERT_TRUE(run.ok());
  // 20 bursts of 20 requests on 4 slots busy 2 s each: giving up, only the 4 of each burst that
  // find a slot are served; with fifo's buffer of 8, 12 of each.
  EXPECT_EQ(run.CountsOverReplications("none", "quitter").ok, 10 * 20 * 4);
  EXPECT_EQ(run.CountsOverReplications("fifo", "quitter").ok, 10 * 20 * 12);
  const OutcomeCounts backoff = run.CountsOverReplications("none", "backoff");
  const OutcomeCounts reset = run.CountsOverReplications("none", "reset");
  // The reset's retries come back together and mostly fail again: more retries, fewer served.
  EXPECT_GT(backoff.success_rate(), 0.95);
  EXPECT_LT(reset.success_rate(), backoff.success_rate() - 0.2);
  EXPECT_GT(reset.success_rate(), run.CountsOverReplications("none", "quitter").success_rate());
  EXPECT_GT(reset.retries, backoff.retries);
  // Backoff pays in latency for spreading its retries.
  EXPECT_GT(P99(run.Org("none", "backoff")), 2 * P99(run.Org("none", "reset")));
  // A platform buffer holds the herd: waiting for the reset then serves nearly every request, and
  // backoff still more.
  const double buffered_reset = run.CountsOverReplications("fifo", "reset").success_rate();
  const double buffered_backoff = run.CountsOverReplications("fifo", "backoff").success_rate();
  EXPECT_GT(buffered_reset, 0.95);
  EXPECT_GT(buffered_backoff, 0.99);
  EXPECT_GT(buffered_backoff, buffered_reset);
}

TEST(ScenarioLibrary, ReplayingTheGatewayLogFairKeepsTheInteractiveOrgsWholeAndStillServesTheBatch) {
  const Library run("trace_replay.toml");
  ASSERT_TRUE(run.ok());
  // Without a buffer the batch's flood fails mostly as 429s: it was far above its rate.
  const OutcomeCounts batch = run.Counts("none", "nightly-batch");
  EXPECT_LT(batch.success_rate(), 0.25);
  EXPECT_GT(batch.r429(), 10 * batch.r503);
  for (const std::string org : {"chat-app", "agent"}) {
    SCOPED_TRACE(org);
    EXPECT_GT(run.Counts("none", org).success_rate(), 0.95);
    // fair serves every request of the orgs that send little at a time, as fast as no buffer ...
    EXPECT_EQ(run.Counts("fair", org).ok, run.Counts("fair", org).offered);
    EXPECT_LT(P99(run.Org("fair", org)), 3 * P99(run.Org("none", org)));
    // ... where fifo makes them wait behind the batch.
    EXPECT_GT(P99(run.Org("fifo", org)), 5 * P99(run.Org("fair", org)));
  }
  // Both buffers serve the batch several times better than none; fifo, which lets it queue ahead
  // of the others, best.
  EXPECT_GT(run.Counts("fair", "nightly-batch").success_rate(), 3 * batch.success_rate());
  EXPECT_GT(run.Counts("fifo", "nightly-batch").success_rate(),
            run.Counts("fair", "nightly-batch").success_rate());
}

TEST(ScenarioLibrary, CronJobsAtTheTopOfTheMinuteFailByTheThousandAndStaggeredOnesAllSucceed) {
  const Library aligned("cron_fleet.toml");
  const Library staggered("cron_fleet.toml", {"orgs.0.stagger=1m"});
  ASSERT_TRUE(aligned.ok());
  ASSERT_TRUE(staggered.ok());
  const OutcomeCounts& none = aligned.Policy("none").metrics.overall.counts;
  EXPECT_LT(none.success_rate(), 0.10);
  // Per minute, of the 400 within-rate first requests only about 100 find a slot: the rest are
  // 503s; everything else that fails was above its tenant's rate.
  EXPECT_GT(none.r503, 2500);
  EXPECT_GT(none.r429_request, 10 * none.r503);
  EXPECT_EQ(aligned.Counts("none", "interactive").ok, aligned.Counts("none", "interactive").offered);
  // The buffer serves most of the herd, and the interactive org waits behind it.
  EXPECT_GT(aligned.Policy("fifo").metrics.overall.counts.success_rate(), 0.7);
  EXPECT_GT(P99(aligned.Org("fifo", "interactive")), 5 * P99(aligned.Org("none", "interactive")));
  for (const std::string policy : {"none", "fifo"}) {
    const OutcomeCounts& spread = staggered.Policy(policy).metrics.overall.counts;
    EXPECT_EQ(spread.ok, spread.offered) << policy;
  }
}

TEST(ScenarioLibrary, ABufferLongerThanTheClientsTimeoutServesFewerThanNoBuffer) {
  const Library cancelled("client_timeouts.toml");
  const Library ignored("client_timeouts.toml", {"models.0.on_disconnect=\"ignore\""});
  ASSERT_TRUE(cancelled.ok());
  ASSERT_TRUE(ignored.ok());
  const OutcomeCounts& none = cancelled.Policy("none").metrics.overall.counts;
  const OutcomeCounts& fifo = cancelled.Policy("fifo").metrics.overall.counts;
  const OutcomeCounts& fifo_15s = cancelled.Policy("fifo_15s").metrics.overall.counts;
  const OutcomeCounts& codel = cancelled.Policy("codel").metrics.overall.counts;
  // Waiting past the clients' 20 s makes the 60 s buffer worse than none; one that gives up before
  // the client does, or sheds its standing queue, beats both.
  EXPECT_LT(fifo.success_rate(), none.success_rate() - 0.1);
  EXPECT_GT(fifo_15s.success_rate(), none.success_rate());
  EXPECT_GT(codel.success_rate(), none.success_rate());
  // The 60 s buffer's failures are all the clients' timeouts: it never answers 503 itself.
  EXPECT_EQ(fifo.r503, 0);
  EXPECT_GT(fifo.timed_out, 1000);
  EXPECT_EQ(fifo.served_after_timeout, 0);  // cancelled, not served
  // A platform that ignores disconnects serves its queue to no one, and the 60 s buffer collapses.
  const OutcomeCounts& ignored_fifo = ignored.Policy("fifo").metrics.overall.counts;
  EXPECT_LT(ignored_fifo.success_rate(), fifo.success_rate() - 0.2);
  EXPECT_GT(ignored_fifo.served_after_timeout, ignored_fifo.ok);
  // codel's queue rarely holds a request for 20 s: it hardly minds.
  const OutcomeCounts& ignored_codel = ignored.Policy("codel").metrics.overall.counts;
  EXPECT_NEAR(ignored_codel.success_rate(), codel.success_rate(), 0.03);
}

}  // namespace
}  // namespace ratesim
