// The engine's request path against the cheapest thing it could be compared with: one hash-map
// increment per request on the identical key stream.
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "benchmark/benchmark.h"
#include "engine/engine.h"
#include "sim/des/random.h"

namespace ratesim {
namespace {

constexpr size_t kStreamLength = 1 << 20;

// The same random key stream for both benchmarks at a given size, fixed in advance.
std::vector<uint32_t> KeyStream(size_t keys) {
  Rng rng = Rng::ForStream(42, keys);
  std::vector<uint32_t> stream(kStreamLength);
  for (uint32_t& key : stream) key = static_cast<uint32_t>(rng.UniformInt(keys));
  return stream;
}

// Classify a request on a random key, start it, and record its completion: the engine's whole
// per-request work when capacity is free.
void BM_EngineDecide(benchmark::State& state) {
  const size_t keys = static_cast<size_t>(state.range(0));
  Engine engine;
  ParamValues none;
  const ModelId model = engine.AddModel("m", 1 << 30, ModelCapacity{1e6, 1e9},
                                        *MakePolicy("fifo", none));
  const FormulaId formula = engine.AddFormula(*MakeFormula("earned", none));
  for (size_t i = 0; i < keys; ++i) engine.AddKey("org" + std::to_string(i), model, formula, 0);
  const std::vector<uint32_t> stream = KeyStream(keys);
  Effects effects;
  Nanos now = 0;
  size_t i = 0;
  for (auto _ : state) {
    now += 1000;
    effects.Clear();
    engine.Arrive(stream[i], i, 1000, now, &effects);
    engine.Complete(effects.started.front(), 900, now, &effects);
    i = (i + 1) & (kStreamLength - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineDecide)->Arg(1000)->Arg(100000)->Arg(1000000);

void BM_BareMapUpdate(benchmark::State& state) {
  const size_t keys = static_cast<size_t>(state.range(0));
  absl::flat_hash_map<uint64_t, int64_t> counts;
  for (size_t k = 0; k < keys; ++k) counts[k << 32] = 0;
  const std::vector<uint32_t> stream = KeyStream(keys);
  size_t i = 0;
  for (auto _ : state) {
    ++counts[static_cast<uint64_t>(stream[i]) << 32];
    i = (i + 1) & (kStreamLength - 1);
  }
  benchmark::DoNotOptimize(counts);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareMapUpdate)->Arg(1000)->Arg(100000)->Arg(1000000);

}  // namespace
}  // namespace ratesim
