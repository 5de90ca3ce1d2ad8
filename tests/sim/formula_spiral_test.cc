// What aimd, peak_window, capacity_share and gradient do to the orgs' rates, and to their 429s,
// after an outage (DESIGN.md 1.2: 503s cut successes, which lowers the rate, which turns later
// traffic into 429s), and whether the spiral rule of sim/sweep/recovery.h judges it as their
// definitions say it should. earned and expr have theirs in scenario_library_test.cc.
//
// Every expected value follows from the scenario file and the formula's definition with its
// default parameters (`ratesim formulas`); each comment says how. The range is the same for all:
// base 60 RPM, ceiling capacity_share 0.5 x the model's capacity, which the formulas keep seeing
// through a total outage (Engine::SetCapacity).
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "sim/sweep/recovery.h"
#include "tests/support/scenario_library.h"

namespace ratesim {
namespace {

using testing::Library;

constexpr double kBaseRpm = 60.0;
constexpr double kIntervalS = 60.0;  // both files' resolution: the rule's judgement is in its steps

// --- scenarios/outage_spiral.toml: spare capacity, down from minute 20 to 22 of 60, fifo ---------
// 4 replicas x 8 slots at 4 s a request serve 8 requests/s; the two orgs send about 6.
constexpr double kSpareCeilingRpm = 0.5 * 8.0 * 60.0;  // 240
constexpr int kSpareDrop = 20;
constexpr int kSpareRestore = 22;

// --- scenarios/outage_spiral_shortage.toml, shortened: down from minute 30 to 35 of 45 ----------
// 8 replicas x 50 slots at 2 s a request serve 200 requests/s of the 240 that three orgs send (80
// each). The file's three hours of warm-up are for earned's 30-minute window; these formulas
// settle within 17 minutes (gradient's climb to the ceiling at 0.1 requests/s a second; aimd's
// first cut at 503s), so the rule's 5 baseline minutes before minute 30 are settled, and the run
// ends at its 10-minute horizon after the restore.
constexpr double kShortCapacityRps = 8 * 50 / 2.0;
constexpr double kSentRpm = 80.0 * 60.0;                             // each org, 4800
constexpr double kShortCeilingRpm = 0.5 * kShortCapacityRps * 60.0;  // 6000
// What the model cannot serve. Under within_first (within-rate requests first, over-rate ones on
// spare capacity only) it fails as 503 while the orgs are within their rates, as 429 while they
// are over them.
constexpr double kShortageShare = 1.0 - kShortCapacityRps / 240.0;  // 1/6
constexpr int kShortDrop = 30;
constexpr int kShortRestore = 35;
constexpr int kShortEnd = 45;
const char* const kShortOrgs[] = {"large-1", "large-2", "large-3"};

std::string Formula(const std::string& name) { return "limits={ formula = \"" + name + "\" }"; }

Library SpareRun(const std::string& formula) {
  return Library("outage_spiral.toml", {Formula(formula)});
}

Library ShortRun(const std::string& formula) {
  const std::string outage =
      R"(models.0.schedule=[{ at = "30m", replicas = 0 }, { at = "35m", replicas = 8 }])";
  return Library("outage_spiral_shortage.toml", {Formula(formula), "run.duration=45m", outage});
}

// `org`'s request rate in RPM at the end of `minute`.
double Rate(const Library& run, const std::string& policy, const std::string& org, int minute) {
  return run.SeriesAt(policy, SeriesMetric::kRateRpm, org, "", minute * 60.0);
}

// The model's finished requests in the intervals ending in minutes first..last, pooled over orgs.
IntervalOutcome Finished(const Library& run, const std::string& policy, int first, int last) {
  IntervalOutcome total;
  const RunResult& result = run.Policy(policy);
  for (const IntervalOutcome& interval : ModelOutcomeSeries(result, result.model_names.front())) {
    const double end_s = ToSeconds(interval.end);
    if (end_s < first * 60.0 - 1e-9 || end_s > last * 60.0 + 1e-9) continue;
    total.ok += interval.ok;
    total.rejected_429 += interval.rejected_429;
    total.finished += interval.finished;
  }
  return total;
}

double Share429(const Library& run, const std::string& policy, int first, int last) {
  const IntervalOutcome total = Finished(run, policy, first, last);
  EXPECT_GT(total.finished, 0) << "minutes " << first << ".." << last;
  return static_cast<double>(total.rejected_429) / static_cast<double>(total.finished);
}

// The spiral rule's judgement of the run's outage, as `sweep` gives it.
Recovery Judge(const Library& run, const std::string& policy) {
  const std::optional<Outage> outage = LastRestoredOutage(run.scenario());
  EXPECT_TRUE(outage.has_value());
  if (!outage) return {};
  return AssessRecovery(ModelOutcomeSeries(run.Policy(policy), outage->model), *outage);
}

void ExpectRecoveredAfter(const Recovery& recovery, double seconds) {
  ASSERT_TRUE(recovery.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(*recovery.recovery_s, seconds);
  EXPECT_EQ(recovery.spiral, std::optional<bool>(false));
}

TEST(FormulaAfterAnOutage, WithSpareCapacityNoFormulaTurnsLaterTrafficInto429s) {
  // After the restore the model serves 8 requests/s for about 6 sent, and fifo serves in arrival
  // order whatever a request's class: a rate, however low, fails nothing. The outage's backlog
  // (max_depth 200) is served within 200 / 8 = 25 s, under max_wait 30 s, so none of it expires
  // either. No 429 from the first interval after the restore on, which the rule judges recovered
  // at that interval's end.
  for (const std::string formula : {"aimd", "peak_window", "capacity_share", "gradient"}) {
    SCOPED_TRACE(formula);
    const Library run = SpareRun(formula);
    ASSERT_TRUE(run.ok());
    // The outage had 429s (retries put the clients over the ceiling, and over the base that aimd
    // and peak_window fall to), so there is something to recover from.
    EXPECT_GT(Finished(run, "fifo", kSpareDrop + 1, kSpareRestore).rejected_429, 0);
    EXPECT_EQ(Finished(run, "fifo", kSpareRestore + 1, 60).rejected_429, 0);
    ExpectRecoveredAfter(Judge(run, "fifo"), kIntervalS);
  }
}

TEST(FormulaAfterAnOutage, AimdFallsToTheBaseOnTheOutages503sAndClimbsBackInAMinute) {
  const Library run = SpareRun("aimd");
  ASSERT_TRUE(run.ok());
  for (const std::string org : {"steady", "growing"}) {
    SCOPED_TRACE(org);
    // Used at its full rate, a key gains increase_rpm (6 RPM) a second: the ceiling within minutes.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareDrop), kSpareCeilingRpm);
    // Each 503 multiplies the rate by 0.7: four (0.7^4 x 240 < 60) reach the base, and every
    // within-rate request of the outage fails as 503.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareRestore), kBaseRpm);
    // From 60 to the 180 RPM sent at 6 RPM a second is 20 s; on to the ceiling, with 3 successes
    // a second each adding 0.1 / rate requests/s, r^2 grows by 0.6 a second: (16 - 9) / 0.6 = 12 s.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareRestore + 2), kSpareCeilingRpm);
  }
}

TEST(FormulaAfterAnOutage, PeakWindowForgetsItsPeakDuringTheOutageAndRegainsItAtOnce) {
  const Library run = SpareRun("peak_window");
  ASSERT_TRUE(run.ok());
  for (const std::string org : {"steady", "growing"}) {
    SCOPED_TRACE(org);
    // Twice the busiest second: a Poisson org at 3 requests/s has seconds of 2, enough for 240.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareDrop), kSpareCeilingRpm);
    // Two minutes without a success (the drop's running requests end within seconds) empty the
    // one-minute window.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareRestore), kBaseRpm);
    // Every success counts, over-rate ones too: the backlog served at 8 requests/s at the restore
    // gives each org seconds of 2, and the ceiling, in the first minute.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareRestore + 1), kSpareCeilingRpm);
  }
}

TEST(FormulaAfterAnOutage, CapacityShareHoldsTwoOrgsAtTheCeilingThroughout) {
  const Library run = SpareRun("capacity_share");
  ASSERT_TRUE(run.ok());
  // The max-min level of 8 requests/s split between two keys is never below 8 / 2 = 4 requests/s,
  // which is the ceiling; through the outage the formula still sees the 8 requests/s.
  for (const std::string org : {"steady", "growing"}) {
    for (int minute = 1; minute <= 60; ++minute) {
      EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, minute), kSpareCeilingRpm) << org << " " << minute;
    }
  }
}

TEST(FormulaAfterAnOutage, GradientHoldsItsRateThroughTheOutageAndCutsItOnTheBacklogsLatency) {
  const Library run = SpareRun("gradient");
  ASSERT_TRUE(run.ok());
  for (const std::string org : {"steady", "growing"}) {
    SCOPED_TRACE(org);
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareDrop), kSpareCeilingRpm);
    // 503s and 429s carry no latency and change nothing; the only successes of the outage are
    // the requests running at the drop, as fast as ever.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareRestore), kSpareCeilingRpm);
    // The backlog waited up to tens of seconds, against a long-term latency of about the 4-s
    // service: the short-term average exceeds 1.5 x the long-term one, and the gradient cuts...
    EXPECT_LT(Rate(run, "fifo", org, kSpareRestore + 1), kSpareCeilingRpm);
    // ... until the backlog is served; then latency is back to the service time, under the
    // long-term average the backlog raised, the gradient is 1, and the rate climbs back.
    EXPECT_DOUBLE_EQ(Rate(run, "fifo", org, kSpareRestore + 3), kSpareCeilingRpm);
  }
}

