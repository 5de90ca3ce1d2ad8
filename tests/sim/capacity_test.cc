// Live capacity: the CapacityController's decisions on their own (fed utilisation the test controls),
// then a scheduled outage, an autoscaler following load, and queueing theory after a scale-up, all
// through Simulate.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/simulate/capacity_controller.h"
#include "sim/simulate/simulation.h"
#include "tests/support/queueing_theory.h"
#include "tests/support/scenario_builder_more.h"

namespace ratesim {
namespace {

using testing::ConstantService;
using testing::Policy;
using testing::RecordingObserver;

constexpr Nanos kSecond = kNanosPerSecond;
constexpr int64_t kConcurrency = 4;

ModelSpec AutoscaledModel(int64_t replicas, int64_t min_replicas, int64_t max_replicas,
                          double target) {
  ModelSpec model = testing::Model("m", replicas, kConcurrency, ConstantService(1.0));
  AutoscalerSpec& a = model.autoscaler;
  a.enabled = true;
  a.target_utilisation = target;
  a.interval = 30 * kSecond;
  a.window = 120 * kSecond;
  a.provisioning_delay = 60 * kSecond;
  a.min_replicas = min_replicas;
  a.max_replicas = max_replicas;
  a.scale_down_cooldown = 300 * kSecond;
  return model;
}

// Drives a controller the way the simulation does, with the utilisation of each interval chosen by
// the test: keeps the cumulative busy and available slot time, on the controller's live replicas.
class Feed {
 public:
  explicit Feed(CapacityController& controller) : controller_(controller) {}

  // The slots ran at `utilisation` from the last evaluation to `now`; evaluates at `now`.
  CapacityController::Decision Evaluate(Nanos now, double utilisation) {
    const double slots = static_cast<double>(controller_.replicas() * kConcurrency);
    const double span = static_cast<double>(now - last_);
    slot_ns_ += span * slots;
    busy_ns_ += span * slots * utilisation;
    last_ = now;
    return controller_.Evaluate(now, busy_ns_, slot_ns_);
  }

