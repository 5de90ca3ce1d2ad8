// A client's timeout (ClientSpec::timeout) and a model's on_disconnect through Simulate: every
// request still ends exactly once under every policy and every disconnect handling, a timeout no
// attempt can reach changes nothing, a platform that ignores disconnects serves exactly what it
// served without them, `cancel` frees a running request's slot at the timeout, the audit rows of a
// timeout, honor_reset after a 503 and a 429, and determinism.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/smoothing_policy.h"
#include "gtest/gtest.h"
#include "sim/report/audit_csv.h"
#include "sim/report/comparison_table.h"
#include "sim/report/summary_json.h"
#include "sim/simulate/simulation.h"
#include "tests/support/cli_fixture.h"
#include "tests/support/json_reader.h"
#include "tests/support/scenario_builder_more.h"
#include "tests/support/tight_policy_params.h"

namespace ratesim {
namespace {

using testing::RecordingObserver;

constexpr Nanos kSecond = kNanosPerSecond;
using OnDisconnect = ModelSpec::OnDisconnect;

const char* Name(OnDisconnect d) {
  switch (d) {
    case OnDisconnect::kCancel:
      return "cancel";
    case OnDisconnect::kCancelQueued:
      return "cancel_queued";
    case OnDisconnect::kIgnore:
      return "ignore";
  }
  return "?";
}

constexpr OnDisconnect kEveryDisconnect[] = {OnDisconnect::kCancel, OnDisconnect::kCancelQueued,
                                             OnDisconnect::kIgnore};

ClientSpec Client(ClientSpec::OnFailure on_failure, int64_t max_attempts, Nanos timeout,
                  Nanos base_backoff = kSecond / 2, double jitter = 1.0) {
  ClientSpec client;
  client.on_failure = on_failure;
  client.max_attempts = max_attempts;
  client.base_backoff = base_backoff;
  client.multiplier = 2.0;
  client.max_backoff = 10 * kSecond;
  client.jitter = jitter;
  client.timeout = timeout;
  return client;
}

ClientSpec GiveUp(Nanos timeout) { return Client(ClientSpec::OnFailure::kGiveUp, 1, timeout); }

// Buffer parameters tight enough that buffered requests expire and overflow, whatever the policy.
ParamValues TightParams(const std::string& policy) { return testing::BufferParams(policy, 10, 2.0); }

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const PolicyInfo& info : Policies()) names.push_back(info.name);
  return names;
}

// Three orgs on one small model with exponential service (so that running requests outlast a
// timeout too, not only buffered ones) and the default `earned` limits, so that every outcome
// occurs: a Poisson org, a bursty one, a steady one. Their clients time out after 0.8 s, 1 s and
// 1.5 s; with `retries` they back off, honour the reset and back off again, else they give up.
Scenario MixedScenario(const std::string& policy, OnDisconnect on_disconnect, bool retries,
                       bool drain, double timeout_scale = 1.0) {
  Scenario scenario =
      testing::QueueScenario(4, 0.5, 1.0, 300, testing::Policy(policy, TightParams(policy)));
  scenario.run.drain = drain;
  scenario.run.resolution = 7 * kSecond;
  scenario.limits.formula = "earned";
  scenario.limits.params = {};
  scenario.models[0].on_disconnect = on_disconnect;

  auto timeout = [&](double s) { return FromSeconds(s * timeout_scale); };
  TrafficSpec& poisson = scenario.orgs[0].traffic[0];
  poisson.client =
      retries ? Client(ClientSpec::OnFailure::kBackoff, 4, timeout(0.8)) : GiveUp(timeout(0.8));

  TrafficSpec bursts = poisson;
  bursts.shape = TrafficShape{};
  bursts.shape.kind = TrafficShape::Kind::kBursts;
  bursts.shape.burst_count = 40;
  bursts.shape.burst_window = kSecond;
  bursts.shape.burst_period = 30 * kSecond;
  bursts.input_tokens = TokenCount{TokenCount::Kind::kLognormal, 2000, 1.0, 1, 100000};
  bursts.client =
      retries ? Client(ClientSpec::OnFailure::kHonorReset, 3, timeout(1.0)) : GiveUp(timeout(1.0));

  TrafficSpec steady = poisson;
  steady.shape = TrafficShape{};
  steady.shape.kind = TrafficShape::Kind::kConstant;
  steady.shape.rate_per_s = 1.0;
  steady.client = retries ? Client(ClientSpec::OnFailure::kBackoff, 2, timeout(1.5), kSecond, 0.0)
                          : GiveUp(timeout(1.5));

  scenario.orgs.push_back(testing::Org("bursty", {bursts}));
  scenario.orgs.push_back(testing::Org("steady", {steady}));
  return scenario;
}