TEST(FormulaAfterAnOutageOnAShortModel, AimdBlamesTheShortageOnTheOrgsBeforeAndAfterAlike) {
  const Library run = ShortRun("aimd");
  ASSERT_TRUE(run.ok());
  // A 503 comes only when the orgs' within-rate traffic exceeds the model, and each cuts its org's
  // rate by 30%: the rates sawtooth at or below the capacity, under the 80 requests/s each org
  // sends. So the model's shortage is over the orgs' rates and fails as 429, and 503s are rare.
  const IntervalOutcome before = Finished(run, "within_first", kShortDrop - 4, kShortDrop);
  EXPECT_NEAR(Share429(run, "within_first", kShortDrop - 4, kShortDrop), kShortageShare, 0.03);
  EXPECT_LT(10 * (before.finished - before.ok - before.rejected_429), before.rejected_429);
  for (const char* org : kShortOrgs) {
    SCOPED_TRACE(org);
    // Hundreds of 503s in the outage, each x0.7: the base.
    EXPECT_DOUBLE_EQ(Rate(run, "within_first", org, kShortRestore), kBaseRpm);
    // Over its rate, a key has `rate` within-rate successes a second, each adding 0.1 / rate
    // requests/s: 6 RPM a second, 360 a minute, less the refills its Poisson arrivals leave unused.
    const double climb = Rate(run, "within_first", org, kShortEnd) -
                         Rate(run, "within_first", org, kShortRestore + 1);
    EXPECT_GT(climb, 0.95 * 360 * (kShortEnd - kShortRestore - 1));
    EXPECT_LT(climb, 1.01 * 360 * (kShortEnd - kShortRestore - 1));
    // (4800 - 60) / 360 = 13.2 minutes from the base to what the org sends (the outage's
    // within-rate backlog, 30 s at the base, adds at most 30 x 6 RPM): ten minutes after the
    // restore the org is still over its rate.
    EXPECT_LT(Rate(run, "within_first", org, kShortEnd), kSentRpm);
  }
  // So the ten minutes after the restore look like the minutes before the drop: the shortage is
  // 429, as it was. The outage cut the rates, but not into a spiral the rule could see: it judges
  // the 429 share against that baseline, and the first interval is recovered.
  EXPECT_NEAR(Share429(run, "within_first", kShortRestore + 1, kShortEnd), kShortageShare, 0.02);
  ExpectRecoveredAfter(Judge(run, "within_first"), kIntervalS);
}

