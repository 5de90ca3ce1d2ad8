// One org on one model under a `fixed` limit, with so many slots that capacity never runs out and
// every started request completes at once: the engine's classification and headers, alone.
#ifndef RATESIM_TESTS_SUPPORT_FIXED_LIMIT_KEY_H_
#define RATESIM_TESTS_SUPPORT_FIXED_LIMIT_KEY_H_

#include <cstdint>
#include <memory>
#include <utility>

#include "engine/engine.h"
#include "gtest/gtest.h"

namespace ratesim::testing {

class FixedLimitKey {
 public:
  static constexpr int64_t kPlentyOfSlots = 1'000'000;

  FixedLimitKey(double rpm, double tpm) {
    absl::StatusOr<std::unique_ptr<LimitFormula>> formula =
        MakeFormula("fixed", {{"rpm", rpm}, {"tpm", tpm}});
    EXPECT_TRUE(formula.ok()) << formula.status();
    absl::StatusOr<std::unique_ptr<SmoothingPolicy>> policy = MakePolicy("none", {});
    EXPECT_TRUE(policy.ok()) << policy.status();
    model_ = engine_.AddModel("model", kPlentyOfSlots, ModelCapacity{}, std::move(*policy));
    key_ = engine_.AddKey("org", model_, engine_.AddFormula(std::move(*formula)), 0);
  }

  // Sends a request of `tokens` at `now`, completes it at once, and returns its class.
  RateClass Send(int64_t tokens, Nanos now) {
    effects_.Clear();
    const Engine::ArrivalResult result = engine_.Arrive(key_, next_request_++, tokens, now, &effects_);
    EXPECT_EQ(result.admission, SmoothingPolicy::Admission::kServe);
    for (const Ticket& ticket : effects_.started) {
      Effects ignored;
      engine_.Complete(ticket, tokens, now, &ignored);
    }
    return result.rate_class;
  }

  // The headers of a response to a request of `tokens` (0: a request of no tokens).
  RateLimitHeaders Headers(Nanos now, int64_t tokens = 0) const {
    return engine_.Headers(key_, now, tokens);
  }
  Engine& engine() { return engine_; }
  KeyId key() const { return key_; }

 private:
  Engine engine_;
  ModelId model_ = 0;
  KeyId key_ = 0;
  Effects effects_;
  uint64_t next_request_ = 0;
};

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_FIXED_LIMIT_KEY_H_