void ExpectConserved(const OutcomeCounts& c, bool drained, OnDisconnect on_disconnect) {
  EXPECT_EQ(c.offered, c.ok + c.r429() + c.r503 + c.timed_out + c.in_flight);
  EXPECT_EQ(c.finished(), c.ok + c.r429() + c.r503 + c.timed_out);
  EXPECT_LE(c.timed_out, c.timeouts);
  EXPECT_LE(c.served_after_timeout + c.failed_after_timeout, c.timeouts);
  EXPECT_GE(c.served_after_timeout, 0);
  EXPECT_GE(c.failed_after_timeout, 0);
  if (on_disconnect == OnDisconnect::kCancel) {
    EXPECT_EQ(c.served_after_timeout, 0);
  }
  // Only a platform that keeps a waiting request whose client left can fail it later.
  if (on_disconnect != OnDisconnect::kIgnore) {
    EXPECT_EQ(c.failed_after_timeout, 0);
  } else if (drained) {
    // ... and every attempt it kept ends, served or failed.
    EXPECT_EQ(c.served_after_timeout + c.failed_after_timeout, c.timeouts);
  }
  if (drained) {
    EXPECT_EQ(c.in_flight, 0);
    // Every attempt ends once: as the request's success, a failure or a timeout. Attempts are
    // offered + retries, so the failed ones are what remains.
    EXPECT_EQ(c.failed_attempts_total(), c.r429() + c.r503 + c.timed_out + c.retries - c.timeouts);
  } else {
    // Cut short: requests waiting to retry have their failed or timed-out attempt counted, and
    // not yet their retry.
    const int64_t settled = c.r429() + c.r503 + c.timed_out + c.retries - c.timeouts;
    EXPECT_GE(c.failed_attempts_total(), settled);
    EXPECT_LE(c.failed_attempts_total(), settled + c.in_flight);
  }
}

TEST(ClientTimeout, EveryRequestEndsOnceUnderEveryPolicyAndEveryDisconnectHandling) {
  for (const std::string& policy : PolicyNames()) {
    for (OnDisconnect on_disconnect : kEveryDisconnect) {
      for (bool retries : {false, true}) {
        for (bool drain : {true, false}) {
          SCOPED_TRACE(policy + " " + Name(on_disconnect) + (retries ? " retries" : " gives up") +
                       (drain ? " drained" : " cut"));
          const RunResult result =
              testing::RunScenario(MixedScenario(policy, on_disconnect, retries, drain));
          const RunMetrics& m = result.metrics;
          const OutcomeCounts& all = m.overall.counts;
          ExpectConserved(all, drain, on_disconnect);
          OutcomeCounts orgs, models;
          for (const SliceMetrics& slice : m.per_org) {
            ExpectConserved(slice.counts, drain, on_disconnect);
            orgs.Add(slice.counts);
          }
          for (const SliceMetrics& slice : m.per_model) {
            ExpectConserved(slice.counts, drain, on_disconnect);
            models.Add(slice.counts);
          }
          for (const OutcomeCounts& sum : {orgs, models}) {
            EXPECT_EQ(sum.offered, all.offered);
            EXPECT_EQ(sum.ok, all.ok);
            EXPECT_EQ(sum.timed_out, all.timed_out);
            EXPECT_EQ(sum.timeouts, all.timeouts);
            EXPECT_EQ(sum.served_after_timeout, all.served_after_timeout);
            EXPECT_EQ(sum.failed_after_timeout, all.failed_after_timeout);
            EXPECT_EQ(sum.retries, all.retries);
          }
          EXPECT_EQ(static_cast<int64_t>(m.overall.latency.Count()), all.ok);
          // The check says something: timeouts happen, end requests, and (with retries) are
          // retried; a platform that lets running requests finish serves some to no one.
          EXPECT_GT(all.timeouts, 0);
          EXPECT_GT(all.timed_out, 0);
          EXPECT_GT(all.ok, 0);
          EXPECT_GT(all.r429() + all.r503, 0);
          if (retries) {
            EXPECT_GT(all.timeouts, all.timed_out) << "some timed-out attempts are retried";
          } else {
            EXPECT_EQ(all.retries, 0);
            if (drain) {
              EXPECT_EQ(all.timeouts, all.timed_out);
            }
          }
          if (drain && on_disconnect != OnDisconnect::kCancel) {
            EXPECT_GT(all.served_after_timeout, 0);
          }
          // A buffer that keeps requests whose clients left fails some of them later.
          if (drain && on_disconnect == OnDisconnect::kIgnore && policy == "fifo") {
            EXPECT_GT(all.failed_after_timeout, 0);
          }
        }
      }
    }
  }
}

