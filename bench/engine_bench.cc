// The engine's request path against the cheapest things it could be compared with, on the identical
// random key stream. Requests come at one per four seconds per key on average (the gap between
// requests shrinks as the keys grow), against `earned`'s 60 RPM base: about four in five are within
// rate (counter within_share), as in a gateway where 429s are the exception, so the windows are drawn
// from and most completions are recorded as within-rate usage.
//
//   BM_EngineDecide/<keys>            Arrive + Complete through the Engine, the `earned` formula, fifo.
//   BM_EngineDecidePrefetched/<keys>  the same, telling the engine the key 8 requests ahead
//                                     (Engine::Prefetch), as a gateway holding a batch would.
//   BM_DecisionFloor/<keys>           the arithmetic of the same decision without the engine around
//                                     it: a flat array of key states, the window refill and
//                                     classification, and EarnedFormula called directly (no virtual
//                                     call, no policy, no ticket), its key array on huge pages as
//                                     the engine's is. What any engine deciding the same way costs
//                                     at least.
//   BM_BareMapUpdate/<keys>           ++map[key] in an absl::flat_hash_map<uint64_t, int64_t> (on
//                                     ordinary pages, as a map is).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "benchmark/benchmark.h"
#include "engine/earned_formula.h"
#include "engine/enforcement_window.h"
#include "engine/engine.h"
#include "engine/huge_page_allocator.h"
#include "sim/des/random.h"

namespace ratesim {
namespace {

constexpr size_t kStreamLength = 1 << 20;
constexpr size_t kStreamMask = kStreamLength - 1;
// One request per four seconds per key on average.
Nanos GapFor(size_t keys) { return 4 * kNanosPerSecond / static_cast<Nanos>(keys); }
constexpr int64_t kTokenEstimate = 1000;
constexpr int64_t kActualTokens = 900;
constexpr size_t kPrefetchDistance = 8;

// The same random key stream for every benchmark at a given size, fixed in advance.
std::vector<uint32_t> KeyStream(size_t keys) {
  Rng rng = Rng::ForStream(42, keys);
  std::vector<uint32_t> stream(kStreamLength);
  for (uint32_t& key : stream) key = static_cast<uint32_t>(rng.UniformInt(keys));
  return stream;
}

// Classify a request on a random key, start it, and record its completion: the engine's whole
// per-request work when capacity is free.
template <bool kPrefetch>
void EngineDecide(benchmark::State& state) {
  const size_t keys = static_cast<size_t>(state.range(0));
  Engine engine;
  ParamValues none;
  const ModelId model = engine.AddModel("m", 1 << 30, ModelCapacity{1e6, 1e9},
                                        *MakePolicy("fifo", none));
  const FormulaId formula = engine.AddFormula(*MakeFormula("earned", none));
  engine.Reserve(keys, keys);
  for (size_t i = 0; i < keys; ++i) engine.AddKey("org" + std::to_string(i), model, formula, 0);
  const std::vector<uint32_t> stream = KeyStream(keys);
  Effects effects;
  const Nanos gap = GapFor(keys);
  Nanos now = 0;
  size_t i = 0;
  int64_t within = 0;
  for (auto _ : state) {
    now += gap;
    effects.Clear();
    if constexpr (kPrefetch) engine.Prefetch(stream[(i + kPrefetchDistance) & kStreamMask]);
    within += engine.Arrive(stream[i], i, kTokenEstimate, now, &effects).rate_class ==
              RateClass::kWithin;
    engine.Complete(effects.started.front(), kActualTokens, now, &effects);
    i = (i + 1) & kStreamMask;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["within_share"] =
      static_cast<double>(within) / static_cast<double>(state.iterations());
}

void BM_EngineDecide(benchmark::State& state) { EngineDecide<false>(state); }
void BM_EngineDecidePrefetched(benchmark::State& state) { EngineDecide<true>(state); }
BENCHMARK(BM_EngineDecide)->Arg(1000)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_EngineDecidePrefetched)->Arg(1000)->Arg(100000)->Arg(1000000);

void BM_DecisionFloor(benchmark::State& state) {
  const size_t keys = static_cast<size_t>(state.range(0));
  const EarnedFormula formula(*ResolveParams(EarnedFormula::Params(), {}));
  const ModelCapacity capacity{1e6, 1e9};
  struct alignas(64) Key {
    RateState rate;
    double request_level;
    double token_level;
    Nanos updated;
  };
  const RateState initial = formula.Initial(capacity);
  std::vector<Key, HugePageAllocator<Key>> states(keys, Key{initial, WindowDepth(initial.request_rate),
                                    WindowDepth(initial.token_rate), 0});
  const std::vector<uint32_t> stream = KeyStream(keys);
  Update update;
  update.model.capacity = capacity;
  Completion completion;
  completion.tokens = kActualTokens;
  const Nanos gap = GapFor(keys);
  Nanos now = 0;
  size_t i = 0;
  for (auto _ : state) {
    now += gap;
    Key& key = states[stream[i]];
    const double elapsed_s = ToSeconds(now - key.updated);
    key.request_level = Refill(key.request_level, key.rate.request_rate, elapsed_s);
    key.token_level = Refill(key.token_level, key.rate.token_rate, elapsed_s);
    update.now_s = ToSeconds(now);
    update.elapsed_s = elapsed_s;
    formula.Advance(key.rate, {}, update);
    key.request_level = std::min(key.request_level, WindowDepth(key.rate.request_rate));
    key.token_level = std::min(key.token_level, WindowDepth(key.rate.token_rate));
    key.updated = now;
    completion.within_rate = Fits(key.request_level, 1.0, key.rate.request_rate) &&
                             Fits(key.token_level, kTokenEstimate, key.rate.token_rate);
    if (completion.within_rate) {
      key.request_level -= 1.0;
      key.token_level -= kTokenEstimate;
    }
    formula.RecordSuccess(key.rate, {}, completion);
    i = (i + 1) & kStreamMask;
  }
  benchmark::DoNotOptimize(states.data());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecisionFloor)->Arg(1000)->Arg(100000)->Arg(1000000);

void BM_BareMapUpdate(benchmark::State& state) {
  const size_t keys = static_cast<size_t>(state.range(0));
  absl::flat_hash_map<uint64_t, int64_t> counts;
  for (size_t k = 0; k < keys; ++k) counts[k << 32] = 0;
  const std::vector<uint32_t> stream = KeyStream(keys);
  size_t i = 0;
  for (auto _ : state) {
    ++counts[static_cast<uint64_t>(stream[i]) << 32];
    i = (i + 1) & kStreamMask;
  }
  benchmark::DoNotOptimize(counts);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareMapUpdate)->Arg(1000)->Arg(100000)->Arg(1000000);

}  // namespace
}  // namespace ratesim