TEST(FormulaAfterAnOutageOnAShortModel, PeakWindowRegainsTheCeilingWithTheFirstSuccesses) {
  const Library run = ShortRun("peak_window");
  ASSERT_TRUE(run.ok());
  // Each org is served about 200 / 3 requests/s; twice that is above the ceiling, which is above
  // the 4800 RPM sent: the shortage is the platform's, 503, and no 429 before the drop.
  EXPECT_EQ(Finished(run, "within_first", kShortDrop - 4, kShortDrop).rejected_429, 0);
  for (const char* org : kShortOrgs) {
    SCOPED_TRACE(org);
    EXPECT_DOUBLE_EQ(Rate(run, "within_first", org, kShortDrop), kShortCeilingRpm);
    // Two minutes without a success empty the one-minute window: the base, ...
    EXPECT_DOUBLE_EQ(Rate(run, "within_first", org, kShortDrop + 2), kBaseRpm);
    // ... and one second of service after the restore (a success counts, within rate or not)
    // brings back the ceiling.
    EXPECT_DOUBLE_EQ(Rate(run, "within_first", org, kShortRestore + 1), kShortCeilingRpm);
  }
  // At the base, 3 of the 240 requests a second are within rate: the outage fails the rest as 429.
  EXPECT_GT(Share429(run, "within_first", kShortDrop + 3, kShortRestore), 1.0 - 3.0 / 240 - 0.01);
  // What the restore's 400 free slots do not take of the outage's over-rate backlog (max_depth
  // 2000) fails as 429 in the first minute, since the new arrivals are within rate and go first:
  // about 1600 of some 14,000 finished, above the rule's 5 points over a baseline of 0. From the
  // second minute on there is no 429, so the rule sees recovery at the end of the second interval.
  EXPECT_GT(Share429(run, "within_first", kShortRestore + 1, kShortRestore + 1), 0.05);
  EXPECT_EQ(Finished(run, "within_first", kShortRestore + 2, kShortEnd).rejected_429, 0);
  ExpectRecoveredAfter(Judge(run, "within_first"), 2 * kIntervalS);
}