// Everything a run's summary reports, to compare two runs.
// `b` may lack the timed_out series `a` has (a run without timeouts against one with them), where
// `a`'s must then be all 0.
void ExpectSameMetrics(const RunMetrics& a, const RunMetrics& b) {
  EXPECT_EQ(a.end_time, b.end_time);
  auto counts = [](const OutcomeCounts& c) {
    return std::make_tuple(c.offered, c.ok, c.r429_request, c.r429_token, c.r503, c.timed_out,
                           c.in_flight, c.retries, c.timeouts, c.served_after_timeout,
                           c.failed_attempts);
  };
  auto slice = [&](const SliceMetrics& s) {
    return std::make_tuple(counts(s.counts), s.latency.Count(), s.latency.Mean(),
                           s.latency.Quantile(0.5), s.latency.Quantile(0.99), s.queue_wait.Count(),
                           s.queue_wait.Mean(), s.queue_wait.Quantile(0.99));
  };
  EXPECT_TRUE(slice(a.overall) == slice(b.overall)) << "overall";
  ASSERT_EQ(a.per_org.size(), b.per_org.size());
  for (size_t i = 0; i < a.per_org.size(); ++i) {
    EXPECT_TRUE(slice(a.per_org[i]) == slice(b.per_org[i])) << "org " << i;
  }
  ASSERT_EQ(a.model_usage.size(), b.model_usage.size());
  for (size_t i = 0; i < a.model_usage.size(); ++i) {
    EXPECT_EQ(a.model_usage[i].started, b.model_usage[i].started);
    EXPECT_EQ(a.model_usage[i].busy_slot_ns, b.model_usage[i].busy_slot_ns);
    EXPECT_EQ(a.model_usage[i].buffered_ns, b.model_usage[i].buffered_ns);
    EXPECT_EQ(a.model_usage[i].slot_ns, b.model_usage[i].slot_ns);
  }
  // A run whose clients have a timeout adds a timed_out series: when only `a` has it, it is all 0,
  // and the rest is `b`'s, row for row.
  const auto has_timeouts = [](const RunMetrics& m) {
    return std::any_of(m.series.begin(), m.series.end(), [](const SeriesPoint& point) {
      return point.metric == SeriesMetric::kTimedOut;
    });
  };
  const bool only_a = has_timeouts(a) && !has_timeouts(b);
  std::vector<SeriesPoint> a_series;
  for (const SeriesPoint& point : a.series) {
    if (only_a && point.metric == SeriesMetric::kTimedOut) {
      EXPECT_EQ(point.value, 0.0);
    } else {
      a_series.push_back(point);
    }
  }
  const std::vector<SeriesPoint>& b_series = b.series;
  ASSERT_EQ(a_series.size(), b_series.size());
  for (size_t i = 0; i < a_series.size(); ++i) {
    EXPECT_EQ(a_series[i].time, b_series[i].time) << "row " << i;
    EXPECT_EQ(a_series[i].metric, b_series[i].metric) << "row " << i;
    EXPECT_EQ(a_series[i].value, b_series[i].value) << "row " << i;
  }
}

Scenario WithoutTimeouts(Scenario scenario) {
  for (OrgSpec& org : scenario.orgs) {
    for (TrafficSpec& traffic : org.traffic) traffic.client.timeout = kNever;
  }
  return scenario;
}

TEST(ClientTimeout, ATimeoutNoAttemptCanReachChangesNothing) {
  // A fifo buffer of at most 2 s and a constant service of 1 s: no attempt waits longer than 3 s
  // for its response, so a timeout of 3 s gives up on none.
  for (OnDisconnect on_disconnect : kEveryDisconnect) {
    for (bool retries : {false, true}) {
      SCOPED_TRACE(std::string(Name(on_disconnect)) + (retries ? " retries" : " gives up"));
      Scenario scenario = MixedScenario("fifo", on_disconnect, retries, true);
      scenario.models[0].service = testing::ConstantService(1.0);
      scenario.orgs[0].traffic[0].shape.rate_per_s = 3.0;
      auto set_timeout = [&](Nanos timeout) {
        for (OrgSpec& org : scenario.orgs) {
          for (TrafficSpec& traffic : org.traffic) traffic.client.timeout = timeout;
        }
      };
      // Exactly 3 s: a response due at the very instant of the timeout arrives in time.
      set_timeout(3 * kSecond);
      const RunResult with = testing::RunScenario(scenario);
      const RunResult without = testing::RunScenario(WithoutTimeouts(scenario));
      EXPECT_EQ(with.metrics.overall.counts.timeouts, 0);
      ASSERT_GT(without.metrics.overall.counts.failed_attempts_for(FailReason::kExpired), 0)
          << "the buffer must be tested to its limit";
      ExpectSameMetrics(with.metrics, without.metrics);
      // And the bound is tight: just below 3 s the longest waits do time out.
      set_timeout(2900 * kNanosPerMillisecond);
      EXPECT_GT(testing::RunScenario(scenario).metrics.overall.counts.timeouts, 0);
    }
  }
  // Under every policy, a timeout beyond the whole run changes nothing either.
  for (const std::string& policy : PolicyNames()) {
    SCOPED_TRACE(policy);
    Scenario scenario = MixedScenario(policy, OnDisconnect::kCancel, true, true);
    for (OrgSpec& org : scenario.orgs) {
      for (TrafficSpec& traffic : org.traffic) traffic.client.timeout = 100000 * kSecond;
    }
    ExpectSameMetrics(testing::RunScenario(scenario).metrics,
                      testing::RunScenario(WithoutTimeouts(scenario)).metrics);
  }
}