 private:
  CapacityController& controller_;
  Nanos last_ = 0;
  double busy_ns_ = 0.0;
  double slot_ns_ = 0.0;
};

// ceil(replicas × utilisation / target), as AutoscalerSpec states it.
int64_t Wanted(int64_t replicas, double utilisation, double target) {
  return static_cast<int64_t>(std::ceil(static_cast<double>(replicas) * utilisation / target));
}

TEST(CapacityController, ScalesUpAfterAFullWindowAtHighUtilisation) {
  const ModelSpec model = AutoscaledModel(2, 1, 10, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  // A window is 120 s; evaluations every 30 s. At 90 s only 90 s of history exist: no decision,
  // however busy.
  for (Nanos t = 30 * kSecond; t < 120 * kSecond; t += 30 * kSecond) {
    const CapacityController::Decision d = feed.Evaluate(t, 0.9);
    EXPECT_EQ(d.order, 0) << "at " << ToSeconds(t);
    EXPECT_EQ(d.remove, 0);
  }
  EXPECT_EQ(controller.pending(), 0);
  // At 120 s the window [0, 120] is complete (the cumulative times start at 0 at time 0).
  const CapacityController::Decision d = feed.Evaluate(120 * kSecond, 0.9);
  EXPECT_NEAR(controller.last_utilisation(), 0.9, 1e-12);
  const int64_t expected = Wanted(2, 0.9, 0.5) - 2;  // ceil(3.6) − 2 = 2
  EXPECT_EQ(d.order, expected);
  EXPECT_EQ(controller.pending(), expected);
  EXPECT_EQ(controller.replicas(), 2);
}

TEST(CapacityController, ScalesUpAfterAFullWindowWhenFedAnOriginSample) {
  // The same with an evaluation at time 0 given to the controller explicitly.
  const ModelSpec model = AutoscaledModel(2, 1, 10, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  EXPECT_EQ(feed.Evaluate(0, 0.0).order, 0);
  for (Nanos t = 30 * kSecond; t < 120 * kSecond; t += 30 * kSecond) {
    EXPECT_EQ(feed.Evaluate(t, 0.9).order, 0) << "at " << ToSeconds(t);
  }
  EXPECT_EQ(feed.Evaluate(120 * kSecond, 0.9).order, Wanted(2, 0.9, 0.5) - 2);
}

TEST(CapacityController, OrdersOnlyWhatIsNotAlreadyPlanned) {
  const ModelSpec model = AutoscaledModel(2, 1, 20, 0.3);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  for (Nanos t = 30 * kSecond; t < 120 * kSecond; t += 30 * kSecond) feed.Evaluate(t, 0.55);
  const CapacityController::Decision first = feed.Evaluate(120 * kSecond, 0.55);
  const int64_t first_wanted = Wanted(2, 0.55, 0.3);  // ceil(3.67) = 4
  EXPECT_EQ(first.order, first_wanted - 2);
  // Still 0.55 over the window: the replicas on their way already cover it.
  EXPECT_EQ(feed.Evaluate(150 * kSecond, 0.55).order, 0);
  // Busier: four intervals at 0.85 fill the window; the order is what the plan lacks.
  CapacityController::Decision d;
  int64_t ordered = 0;
  for (Nanos t = 180 * kSecond; t <= 270 * kSecond; t += 30 * kSecond) {
    d = feed.Evaluate(t, 0.85);
    ordered += d.order;
  }
  EXPECT_NEAR(controller.last_utilisation(), 0.85, 1e-12);
  EXPECT_EQ(controller.replicas() + controller.pending(), Wanted(2, 0.85, 0.3));  // ceil(5.67) = 6
  EXPECT_EQ(ordered, Wanted(2, 0.85, 0.3) - first_wanted);
  EXPECT_EQ(controller.replicas(), 2);  // nothing arrived: Ready was never called
}

TEST(CapacityController, ClampsToMaxReplicas) {
  const ModelSpec model = AutoscaledModel(2, 1, 5, 0.2);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  CapacityController::Decision d;
  for (Nanos t = 30 * kSecond; t <= 120 * kSecond; t += 30 * kSecond) d = feed.Evaluate(t, 0.95);
  ASSERT_GT(Wanted(2, 0.95, 0.2), 5);  // ceil(9.5) = 10, beyond max
  EXPECT_EQ(d.order, 5 - 2);
  EXPECT_EQ(controller.pending(), 3);
  EXPECT_TRUE(controller.Ready(3, controller.generation(), 180 * kSecond));
  EXPECT_EQ(controller.replicas(), 5);
  EXPECT_EQ(controller.pending(), 0);
  // At the maximum, more load orders nothing more.
  for (Nanos t = 210 * kSecond; t <= 400 * kSecond; t += 30 * kSecond) {
    EXPECT_EQ(feed.Evaluate(t, 1.0).order, 0);
  }
  EXPECT_EQ(controller.replicas(), 5);
}

TEST(CapacityController, ClampsToMinReplicasWhenScalingDown) {
  const ModelSpec model = AutoscaledModel(4, 2, 10, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  int64_t removed = 0;
  for (Nanos t = 30 * kSecond; t <= 900 * kSecond; t += 30 * kSecond) {
    removed += feed.Evaluate(t, 0.01).remove;
  }
  ASSERT_LT(Wanted(4, 0.01, 0.5), 2);
  EXPECT_EQ(removed, 2);
  EXPECT_EQ(controller.replicas(), 2);
}

TEST(CapacityController, NoScaleDownBeforeTheCooldown) {
  const ModelSpec model = AutoscaledModel(4, 1, 10, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  // Idle from the start: a full window at 120 s, yet the run's start counts as the last change and
  // the cooldown is 300 s.
  for (Nanos t = 30 * kSecond; t < 300 * kSecond; t += 30 * kSecond) {
    EXPECT_EQ(feed.Evaluate(t, 0.1).remove, 0) << "at " << ToSeconds(t);
  }
  const CapacityController::Decision d = feed.Evaluate(300 * kSecond, 0.1);
  EXPECT_EQ(d.remove, 4 - Wanted(4, 0.1, 0.5));  // down to ceil(0.8) = 1
  EXPECT_EQ(controller.replicas(), 1);
}

TEST(CapacityController, ScaleDownWaitsACooldownAfterReplicasArrive) {
  // max_replicas 4 keeps the scale-up to one order, so only the cooldown is under test.
  const ModelSpec model = AutoscaledModel(2, 1, 4, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  Nanos ready_at = kNever;
  int64_t ordered = 0;
  for (Nanos t = 30 * kSecond; t <= 180 * kSecond; t += 30 * kSecond) {
    // As in the simulation, replicas ready at an evaluation instant arrive before it.
    if (t == ready_at) {
      EXPECT_TRUE(controller.Ready(ordered, controller.generation(), t));
    }
    const CapacityController::Decision d = feed.Evaluate(t, t <= 120 * kSecond ? 0.9 : 0.02);
    if (d.order > 0) {
      ASSERT_EQ(t, 120 * kSecond);
      ordered = d.order;
      ready_at = t + model.autoscaler.provisioning_delay;
    }
  }
  ASSERT_EQ(ready_at, 180 * kSecond);
  ASSERT_EQ(controller.replicas(), 4);
  // Almost idle from 180 s on: the windows want 1 replica from 330 s on, but the last change (the
  // replicas' arrival) was at 180 s.
  Nanos first_removal = kNever;
  for (Nanos t = 210 * kSecond; t <= 900 * kSecond; t += 30 * kSecond) {
    const CapacityController::Decision d = feed.Evaluate(t, 0.02);
    EXPECT_EQ(d.order, 0) << "at " << ToSeconds(t);
    if (d.remove > 0 && first_removal == kNever) first_removal = t;
  }
  EXPECT_EQ(first_removal, 480 * kSecond);  // 180 s + 300 s, an evaluation instant
  EXPECT_EQ(controller.replicas(), 1);
}

TEST(CapacityController, AScheduledChangeRestartsTheCooldown) {
  const ModelSpec model = AutoscaledModel(4, 1, 10, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  Nanos first_removal = kNever;
  for (Nanos t = 30 * kSecond; t <= 900 * kSecond; t += 30 * kSecond) {
    if (t == 210 * kSecond) controller.Set(4, 200 * kSecond);
    if (feed.Evaluate(t, 0.1).remove > 0 && first_removal == kNever) first_removal = t;
  }
  // Without the change the first removal would be at 300 s; with it, at the first evaluation at
  // least 300 s after 200 s.
  EXPECT_EQ(first_removal, 510 * kSecond);
}

TEST(CapacityController, NoScaleDownWhileReplicasArePending) {
  const ModelSpec model = AutoscaledModel(3, 1, 10, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  for (Nanos t = 30 * kSecond; t <= 300 * kSecond; t += 30 * kSecond) feed.Evaluate(t, 0.95);
  ASSERT_GT(controller.pending(), 0);
  // The load disappears but the ordered replicas never arrive (Ready not called): no removal.
  for (Nanos t = 330 * kSecond; t <= 1200 * kSecond; t += 30 * kSecond) {
    EXPECT_EQ(feed.Evaluate(t, 0.0).remove, 0) << "at " << ToSeconds(t);
  }
  EXPECT_EQ(controller.replicas(), 3);
}

TEST(CapacityController, SetCancelsProvisioningInProgress) {
  const ModelSpec model = AutoscaledModel(2, 1, 10, 0.5);
  CapacityController controller(model);
  Feed feed(controller);
  feed.Evaluate(0, 0.0);
  CapacityController::Decision d;
  for (Nanos t = 30 * kSecond; t <= 120 * kSecond; t += 30 * kSecond) d = feed.Evaluate(t, 0.9);
  ASSERT_GT(d.order, 0);
  const uint64_t ordered_at = controller.generation();
  controller.Set(3, 150 * kSecond);
  EXPECT_EQ(controller.replicas(), 3);
  EXPECT_EQ(controller.pending(), 0);
  EXPECT_NE(controller.generation(), ordered_at);
  EXPECT_FALSE(controller.Ready(d.order, ordered_at, 180 * kSecond));
  EXPECT_EQ(controller.replicas(), 3);
  EXPECT_EQ(controller.pending(), 0);
  // Orders placed after the change arrive. Once a whole window has run at 0.9 on the 3 replicas,
  // the plan is ceil(3 × 0.9 / 0.5) = 6 replicas.
  int64_t ordered = 0;
  for (Nanos t = 180 * kSecond; t <= 300 * kSecond; t += 30 * kSecond) {
    ordered += feed.Evaluate(t, 0.9).order;
  }
  ASSERT_EQ(controller.replicas() + controller.pending(), Wanted(3, 0.9, 0.5));
  ASSERT_EQ(ordered, Wanted(3, 0.9, 0.5) - 3);
  EXPECT_TRUE(controller.Ready(ordered, controller.generation(), 400 * kSecond));
  EXPECT_EQ(controller.replicas(), 6);
  EXPECT_EQ(controller.pending(), 0);
}

// --- Through Simulate --------------------------------------------------------------------------

// A change of a per-model level in its series: `time` is the last sample before it, which a
// sample at t takes before the events at t, so for a change at an instant that is a sample time,
// that instant (the sample after it, at t + resolution, shows the new value).
struct Change {
  Nanos time;
  double from;
  double to;
};
std::vector<Change> Changes(const std::vector<std::pair<Nanos, double>>& series) {
  std::vector<Change> changes;
  for (size_t i = 1; i < series.size(); ++i) {
    if (series[i].second != series[i - 1].second) {
      changes.push_back({series[i - 1].first, series[i - 1].second, series[i].second});
    }
  }
  return changes;
}

TEST(Capacity, ScheduledOutageFailsWithinRateRequestsAs503AndServiceResumes) {
  // 8 slots, 1 s service, 2 requests/s: never short of capacity except during the outage
  // [100 s, 200 s). A FIFO buffer holds a request 10 s at most, far shorter than the outage.
  Scenario scenario = testing::BareScenario(
      400, 1, 8, ConstantService(1.0), Policy("fifo", {{"max_depth", 1e6}, {"max_wait", 10}}));
  scenario.run.resolution = 10 * kSecond;
  scenario.models[0].schedule = {CapacityChange{100 * kSecond, 0, {}},
                                 CapacityChange{200 * kSecond, 1, {}}};
  TrafficShape shape = testing::ConstantShape(2);
  shape.start = kSecond / 4;  // arrivals at 0.25 + k/2 s: none on an instant of the schedule
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(shape)}));
  RecordingObserver observer;
  const RunResult result = testing::RunScenario(scenario, &observer);
  const OutcomeCounts& counts = result.metrics.overall.counts;

  // Arrivals in [100, 190) cannot be served before their deadline (arrival + 10 s < 200 s): 180 of
  // them. Those in [190, 200) are still waiting at 200 s and are served then.
  EXPECT_EQ(counts.offered, 800);
  EXPECT_EQ(counts.r503, 180);
  EXPECT_EQ(counts.r429(), 0);
  EXPECT_EQ(counts.ok, 800 - 180);
  for (const RecordingObserver::Entry& e : observer.entries) {
    const AttemptRecord& r = e.record;
    if (r.status == HttpStatus::kServiceUnavailable) {
      EXPECT_GE(r.arrival, 100 * kSecond);
      EXPECT_LT(r.arrival, 190 * kSecond);
      EXPECT_EQ(r.ended, r.arrival + 10 * kSecond);
      EXPECT_EQ(r.reason, FailReason::kExpired);
      EXPECT_EQ(r.rate_class, RateClass::kWithin);
    } else {
      EXPECT_EQ(r.status, HttpStatus::kOk);
      if (r.arrival >= 100 * kSecond && r.arrival < 200 * kSecond) {
        EXPECT_GE(r.arrival, 190 * kSecond);
        EXPECT_GE(r.started, 200 * kSecond);
      } else if (r.arrival > 200 * kSecond + 20 * kSecond) {
        EXPECT_EQ(r.started, r.arrival);  // service resumed: no wait once the backlog is gone
      }
    }
  }
  // The slots series shows the drop and the recovery.
  for (const auto& [time, slots] : testing::ModelSeries(result.metrics, SeriesMetric::kSlots)) {
    if (time < 100 * kSecond || time > 200 * kSecond) {
      EXPECT_EQ(slots, 8) << "at " << ToSeconds(time);
    } else if (time > 100 * kSecond && time < 200 * kSecond) {
      EXPECT_EQ(slots, 0) << "at " << ToSeconds(time);
    }
  }
}

// One model of 4-slot replicas with 1 s constant service, `rate` evenly spaced requests/s, an
// autoscaler with target 0.55, and a FIFO buffer that lets an overloaded model shed its excess.
Scenario AutoscaledScenario(double duration_s, int64_t replicas, TrafficShape shape) {
  Scenario scenario = testing::BareScenario(
      duration_s, replicas, kConcurrency, ConstantService(1.0),
      Policy("fifo", {{"max_depth", 1e6}, {"max_wait", 5}}));
  scenario.run.resolution = kSecond;
  scenario.models[0] = AutoscaledModel(replicas, 1, 10, 0.55);
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(shape)}));
  return scenario;
}

TEST(Capacity, AutoscalerAddsReplicasAfterTheProvisioningDelay) {
  // 6 requests/s of 1 s each keep 6 slots busy; one replica has 4. The autoscaler can order only at
  // an evaluation (every 30 s) once a whole window (120 s) has been seen, and the replicas arrive
  // 60 s later: the first new slots appear at 120 + 30k + 60 s for some k >= 0, never sooner.
  const Scenario scenario = AutoscaledScenario(1500, 1, testing::ConstantShape(6));
  const RunResult result = testing::RunScenario(scenario);
  const std::vector<Change> changes =
      Changes(testing::ModelSeries(result.metrics, SeriesMetric::kSlots));
  ASSERT_FALSE(changes.empty());
  const Change& first = changes.front();
  EXPECT_EQ(first.from, 4);
  EXPECT_GT(first.to, 4);
  const Nanos ordered_at = first.time - 60 * kSecond;  // sampled each second: the exact instant
  EXPECT_GE(ordered_at, 120 * kSecond);
  EXPECT_EQ(ordered_at % (30 * kSecond), 0) << "first new slots at " << ToSeconds(first.time);
}

TEST(Capacity, AutoscalerSettlesWhereUtilisationMeetsTheTarget) {
  // Steady demand of 6 busy slots. The fewest 4-slot replicas that keep utilisation at or below
  // 0.55 are ceil(6 / (4 × 0.55)) = 3, at utilisation 6 / 12 = 0.5. The autoscaler should end there.
  const Scenario scenario = AutoscaledScenario(1500, 1, testing::ConstantShape(6));
  const RunResult result = testing::RunScenario(scenario);
  const auto slots = testing::ModelSeries(result.metrics, SeriesMetric::kSlots);
  const auto utilisation = testing::ModelSeries(result.metrics, SeriesMetric::kUtilisation);
  const int64_t needed = static_cast<int64_t>(std::ceil(6.0 / (kConcurrency * 0.55)));
  ASSERT_EQ(needed, 3);
  EXPECT_EQ(slots.back().second, needed * kConcurrency);
  // Over the last 100 s: utilisation 0.5, below the target.
  double busy_share = 0.0;
  int n = 0;
  for (const auto& [time, value] : utilisation) {
    if (time > 1390 * kSecond && time <= 1490 * kSecond) {
      busy_share += value;
      ++n;
    }
  }
  ASSERT_GT(n, 50);
  EXPECT_NEAR(busy_share / n, 6.0 / (needed * kConcurrency), 0.01);
}

TEST(Capacity, AutoscalerDoesNotOvershootASteadyLoad) {
  // The same steady demand needs 3 replicas and never more: a decision taken right after replicas
  // arrived must not treat the utilisation measured on fewer replicas as if the new ones had been
  // just as busy (that reads one replica's saturation as twice the load once two are up).
  const Scenario scenario = AutoscaledScenario(1500, 1, testing::ConstantShape(6));
  const RunResult result = testing::RunScenario(scenario);
  double most = 0.0;
  for (const auto& [time, value] : testing::ModelSeries(result.metrics, SeriesMetric::kSlots)) {
    most = std::max(most, value);
  }
  EXPECT_LE(most, 3 * kConcurrency) << "the autoscaler provisioned " << most / kConcurrency
                                    << " replicas for a load that needs 3";
}

TEST(Capacity, AutoscalerScalesDownOnlyAfterTheCooldown) {
  // Three replicas carry 6 requests/s (utilisation 0.5, below the 0.55 target: stable). A scheduled
  // change to 4 replicas at 280 s restarts the 300 s cooldown; at 300 s the load drops to 0.5/s.
  // The windows soon show almost no load, but no replica may go before 580 s; the first evaluation
  // from then on is at 600 s, and with ~0.5 busy slots of 16 it wants max(1, ceil(4 × 0.03 / 0.55))
  // = 1 replica.
  Scenario scenario = AutoscaledScenario(1200, 3, [] {
    TrafficShape shape;
    shape.kind = TrafficShape::Kind::kStep;
    shape.rate_per_s = 6;
    shape.step_at = 300 * kSecond;
    shape.step_to_per_s = 0.5;
    return shape;
  }());
  scenario.models[0].schedule = {CapacityChange{280 * kSecond, 4, {}}};
  const RunResult result = testing::RunScenario(scenario);
  const std::vector<Change> changes =
      Changes(testing::ModelSeries(result.metrics, SeriesMetric::kSlots));
  ASSERT_GE(changes.size(), 2u);
  EXPECT_EQ(changes[0].time, 280 * kSecond);
  EXPECT_EQ(changes[0].to, 16);
  for (size_t i = 1; i < changes.size(); ++i) EXPECT_LT(changes[i].to, changes[i].from);
  EXPECT_GE(changes[1].time, 580 * kSecond);
  EXPECT_EQ(changes[1].time, 600 * kSecond);
  EXPECT_EQ(changes[1].to, 4);
  EXPECT_EQ(changes.size(), 2u);
  EXPECT_EQ(result.metrics.overall.counts.r503, 0);
}

TEST(Capacity, UtilisationStaysAShareWhileRemovedReplicasFinishTheirRequests) {
  // 8 slots, requests of 60 s at 1/s. At 10 s the one replica goes away; the 8 requests it runs
  // finish on it, until 60-68 s, with no live slot. Busy slot-time over live slot-time would be
  // far above 1 there (a model at 600%); the slots finishing work count as live while they do.
  Scenario scenario = testing::BareScenario(30, 1, 8, ConstantService(60.0), Policy("none"));
  scenario.models[0].schedule = {CapacityChange{10 * kSecond, 0, {}},
                                 CapacityChange{200 * kSecond, 1, {}}};
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(testing::ConstantShape(1))}));
  const RunResult result = testing::RunScenario(scenario);
  ASSERT_EQ(result.metrics.overall.counts.ok, 8);
  const double utilisation = result.metrics.model_usage[0].utilisation();
  EXPECT_GT(utilisation, 0.5);
  EXPECT_LE(utilisation, 1.0);
  int draining = 0;
  for (const auto& [time, value] :
       testing::ModelSeries(result.metrics, SeriesMetric::kUtilisation)) {
    EXPECT_LE(value, 1.0) << ToSeconds(time) << " s";
    if (time > 10 * kSecond && time <= 60 * kSecond) {
      EXPECT_DOUBLE_EQ(value, 1.0) << ToSeconds(time) << " s: every slot there is, busy";
      ++draining;
    }
  }
  EXPECT_GT(draining, 0);
}