TEST(FormulaAfterAnOutageOnAShortModel, CapacityShareRisesToTheCeilingDuringTheOutage) {
  const Library run = ShortRun("capacity_share");
  ASSERT_TRUE(run.ok());
  // Three keys each demanding twice their ~67 requests/s: the level splits the 200 requests/s
  // equally. The rates add up to the capacity, so the shortage is over them: 429.
  const double split_rpm = kShortCapacityRps / 3 * 60;  // 4000
  EXPECT_NEAR(Share429(run, "within_first", kShortDrop - 4, kShortDrop), kShortageShare, 0.03);
  for (const char* org : kShortOrgs) {
    SCOPED_TRACE(org);
    EXPECT_NEAR(Rate(run, "within_first", org, kShortDrop), split_rpm, 1e-6);
    // Without successes usage decays (one-minute average); once the demands, 400 requests/s at
    // the drop, fall under the 200 the formula still sees (after 60 ln 2 = 42 s), they all fit:
    // no split, every rate at the ceiling, above what the orgs send.
    for (int minute = kShortDrop + 2; minute <= kShortRestore; ++minute) {
      EXPECT_DOUBLE_EQ(Rate(run, "within_first", org, minute), kShortCeilingRpm) << minute;
    }
    // After the restore usage climbs back past half its level in the same 42 s: the split again.
    EXPECT_NEAR(Rate(run, "within_first", org, kShortRestore + 1), split_rpm, 1e-6);
  }
  // So the outage fails as 503, and after it the shortage is 429 as before: recovered at once.
  EXPECT_EQ(Finished(run, "within_first", kShortDrop + 2, kShortRestore).rejected_429, 0);
  EXPECT_NEAR(Share429(run, "within_first", kShortRestore + 2, kShortEnd), kShortageShare, 0.02);
  ExpectRecoveredAfter(Judge(run, "within_first"), kIntervalS);
}

TEST(FormulaAfterAnOutageOnAShortModel, GradientStaysAtTheCeilingThroughTheOutage) {
  const Library run = ShortRun("gradient");
  ASSERT_TRUE(run.ok());
  for (const char* org : kShortOrgs) {
    SCOPED_TRACE(org);
    // Climbing at 0.1 requests/s a second, the ceiling is reached in 16.5 minutes; then the rates
    // allow 300 requests/s for 200 served, the buffer stays full (2000 deep, a 10-s wait) and the
    // latency flat: the gradient is 1.
    EXPECT_DOUBLE_EQ(Rate(run, "within_first", org, kShortDrop), kShortCeilingRpm);
    // Failures are no samples: from the last success of the drop's running requests to the
    // restore nothing moves the rate.
    EXPECT_DOUBLE_EQ(Rate(run, "within_first", org, kShortRestore),
                     Rate(run, "within_first", org, kShortDrop + 1));
    // The backlog is no slower than that queue. A full buffer in an outage is replaced as a
    // cohort every max_wait (30 s): each request that expires makes room for the next arrival.
    // After 10 such rounds, what waits at the restore arrived in its last 2000 / 240 = 8.3 s,
    // under the 10-s wait before the drop: no cut, and the rate stays above what the org sends.
    // (An outage 20 s longer leaves a backlog 20 to 28 s old: a cut to about 5500 RPM, above too.)
    EXPECT_GT(Rate(run, "within_first", org, kShortRestore + 1), kSentRpm);
  }
  // Within rate throughout: the shortage and the outage are the platform's, and no 429 at all.
  EXPECT_EQ(Finished(run, "within_first", kShortDrop - 4, kShortEnd).rejected_429, 0);
  ExpectRecoveredAfter(Judge(run, "within_first"), kIntervalS);
}

}  // namespace
}  // namespace ratesim