TEST(ClientTimeout, AResponseDueExactlyAtTheTimeoutArrivesInTime) {
  // One slot, constant 1 s service, requests at 0 and 0.5 s. The first is served at once and
  // answered at 1 s; the second is buffered, starts at 1 s and is answered at 2 s. With a timeout
  // of 1 s, resp. 1.5 s, each response is due exactly at its client's timeout: both arrive in time,
  // whether the attempt was served at once or buffered first.
  for (const double timeout : {1.0, 1.5}) {
    SCOPED_TRACE(timeout);
    Scenario scenario =
        testing::BareScenario(1, 1, 1, testing::ConstantService(1.0), testing::Policy("fifo"));
    TrafficSpec traffic = testing::Stream(testing::ConstantShape(2));
    traffic.client = GiveUp(FromSeconds(timeout));
    scenario.orgs.push_back(testing::Org("org", {traffic}));
    RecordingObserver observer;
    const OutcomeCounts c = testing::RunScenario(scenario, &observer).metrics.overall.counts;
    EXPECT_EQ(c.offered, 2);
    ASSERT_EQ(observer.entries.size(), 2u);
    const AttemptRecord& first = observer.entries[0].record;
    const AttemptRecord& second = observer.entries[1].record;
    EXPECT_EQ(first.ended, kSecond);
    EXPECT_FALSE(first.timed_out);
    if (timeout == 1.0) {
      EXPECT_TRUE(second.timed_out) << "waited 0.5 s, then 1 s of service: due at 1.5 s";
      EXPECT_EQ(c.ok, 1);
    } else {
      EXPECT_EQ(second.started, kSecond);
      EXPECT_EQ(second.ended, 2 * kSecond);
      EXPECT_FALSE(second.timed_out);
      EXPECT_EQ(c.ok, 2);
      EXPECT_EQ(c.timeouts, 0);
    }
  }
}

// The attempts of a run by request id (each request's attempts in order).
std::map<uint64_t, std::vector<AttemptRecord>> ByRequest(const RecordingObserver& observer) {
  std::map<uint64_t, std::vector<AttemptRecord>> by_request;
  for (const RecordingObserver::Entry& e : observer.entries) {
    by_request[e.record.request].push_back(e.record);
  }
  return by_request;
}

TEST(ClientTimeout, APlatformThatIgnoresDisconnectsServesExactlyWhatItServedWithoutThem) {
  // Clients that give up: a timeout changes nothing the platform sees, so its trajectory must be
  // the one without timeouts, attempt by attempt. A request times out exactly when its response
  // came later than the timeout without one.
  for (const std::string& policy : PolicyNames()) {
    SCOPED_TRACE(policy);
    const Scenario scenario = MixedScenario(policy, OnDisconnect::kIgnore, false, true);
    RecordingObserver with_log, without_log;
    const RunResult with = testing::RunScenario(scenario, &with_log);
    const RunResult without = testing::RunScenario(WithoutTimeouts(scenario), &without_log);
    const OutcomeCounts& w = with.metrics.overall.counts;
    const OutcomeCounts& wo = without.metrics.overall.counts;
    ASSERT_GT(w.timed_out, 0);
    ASSERT_GT(w.served_after_timeout, 0);
    EXPECT_EQ(w.offered, wo.offered);
    EXPECT_EQ(w.timeouts, w.timed_out);
    EXPECT_EQ(w.ok + w.served_after_timeout, wo.ok);
    // A timed-out request that was not served failed on the platform, unseen.
    EXPECT_EQ(w.r429() + w.r503 + w.timed_out - w.served_after_timeout, wo.r429() + wo.r503);
    EXPECT_EQ(w.failed_attempts_total() + w.timed_out - w.served_after_timeout,
              wo.failed_attempts_total());
    // The server never noticed: every start, every busy and buffered nanosecond is the same.
    const ModelUsage& uw = with.metrics.model_usage[0];
    const ModelUsage& uwo = without.metrics.model_usage[0];
    EXPECT_EQ(uw.started, uwo.started);
    EXPECT_EQ(uw.busy_slot_ns, uwo.busy_slot_ns);
    EXPECT_EQ(uw.buffered_ns, uwo.buffered_ns);
    EXPECT_EQ(with.metrics.end_time, without.metrics.end_time);
    EXPECT_EQ(with.metrics.overall.queue_wait.Count(), without.metrics.overall.queue_wait.Count());
    EXPECT_EQ(with.metrics.overall.queue_wait.Mean(), without.metrics.overall.queue_wait.Mean());

    const auto with_rows = ByRequest(with_log);
    const auto without_rows = ByRequest(without_log);
    ASSERT_EQ(with_rows.size(), without_rows.size());
    int64_t timed_out = 0;
    for (const auto& [id, rows] : without_rows) {
      ASSERT_EQ(rows.size(), 1u);
      ASSERT_EQ(with_rows.at(id).size(), 1u);
      const AttemptRecord& a = with_rows.at(id)[0];
      const AttemptRecord& b = rows[0];
      const Nanos timeout = with.org_names[a.org] == "org"      ? FromSeconds(0.8)
                            : with.org_names[a.org] == "bursty" ? FromSeconds(1.0)
                                                                : FromSeconds(1.5);
      EXPECT_EQ(a.arrival, b.arrival) << "request " << id;
      if (b.ended - b.arrival > timeout) {
        ++timed_out;
        EXPECT_TRUE(a.timed_out) << "request " << id;
        EXPECT_EQ(a.ended, a.arrival + timeout) << "request " << id;
      } else {
        EXPECT_FALSE(a.timed_out) << "request " << id;
        EXPECT_EQ(std::tie(a.started, a.ended, a.status, a.error_type, a.reason, a.rate_class,
                           a.admission),
                  std::tie(b.started, b.ended, b.status, b.error_type, b.reason, b.rate_class,
                           b.admission))
            << "request " << id;
      }
    }
    EXPECT_EQ(timed_out, w.timed_out);
  }
}

