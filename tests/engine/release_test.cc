// Engine::Release: a started request that ends without success frees its slot for the buffer, as
// Complete does, but earns its key nothing.
#include <memory>
#include <utility>

#include "engine/engine.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

// One org on a model of one slot with a FIFO buffer, under `earned` (whose rate is earned from
// recorded successes).
struct OneSlot {
  OneSlot() {
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> fifo = MakePolicy("fifo", {});
    EXPECT_TRUE(fifo.ok()) << fifo.status();
    absl::StatusOr<std::unique_ptr<LimitFormula>> earned = MakeFormula("earned", {});
    EXPECT_TRUE(earned.ok()) << earned.status();
    model = engine.AddModel("m", 1, ModelCapacity{10, 10000}, std::move(*fifo));
    key = engine.AddKey("org", model, engine.AddFormula(std::move(*earned)), 0);
  }
  Engine engine;
  ModelId model = 0;
  KeyId key = 0;
};

TEST(EngineRelease, FreesTheSlotForTheNextBufferedRequest) {
  OneSlot one;
  Effects first;
  one.engine.Arrive(one.key, 1, 100, 0, &first);
  ASSERT_EQ(first.started.size(), 1u);
  Effects second;
  EXPECT_EQ(one.engine.Arrive(one.key, 2, 100, 0, &second).admission, SmoothingPolicy::Admission::kBuffered);
  EXPECT_EQ(one.engine.buffered(one.model), 1u);
  Effects released;
  one.engine.Release(first.started.front(), kNanosPerSecond, &released);
  ASSERT_EQ(released.started.size(), 1u);
  EXPECT_EQ(released.started.front().request, 2u);
  EXPECT_EQ(one.engine.busy(one.model), 1);
  EXPECT_EQ(one.engine.buffered(one.model), 0u);
  Effects none;
  one.engine.Release(released.started.front(), 2 * kNanosPerSecond, &none);
  EXPECT_TRUE(none.started.empty());
  EXPECT_EQ(one.engine.busy(one.model), 0);
}

TEST(EngineRelease, EarnsNothingWhereACompletionWould) {
  OneSlot released;
  OneSlot completed;
  for (uint64_t r = 0; r < 50; ++r) {
    const Nanos now = static_cast<Nanos>(r) * 2 * kNanosPerSecond;
    Effects a;
    released.engine.Arrive(released.key, r, 100, now, &a);
    released.engine.Release(a.started.at(0), now + kNanosPerSecond, &a);
    Effects b;
    completed.engine.Arrive(completed.key, r, 100, now, &b);
    completed.engine.Complete(b.started.at(0), 100, now + kNanosPerSecond, &b);
  }
  const Nanos end = 100 * kNanosPerSecond;
  EXPECT_EQ(released.engine.RateAt(released.key, end).usage_requests, 0.0);
  EXPECT_GT(completed.engine.RateAt(completed.key, end).usage_requests, 0.0);
  // The released requests were sent, so they drew from the window as the completed ones did.
  EXPECT_EQ(released.engine.Headers(released.key, end - kNanosPerSecond, 0).remaining,
            completed.engine.Headers(completed.key, end - kNanosPerSecond, 0).remaining);
}

}  // namespace
}  // namespace ratesim
