// The engine keeps every key's rates within its formula's bounds at every instant, not only after
// the key's next update: formulas that move the rate on a success or a failure (aimd, gradient)
// cannot carry it past the ceiling of the live capacity for a moment.
#include <memory>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/limit_formula.h"
#include "engine/time.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

TEST(EngineBounds, SuccessesAtOneInstantCannotLiftAnAimdRatePastTheCeiling) {
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
  ASSERT_TRUE(policy.ok());
  // 10 requests/s of capacity, half of it per key at most: the ceiling is 5 requests/s.
  const ModelId model = engine.AddModel("m", 1000, ModelCapacity{10, 1e9}, std::move(*policy));
  absl::StatusOr<std::unique_ptr<LimitFormula>> aimd =
      MakeFormula("aimd", {{"increase_rpm", 6000}, {"capacity_share", 0.5}});
  ASSERT_TRUE(aimd.ok());
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(std::move(*aimd)), 0);
  // Every request within rate completes at the same instant; each success adds 100 / rate.
  const Nanos now = FromSeconds(1);
  Effects effects;
  for (uint64_t i = 0; i < 20; ++i) {
    effects.Clear();
    engine.Arrive(key, i, 10, now, &effects);
    for (const Ticket& ticket : effects.started) engine.Complete(ticket, 10, now, &effects);
  }
  EXPECT_DOUBLE_EQ(engine.RateAt(key, now).request_rate, 5.0);
  EXPECT_DOUBLE_EQ(engine.Headers(key, now, 0).limit_rpm, 300.0);
}

TEST(EngineBounds, ATotalOutageLeavesTheFormulasTheCapacityTheModelHad) {
  // capacity_share gives a lone key the ceiling, half the model: 5 requests/s of 10. With no replica
  // up the ceiling neither collapses to the floor (blaming the org for the outage) nor lifts to
  // the absolute cap (advertising 10^9 RPM); a partial outage scales it.
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
  ASSERT_TRUE(policy.ok());
  const ModelId model = engine.AddModel("m", 8, ModelCapacity{10, 1e6}, std::move(*policy));
  absl::StatusOr<std::unique_ptr<LimitFormula>> share = MakeFormula("capacity_share", {});
  ASSERT_TRUE(share.ok());
  const KeyId key = engine.AddKey("org", model, engine.AddFormula(std::move(*share)), 0);
  Effects effects;
  engine.Arrive(key, 0, 10, FromSeconds(1), &effects);
  EXPECT_DOUBLE_EQ(engine.RateAt(key, FromSeconds(2)).request_rate, 5.0);
  engine.SetCapacity(model, 0, ModelCapacity{0, 0}, FromSeconds(3), &effects);
  engine.Arrive(key, 1, 10, FromSeconds(4), &effects);
  EXPECT_DOUBLE_EQ(engine.RateAt(key, FromSeconds(5)).request_rate, 5.0);
  EXPECT_DOUBLE_EQ(engine.Headers(key, FromSeconds(5), 0).limit_rpm, 300.0);
  engine.SetCapacity(model, 2, ModelCapacity{4, 1e6}, FromSeconds(6), &effects);
  EXPECT_DOUBLE_EQ(engine.RateAt(key, FromSeconds(8)).request_rate, 2.0);
}

// Notes the utilisation each update shows it; its rates never move.
class UtilisationProbe : public LimitFormula {
 public:
  explicit UtilisationProbe(double* seen) : seen_(seen) {}
  RateBounds Bounds(const ModelCapacity&) const override { return {1, 1, 1e6, 1e6}; }
  RateState Initial(const ModelCapacity&) const override { return {1, 1e6, 0, 0}; }
  void Advance(RateState&, absl::Span<double>, const Update& update) const override {
    *seen_ = update.model.utilisation;
  }
  void RecordSuccess(RateState&, absl::Span<double>, const Completion&) const override {}

 private:
  double* seen_;
};

TEST(EngineBounds, UtilisationStaysAShareWhenReplicasGoWithWorkRunning) {
  // Two slots, both busy. A replica taken away lets its request finish, so there are more busy
  // slots than live ones for a while: the model is full, not 200% used. With none live it is full
  // too, whether or not work is still running: nothing is spare, which a formula growing rates on
  // idle capacity must not read as idle.
  Engine engine;
  absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
  ASSERT_TRUE(policy.ok());
  const ModelId model = engine.AddModel("m", 2, ModelCapacity{10, 1e6}, std::move(*policy));
  double seen = -1;
  const KeyId key =
      engine.AddKey("org", model, engine.AddFormula(std::make_unique<UtilisationProbe>(&seen)), 0);
  auto utilisation_at = [&](double s) {
    seen = -1;
    engine.Headers(key, FromSeconds(s), 0);
    return seen;
  };
  Effects effects;
  engine.Arrive(key, 0, 10, FromSeconds(1), &effects);
  EXPECT_DOUBLE_EQ(utilisation_at(2), 0.5);
  engine.Arrive(key, 1, 10, FromSeconds(2), &effects);
  ASSERT_EQ(effects.started.size(), 2u);
  EXPECT_DOUBLE_EQ(utilisation_at(3), 1.0);
  engine.SetCapacity(model, 1, ModelCapacity{5, 1e6}, FromSeconds(4), &effects);
  EXPECT_DOUBLE_EQ(utilisation_at(5), 1.0);  // 2 busy, 1 live
  engine.SetCapacity(model, 0, ModelCapacity{0, 0}, FromSeconds(6), &effects);
  EXPECT_DOUBLE_EQ(utilisation_at(7), 1.0);  // 2 busy, none live
  const std::vector<Ticket> running = effects.started;
  for (const Ticket& ticket : running) engine.Complete(ticket, 10, FromSeconds(8), &effects);
  EXPECT_DOUBLE_EQ(utilisation_at(9), 1.0);  // none busy, none live
  engine.SetCapacity(model, 4, ModelCapacity{20, 1e6}, FromSeconds(10), &effects);
  EXPECT_DOUBLE_EQ(utilisation_at(11), 0.0);
}

}  // namespace
}  // namespace ratesim