TEST(ClientTimeout, CancelFreesTheSlotOfARunningRequestAtTheTimeout) {
  // One slot, a constant service of 3 s, a timeout of 1 s, a deep fifo buffer and a request every
  // 0.1 s: a backlog in which every attempt times out. Cancelled, a running attempt frees the slot
  // at its client's timeout, and the head of the buffer starts at that very instant.
  const double duration = 120;
  auto run = [&](OnDisconnect on_disconnect, RecordingObserver* observer) {
    Scenario scenario =
        testing::BareScenario(duration, 1, 1, testing::ConstantService(3.0),
                              testing::Policy("fifo", {{"max_depth", 1e9}, {"max_wait", 1e9}}));
    scenario.models[0].on_disconnect = on_disconnect;
    TrafficSpec traffic = testing::Stream(testing::ConstantShape(10));
    traffic.client = GiveUp(kSecond);
    scenario.orgs.push_back(testing::Org("org", {traffic}));
    return testing::RunScenario(scenario, observer).metrics;
  };
  RecordingObserver observer;
  const RunMetrics cancel = run(OnDisconnect::kCancel, &observer);
  const OutcomeCounts& c = cancel.overall.counts;
  EXPECT_EQ(c.offered, 1200);
  EXPECT_EQ(c.ok, 0);
  EXPECT_EQ(c.served_after_timeout, 0);
  EXPECT_EQ(c.timed_out, c.offered);
  EXPECT_EQ(c.timeouts, c.offered);
  std::vector<std::pair<Nanos, Nanos>> runs;  // (started, stopped) of the attempts that started
  for (const RecordingObserver::Entry& e : observer.entries) {
    EXPECT_TRUE(e.record.timed_out);
    EXPECT_EQ(e.record.ended - e.record.arrival, kSecond);
    if (e.record.started >= 0) runs.emplace_back(e.record.started, e.record.ended);
  }
  std::sort(runs.begin(), runs.end());
  ASSERT_GT(runs.size(), 1000u);
  EXPECT_EQ(cancel.model_usage[0].started, static_cast<int64_t>(runs.size()));
  for (size_t i = 0; i + 1 < runs.size(); ++i) {
    ASSERT_EQ(runs[i + 1].first, runs[i].second) << "start " << i + 1;
  }
  // The slot was busy exactly while those attempts ran, not the 3 s each would have taken.
  double busy = 0;
  for (const auto& [start, stop] : runs) busy += static_cast<double>(stop - start);
  EXPECT_NEAR(cancel.model_usage[0].busy_slot_ns, busy, 1e-6 * busy);

  // cancel_queued: a running attempt runs its 3 s to no one; one start every 3 s.
  const RunMetrics queued = run(OnDisconnect::kCancelQueued, nullptr);
  EXPECT_EQ(queued.overall.counts.ok, 0);
  EXPECT_EQ(queued.overall.counts.timed_out, 1200);
  EXPECT_NEAR(static_cast<double>(queued.model_usage[0].started), duration / 3, 2);
  EXPECT_EQ(queued.overall.counts.served_after_timeout, queued.model_usage[0].started);
}