TEST(Capacity, AfterAScaleUpTheQueueIsMMcWithTheNewC) {
  // 3 requests/s, exponential service of mean 1 s. Two slots cannot keep up; at 200 s the model
  // goes to 5 replicas of 1 slot. The backlog drains within a few hundred seconds; from 1000 s on,
  // the mean wait in queue is M/M/5's: C(5, 3) / (5 − 3).
  Scenario scenario = testing::BareScenario(
      10000, 2, 1, testing::ExponentialService(1.0),
      Policy("fifo", {{"max_depth", 1e9}, {"max_wait", 1e9}}));
  scenario.models[0].schedule = {CapacityChange{200 * kSecond, 5, {}}};
  scenario.orgs.push_back(testing::Org("org", {testing::Stream(testing::PoissonShape(3))}));
  std::vector<double> means;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    scenario.run.seed = seed;
    RecordingObserver observer;
    const RunResult result = testing::RunScenario(scenario, &observer);
    EXPECT_EQ(result.metrics.model_usage[0].slots, 5);
    double total = 0.0;
    int64_t n = 0;
    for (const RecordingObserver::Entry& e : observer.entries) {
      if (e.record.arrival < 1000 * kSecond || e.record.status != HttpStatus::kOk) continue;
      total += ToSeconds(e.record.started - e.record.arrival);
      ++n;
    }
    ASSERT_GT(n, 20000);
    means.push_back(total / static_cast<double>(n));
  }
  const testing::Estimate wait = testing::MeanAndStandardError(means);
  const double theory = testing::MmcMeanWait(5, 3.0, 1.0);
  EXPECT_NEAR(wait.mean, theory, 4 * wait.standard_error) << "standard error " << wait.standard_error;
  EXPECT_NEAR(wait.mean, theory, 0.1 * theory);
}

}  // namespace
}  // namespace ratesim
