// Tests for EventQueue: checked against a naive oracle (a std::set ordered by (time, seq)) over
// long random runs with many equal times, including runs that renumber the queue's 32-bit push
// tags hundreds of times, plus the FIFO-among-equals contract on its own.
#include "sim/des/event_queue.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <tuple>

#include "engine/time.h"
#include "sim/des/random.h"

namespace ratesim {
namespace {

using OracleEntry = std::tuple<Nanos, uint64_t, uint32_t, uint32_t, uint64_t>;

void ExpectSameEvent(const Event& got, const OracleEntry& want) {
  EXPECT_EQ(got.time, std::get<0>(want));
  EXPECT_EQ(got.seq, std::get<1>(want));
  EXPECT_EQ(got.kind, std::get<2>(want));
  EXPECT_EQ(got.a, std::get<3>(want));
  EXPECT_EQ(got.b, std::get<4>(want));
}

// Runs `operations` random pushes and pops against the oracle. The queue's contract is that seq is
// the number of earlier pushes, so the oracle can assign it independently. `push_per_mille` sets
// the push/pop mix, so phases can grow the queue to thousands of events and drain it again.
// `max_size` caps the queue's size (pushes become pops at the cap). Pops are checked through Top
// only sometimes, so that a Pop followed directly by a Push (the queue's fused path) is exercised
// as well as Pop, Top and Pop, Pop.
void RunAgainstOracle(Rng& rng, EventQueue& queue, std::set<OracleEntry>& oracle, uint64_t& pushes,
                      Nanos& now, int operations, uint64_t push_per_mille,
                      size_t max_size = SIZE_MAX) {
  for (int i = 0; i < operations; ++i) {
    const bool push = oracle.empty() ||
                      (oracle.size() < max_size && rng.UniformInt(1000) < push_per_mille);
    if (push) {
      // Mostly DES-like (now plus a delay from a tiny set, so ties are common, zero delay
      // included); sometimes an arbitrary time in a narrow window, possibly in the past.
      const Nanos time = rng.UniformInt(4) != 0 ? now + static_cast<Nanos>(rng.UniformInt(4)) * 10
                                                : static_cast<Nanos>(rng.UniformInt(50));
      const uint32_t kind = static_cast<uint32_t>(rng.UniformInt(8));
      const uint32_t a = static_cast<uint32_t>(rng.NextU64());
      const uint64_t b = rng.NextU64();
      queue.Push(time, kind, a, b);
      oracle.emplace(time, pushes++, kind, a, b);
    } else {
      ASSERT_FALSE(queue.Empty());
      const OracleEntry want = *oracle.begin();
      oracle.erase(oracle.begin());
      if (rng.UniformInt(2) == 0) ExpectSameEvent(queue.Top(), want);
      const Event got = queue.Pop();
      ExpectSameEvent(got, want);
      ASSERT_EQ(got.seq, std::get<1>(want)) << "diverged at operation " << i;
      now = got.time;
    }
    ASSERT_EQ(queue.Size(), oracle.size());
    ASSERT_EQ(queue.Empty(), oracle.empty());
  }
}

TEST(EventQueue, MatchesSortedOracleOverRandomPushesAndPops) {
  Rng rng = Rng::ForStream(2024, 0);
  EventQueue queue;
  queue.Reserve(16);  // Smaller than the peak, so growth past the reservation is exercised too.
  std::set<OracleEntry> oracle;
  uint64_t pushes = 0;
  Nanos now = 0;
  // Phases: steady, small queue; growth to tens of thousands; mixed at that size; drain.
  ASSERT_NO_FATAL_FAILURE(RunAgainstOracle(rng, queue, oracle, pushes, now, 100'000, 500));
  ASSERT_NO_FATAL_FAILURE(RunAgainstOracle(rng, queue, oracle, pushes, now, 50'000, 900));
  ASSERT_NO_FATAL_FAILURE(RunAgainstOracle(rng, queue, oracle, pushes, now, 100'000, 450));
  ASSERT_NO_FATAL_FAILURE(RunAgainstOracle(rng, queue, oracle, pushes, now, 100'000, 100));
  ASSERT_NO_FATAL_FAILURE(
      RunAgainstOracle(rng, queue, oracle, pushes, now, static_cast<int>(oracle.size()), 0));
  EXPECT_TRUE(queue.Empty());
  EXPECT_EQ(queue.Size(), 0u);
}

// With a tag limit of 64 the queue renumbers its pending events every few dozen pushes; the pop
// order must still be (time, seq) throughout, with the queue both small and near the limit.
TEST(EventQueue, MatchesSortedOracleAcrossTagRenumbering) {
  for (const uint64_t tag_limit : {2, 3, 64}) {
    SCOPED_TRACE(tag_limit);
    Rng rng = Rng::ForStream(2025, tag_limit);
    EventQueue queue(tag_limit);
    std::set<OracleEntry> oracle;
    uint64_t pushes = 0;
    Nanos now = 0;
    const size_t max_size = tag_limit;  // the most the queue allows
    ASSERT_NO_FATAL_FAILURE(
        RunAgainstOracle(rng, queue, oracle, pushes, now, 50'000, 500, max_size));
    ASSERT_NO_FATAL_FAILURE(
        RunAgainstOracle(rng, queue, oracle, pushes, now, 50'000, 900, max_size));
    ASSERT_NO_FATAL_FAILURE(
        RunAgainstOracle(rng, queue, oracle, pushes, now, static_cast<int>(oracle.size()), 0));
    EXPECT_TRUE(queue.Empty());
  }
}

TEST(EventQueue, EqualTimesPopInPushOrder) {
  EventQueue queue;
  // Interleave three instants so equal-time events are not pushed back to back.
  for (uint32_t i = 0; i < 1000; ++i) queue.Push(Nanos{100} * (i % 3), /*kind=*/i % 3, i, i);
  for (uint32_t instant = 0; instant < 3; ++instant) {
    uint32_t previous_a = 0;
    bool first = true;
    for (uint32_t i = instant; i < 1000; i += 3) {
      const Event event = queue.Pop();
      ASSERT_EQ(event.time, Nanos{100} * instant);
      ASSERT_EQ(event.a, i);
      if (!first) {
        ASSERT_GT(event.a, previous_a);
      }
      previous_a = event.a;
      first = false;
    }
  }
  EXPECT_TRUE(queue.Empty());
}

TEST(EventQueue, ZeroDelayEventsPushedWhilePoppingRunAfterEarlierPushes) {
  // The common DES pattern: handling an event at t schedules more at t. They must run after events
  // already waiting at t, in the order scheduled.
  EventQueue queue;
  queue.Push(5, 0, /*a=*/0, 0);
  queue.Push(5, 0, /*a=*/1, 0);
  const Event first = queue.Pop();
  ASSERT_EQ(first.a, 0u);
  queue.Push(5, 0, /*a=*/2, 0);
  queue.Push(5, 0, /*a=*/3, 0);
  EXPECT_EQ(queue.Pop().a, 1u);
  EXPECT_EQ(queue.Pop().a, 2u);
  EXPECT_EQ(queue.Pop().a, 3u);
}

TEST(EventQueue, SeqCountsPushesAndFieldsRoundTrip) {
  EventQueue queue;
  queue.Push(30, 7, 70, 700);
  queue.Push(10, 8, 80, uint64_t{1} << 63);
  queue.Push(20, 9, 90, 900);
  const Event a = queue.Pop();
  EXPECT_EQ(a.time, 10);
  EXPECT_EQ(a.seq, 1u);
  EXPECT_EQ(a.kind, 8u);
  EXPECT_EQ(a.a, 80u);
  EXPECT_EQ(a.b, uint64_t{1} << 63);
  EXPECT_EQ(queue.Pop().seq, 2u);
  EXPECT_EQ(queue.Pop().seq, 0u);
}

TEST(EventQueue, OrdersExtremeTimes) {
  EventQueue queue;
  queue.Push(kNever, 0, 0, 0);
  queue.Push(std::numeric_limits<Nanos>::min(), 0, 1, 0);
  queue.Push(-5, 0, 2, 0);
  queue.Push(0, 0, 3, 0);
  queue.Push(kNever, 0, 4, 0);
  EXPECT_EQ(queue.Size(), 5u);
  EXPECT_EQ(queue.Pop().a, 1u);
  EXPECT_EQ(queue.Pop().a, 2u);
  EXPECT_EQ(queue.Pop().a, 3u);
  EXPECT_EQ(queue.Pop().a, 0u);
  EXPECT_EQ(queue.Pop().a, 4u);
  EXPECT_TRUE(queue.Empty());
}

}  // namespace
}  // namespace ratesim