TEST(ClientTimeout, CancelledAttemptsStartEveryTimeoutNotEveryServiceTime) {
  // One closed-loop worker that sends its next request as soon as its last one ends (a 1 ms round
  // trip), a timeout T = 1 s, a constant service S = 3 s. Cancelled, each request runs T and frees
  // the slot: duration / T starts. Left to run, the slot is held S, and the requests sent meanwhile
  // time out in the buffer: duration / S starts.
  const double duration = 300;
  auto run = [&](OnDisconnect on_disconnect) {
    Scenario scenario =
        testing::BareScenario(duration, 1, 1, testing::ConstantService(3.0),
                              testing::Policy("fifo", {{"max_depth", 1e9}, {"max_wait", 1e9}}));
    scenario.models[0].on_disconnect = on_disconnect;
    TrafficShape shape;
    shape.kind = TrafficShape::Kind::kClosedLoop;
    shape.workers = 1;
    shape.think_time = 0;
    TrafficSpec traffic = testing::Stream(shape);
    traffic.client = GiveUp(kSecond);
    scenario.orgs.push_back(testing::Org("org", {traffic}));
    return testing::RunScenario(scenario).metrics;
  };
  const RunMetrics cancel = run(OnDisconnect::kCancel);
  EXPECT_EQ(cancel.overall.counts.ok, 0);
  EXPECT_EQ(cancel.overall.counts.served_after_timeout, 0);
  EXPECT_EQ(cancel.overall.counts.timed_out, cancel.overall.counts.offered);
  // Each cycle is T plus the 1 ms round trip.
  EXPECT_EQ(cancel.model_usage[0].started, static_cast<int64_t>(std::ceil(duration / 1.001)));
  EXPECT_EQ(cancel.overall.counts.offered, cancel.model_usage[0].started);

  const RunMetrics held = run(OnDisconnect::kCancelQueued);
  EXPECT_EQ(held.overall.counts.ok, 0);
  EXPECT_NEAR(static_cast<double>(held.model_usage[0].started), duration / 3, 2);
  EXPECT_EQ(held.overall.counts.served_after_timeout, held.model_usage[0].started);
  EXPECT_GT(held.overall.counts.offered, 250);
}

// Forwards every attempt record to two observers.
class Tee : public AttemptObserver {
 public:
  Tee(AttemptObserver& a, AttemptObserver& b) : a_(a), b_(b) {}
  void OnAttemptEnd(const AttemptRecord& record, const KeyRegistry& names) override {
    a_.OnAttemptEnd(record, names);
    b_.OnAttemptEnd(record, names);
  }

 private:
  AttemptObserver& a_;
  AttemptObserver& b_;
};

std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t comma = row.find(',', start);
    cells.push_back(
        row.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return cells;
    start = comma + 1;
  }
}

TEST(ClientTimeout, AuditRowOfATimeout) {
  // One slot, constant 2 s service, timeout 0.5 s, a request every 10 s: each first attempt starts
  // at once and times out at 0.5 s; its retry 1 s later does too, and the next 2 s after that; the
  // third, the last, ends the request.
  Scenario scenario =
      testing::BareScenario(30, 1, 1, testing::ConstantService(2.0), testing::Policy("fifo"));
  TrafficSpec traffic = testing::Stream(testing::ConstantShape(0.1));
  traffic.client = Client(ClientSpec::OnFailure::kBackoff, 3, kSecond / 2, kSecond, 0.0);
  scenario.orgs.push_back(testing::Org("org", {traffic}));
  RecordingObserver observer;
  std::ostringstream csv;
  AuditCsvObserver audit("fifo", 0, csv);
  Tee tee(observer, audit);
  const RunResult result = testing::RunScenario(scenario, &tee);
  const OutcomeCounts& c = result.metrics.overall.counts;
  EXPECT_EQ(c.offered, 3);
  EXPECT_EQ(c.timed_out, 3);
  EXPECT_EQ(c.timeouts, 9);
  EXPECT_EQ(c.retries, 6);
  EXPECT_EQ(c.failed_attempts_total(), 0);
  ASSERT_EQ(observer.entries.size(), 9u);
  for (const RecordingObserver::Entry& e : observer.entries) {
    const AttemptRecord& r = e.record;
    SCOPED_TRACE("request " + std::to_string(r.request) + " attempt " + std::to_string(r.attempt));
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.final, r.attempt == 3);
    EXPECT_EQ(r.ended, r.arrival + kSecond / 2);
    EXPECT_EQ(r.started, r.arrival);
    // Sent 10 s apart; a retry 1 s, then 2 s, after the last timeout.
    const Nanos first = static_cast<Nanos>(r.request) * 10 * kSecond;
    const Nanos expected[] = {first, first + 1500 * kNanosPerMillisecond, first + 4 * kSecond};
    EXPECT_EQ(r.arrival, expected[r.attempt - 1]);
  }
  // The rows as audit.csv writes them.
  const std::vector<std::string> lines = testing::Lines(csv.str());
  ASSERT_EQ(lines.size(), 9u);
  const std::vector<std::string> header = Cells(std::string(kAuditCsvHeader));
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    const std::vector<std::string> cells = Cells(lines[i]);
    ASSERT_EQ(cells.size(), header.size());
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < header.size(); ++k) row[header[k]] = cells[k];
    const AttemptRecord& r = observer.entries[i].record;
    EXPECT_EQ(row["status"], "timeout");
    EXPECT_EQ(row["reason"], "client_timeout");
    EXPECT_EQ(row["error_type"], "");
    for (const char* h : {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                          "x-tokenlimit-limit", "x-tokenlimit-remaining"}) {
      EXPECT_EQ(row[h], "") << h;
    }
    EXPECT_EQ(row["final"], r.attempt == 3 ? "true" : "false");
    EXPECT_EQ(row["attempt"], std::to_string(r.attempt));
    EXPECT_EQ(row["arrival_s"], SecondsWithNanos(r.arrival));
    EXPECT_EQ(row["ended_s"], SecondsWithNanos(r.arrival + kSecond / 2));
    EXPECT_EQ(row["started_s"], SecondsWithNanos(r.arrival));
    EXPECT_EQ(row["input_tokens"], "100");
  }
  EXPECT_EQ(lines[0],
            "fifo,0,0,1,false,org,m,0.000000000,within,served_now,0.000000000,"
            "0.500000000,timeout,,client_timeout,100,100,,,,,,0");
}

