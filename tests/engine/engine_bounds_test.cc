// The engine keeps every key's rates within its formula's bounds at every instant, not only after
// the key's next update: formulas that move the rate on a success or a failure (aimd, gradient)
// cannot carry it past the ceiling of the live capacity for a moment.
#include <memory>
#include <utility>

#include "engine/engine.h"
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
  EXPECT_DOUBLE_EQ(engine.Headers(key, now).limit_rpm, 300.0);
}

}  // namespace
}  // namespace ratesim