TEST(ClientTimeout, HonorResetWaitsForTheResetAfterA429AndBacksOffAfterA503) {
  // One slot with a constant 3 s service; a fixed 60 RPM. Bursts of 3 requests 10 ms apart every
  // 10 s: the first takes the slot, the second and third are over the request rate and busy: 429,
  // told to come back at the reset. A steady org sends a request every 2 s, within its own rate,
  // and finds the slot busy half the time: 503, which says nothing of when to come back, so the
  // client backs off (3 s, no jitter) whatever the header's reset.
  Scenario scenario =
      testing::BareScenario(200, 1, 1, testing::ConstantService(3.0), testing::Policy("none"));
  scenario.limits = testing::FixedLimits(60, 1e12);
  TrafficShape bursts;
  bursts.kind = TrafficShape::Kind::kBursts;
  bursts.burst_count = 3;
  bursts.burst_window = kSecond / 100;
  bursts.burst_period = 10 * kSecond;
  TrafficSpec bursty = testing::Stream(bursts);
  bursty.client = Client(ClientSpec::OnFailure::kHonorReset, 2, kNever, 3 * kSecond, 0.0);
  TrafficSpec steady = testing::Stream(testing::ConstantShape(0.5));
  steady.client = Client(ClientSpec::OnFailure::kHonorReset, 2, kNever, 3 * kSecond, 0.0);
  scenario.orgs.push_back(testing::Org("bursty", {bursty}));
  scenario.orgs.push_back(testing::Org("steady", {steady}));
  RecordingObserver observer;
  testing::RunScenario(scenario, &observer);
  std::map<std::pair<std::string, uint64_t>, std::vector<AttemptRecord>> attempts;
  for (const RecordingObserver::Entry& e : observer.entries) {
    attempts[{e.org, e.record.request}].push_back(e.record);
  }
  int after_429 = 0, after_503 = 0, after_503_with_reset = 0;
  for (auto& [key, rows] : attempts) {
    std::sort(rows.begin(), rows.end(),
              [](const AttemptRecord& a, const AttemptRecord& b) { return a.attempt < b.attempt; });
    for (size_t i = 0; i + 1 < rows.size(); ++i) {
      const AttemptRecord& failed = rows[i];
      const Nanos gap = rows[i + 1].arrival - failed.ended;
      SCOPED_TRACE(key.first + " request " + std::to_string(key.second));
      ASSERT_FALSE(failed.final);
      if (failed.status == HttpStatus::kTooManyRequests) {
        ++after_429;
        ASSERT_GT(failed.headers.reset_s, 0.0);
        EXPECT_GE(gap, FromSeconds(failed.headers.reset_s));
        EXPECT_LE(gap, FromSeconds(failed.headers.reset_s) + kNanosPerMillisecond);
      } else {
        ASSERT_EQ(failed.status, HttpStatus::kServiceUnavailable);
        ++after_503;
        EXPECT_EQ(gap, 3 * kSecond) << "reset " << failed.headers.reset_s;
        if (failed.headers.reset_s > 0) ++after_503_with_reset;
      }
    }
  }
  EXPECT_GT(after_429, 10);
  EXPECT_GT(after_503, 10);
  EXPECT_GT(after_503_with_reset, 0) << "a 503 whose header named a reset, not followed";
}

TEST(ClientTimeout, SameScenarioWithTimeoutsAndRetriesGivesIdenticalResults) {
  for (OnDisconnect on_disconnect : kEveryDisconnect) {
    SCOPED_TRACE(Name(on_disconnect));
    const Scenario scenario = MixedScenario("fifo", on_disconnect, true, true);
    RecordingObserver a_log, b_log;
    const RunResult a = testing::RunScenario(scenario, &a_log);
    const RunResult b = testing::RunScenario(scenario, &b_log);
    ASSERT_GT(a.metrics.overall.counts.timeouts, 0);
    ExpectSameMetrics(a.metrics, b.metrics);
    ASSERT_EQ(a_log.entries.size(), b_log.entries.size());
    for (size_t i = 0; i < a_log.entries.size(); ++i) {
      const AttemptRecord& x = a_log.entries[i].record;
      const AttemptRecord& y = b_log.entries[i].record;
      EXPECT_EQ(std::tie(x.request, x.attempt, x.arrival, x.started, x.ended, x.timed_out, x.final),
                std::tie(y.request, y.attempt, y.arrival, y.started, y.ended, y.timed_out, y.final))
          << "row " << i;
    }
    Scenario other = scenario;
    other.run.seed += 1;
    EXPECT_NE(testing::RunScenario(other).metrics.overall.counts.timeouts,
              a.metrics.overall.counts.timeouts)
        << "another seed should give other timeouts";
  }
}

TEST(ClientTimeout, TheTimeSeriesCountsTimedOutRequestsKeyByKey) {
  const RunResult run = testing::RunScenario(MixedScenario("fifo", OnDisconnect::kCancel, false, true));
  ASSERT_GT(run.metrics.overall.counts.timed_out, 0);
  std::vector<double> per_org(run.metrics.per_org.size(), 0.0);
  for (const SeriesPoint& point : run.metrics.series) {
    if (point.metric == SeriesMetric::kTimedOut) per_org.at(point.org) += point.value;
  }
  for (size_t org = 0; org < per_org.size(); ++org) {
    EXPECT_EQ(per_org[org], static_cast<double>(run.metrics.per_org[org].counts.timed_out)) << org;
  }
  // A run whose clients never time out has no such series.
  const RunResult patient = testing::RunScenario(WithoutTimeouts(MixedScenario("fifo", OnDisconnect::kCancel, false, true)));
  for (const SeriesPoint& point : patient.metrics.series) {
    ASSERT_NE(point.metric, SeriesMetric::kTimedOut);
  }
}

TEST(ClientTimeout, SummaryJsonAndTablesReportTimeouts) {
  const Scenario scenario = MixedScenario("fifo", OnDisconnect::kCancelQueued, true, true);
  const RunResult run = testing::RunScenario(scenario);
  const OutcomeCounts& c = run.metrics.overall.counts;
  ASSERT_GT(c.timed_out, 0);
  ASSERT_GT(c.served_after_timeout, 0);
  const std::optional<testing::Json> summary = testing::ParseJson(SummaryJson({run}));
  ASSERT_TRUE(summary.has_value());
  const testing::Json& overall = (*summary)["policies"]["fifo"]["overall"];
  EXPECT_EQ(overall["timed_out"].number, static_cast<double>(c.timed_out));
  EXPECT_EQ(overall["timeouts"].number, static_cast<double>(c.timeouts));
  EXPECT_EQ(overall["served_after_timeout"].number, static_cast<double>(c.served_after_timeout));
  EXPECT_EQ(overall["offered"].number, overall["ok"].number + overall["r429"].number +
                                           overall["r503"].number + overall["timed_out"].number +
                                           overall["in_flight"].number);
  for (size_t org = 0; org < run.org_names.size(); ++org) {
    const testing::Json& slice = (*summary)["policies"]["fifo"]["per_org"][run.org_names[org]];
    EXPECT_EQ(slice["timed_out"].number,
              static_cast<double>(run.metrics.per_org[org].counts.timed_out))
        << run.org_names[org];
  }
  const std::string table = ComparisonTable({run});
  EXPECT_NE(table.find("timed out"), std::string::npos) << table;
  EXPECT_NE(table.find("wasted"), std::string::npos) << table;
  // Without timeouts, neither column.
  const std::string plain = ComparisonTable({testing::RunScenario(WithoutTimeouts(scenario))});
  EXPECT_EQ(plain.find("timed out"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("wasted"), std::string::npos) << plain;
}

}  // namespace
}  // namespace ratesim
