// FifoPolicy on its own: first in first out, at most max_depth waiting, a request gives up exactly
// at arrival + max_wait, and a long random run against a naive std::deque oracle.
#include "engine/fifo_policy.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "engine/param_spec.h"
#include "engine/ticket.h"
#include "engine/time.h"
#include "gtest/gtest.h"
#include "tests/support/dropped.h"

namespace ratesim {
namespace {

using ::ratesim::testing::DroppedIds;
using ::ratesim::testing::DroppedReasons;
using Admission = SmoothingPolicy::Admission;

constexpr Nanos kMaxWait = 1'500'000'000;  // 1.5 s, exactly representable in both units

FifoPolicy MakeFifo(double max_depth) {
  absl::StatusOr<ParamValues> resolved = ResolveParams(
      FifoPolicy::Params(), {{"max_depth", max_depth}, {"max_wait", ToSeconds(kMaxWait)}});
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return FifoPolicy(*resolved);
}

Ticket At(uint64_t request, Nanos arrival) {
  Ticket ticket;
  ticket.request = request;
  ticket.arrival = arrival;
  return ticket;
}

Admission Offer(FifoPolicy& fifo, const Ticket& ticket, bool slot_free = false,
                FailReason* reason_out = nullptr) {
  FailReason reason = FailReason::kNoCapacity;
  const Admission admission = fifo.OnArrival(ticket, KeyView{}, slot_free, ticket.arrival, &reason);
  if (reason_out != nullptr) *reason_out = reason;
  return admission;
}

TEST(FifoPolicy, ServesAtOnceWhenASlotIsFree) {
  FifoPolicy fifo = MakeFifo(4);
  EXPECT_EQ(Offer(fifo, At(1, 0), /*slot_free=*/true), Admission::kServe);
  EXPECT_EQ(fifo.Depth(), 0u);
  EXPECT_EQ(fifo.NextWakeup(), kNever);
}

TEST(FifoPolicy, ReleasesBufferedRequestsInArrivalOrder) {
  FifoPolicy fifo = MakeFifo(10);
  for (uint64_t r = 1; r <= 5; ++r) ASSERT_EQ(Offer(fifo, At(r, 100 * r)), Admission::kBuffered);
  EXPECT_EQ(fifo.Depth(), 5u);
  std::vector<Dropped> expired;
  Ticket next;
  for (uint64_t r = 1; r <= 5; ++r) {
    ASSERT_TRUE(fifo.Next(1000, &next, &expired));
    EXPECT_EQ(next.request, r);
    EXPECT_EQ(next.arrival, static_cast<Nanos>(100 * r));
  }
  EXPECT_FALSE(fifo.Next(1000, &next, &expired));
  EXPECT_TRUE(expired.empty());
  EXPECT_EQ(fifo.Depth(), 0u);
}

TEST(FifoPolicy, RejectsWithBufferFullBeyondMaxDepth) {
  constexpr int kDepth = 3;
  FifoPolicy fifo = MakeFifo(kDepth);
  for (int r = 0; r < kDepth; ++r) ASSERT_EQ(Offer(fifo, At(r, r)), Admission::kBuffered);
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(Offer(fifo, At(kDepth, kDepth), false, &reason), Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kBufferFull);
  EXPECT_EQ(fifo.Depth(), static_cast<size_t>(kDepth));
  // One leaves, one more fits, and goes to the back.
  std::vector<Dropped> expired;
  Ticket next;
  ASSERT_TRUE(fifo.Next(10, &next, &expired));
  EXPECT_EQ(next.request, 0u);
  EXPECT_EQ(Offer(fifo, At(kDepth + 1, 10)), Admission::kBuffered);
  for (uint64_t expected : {1u, 2u, static_cast<unsigned>(kDepth + 1)}) {
    ASSERT_TRUE(fifo.Next(20, &next, &expired));
    EXPECT_EQ(next.request, expected);
  }
}

TEST(FifoPolicy, ZeroMaxDepthRejectsEveryRequestThatFindsNoSlot) {
  FifoPolicy fifo = MakeFifo(0);
  FailReason reason = FailReason::kNoCapacity;
  EXPECT_EQ(Offer(fifo, At(1, 0), false, &reason), Admission::kRejected);
  EXPECT_EQ(reason, FailReason::kBufferFull);
  EXPECT_EQ(Offer(fifo, At(2, 0), true), Admission::kServe);
}

TEST(FifoPolicy, ExpiresExactlyAtArrivalPlusMaxWait) {
  FifoPolicy fifo = MakeFifo(10);
  const Nanos arrival = 7 * kNanosPerSecond + 3;
  ASSERT_EQ(Offer(fifo, At(1, arrival)), Admission::kBuffered);
  std::vector<Dropped> expired;
  fifo.Expire(arrival + kMaxWait - 1, &expired);
  EXPECT_TRUE(expired.empty());
  EXPECT_EQ(fifo.Depth(), 1u);
  fifo.Expire(arrival + kMaxWait, &expired);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{1}));
  EXPECT_EQ(DroppedReasons(expired), (std::vector<FailReason>{FailReason::kExpired}));
  EXPECT_EQ(fifo.Depth(), 0u);
}

TEST(FifoPolicy, NextStillServesOneNanosecondBeforeTheDeadline) {
  FifoPolicy fifo = MakeFifo(10);
  ASSERT_EQ(Offer(fifo, At(1, 0)), Admission::kBuffered);
  std::vector<Dropped> expired;
  Ticket next;
  ASSERT_TRUE(fifo.Next(kMaxWait - 1, &next, &expired));
  EXPECT_EQ(next.request, 1u);
  EXPECT_TRUE(expired.empty());
}

TEST(FifoPolicy, NextSkipsAndReportsRequestsPastTheirDeadline) {
  FifoPolicy fifo = MakeFifo(10);
  ASSERT_EQ(Offer(fifo, At(1, 0)), Admission::kBuffered);
  ASSERT_EQ(Offer(fifo, At(2, 10)), Admission::kBuffered);
  ASSERT_EQ(Offer(fifo, At(3, 20)), Admission::kBuffered);
  std::vector<Dropped> expired;
  Ticket next;
  // At 10 + max_wait, 1 and 2 have reached their deadlines; 3 has not.
  ASSERT_TRUE(fifo.Next(10 + kMaxWait, &next, &expired));
  EXPECT_EQ(next.request, 3u);
  EXPECT_EQ(DroppedIds(expired), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(DroppedReasons(expired),
            (std::vector<FailReason>{FailReason::kExpired, FailReason::kExpired}));
}

TEST(FifoPolicy, NextWakeupIsTheOldestArrivalPlusMaxWait) {
  FifoPolicy fifo = MakeFifo(10);
  EXPECT_EQ(fifo.NextWakeup(), kNever);
  ASSERT_EQ(Offer(fifo, At(1, 500)), Admission::kBuffered);
  ASSERT_EQ(Offer(fifo, At(2, 900)), Admission::kBuffered);
  EXPECT_EQ(fifo.NextWakeup(), 500 + kMaxWait);
  std::vector<Dropped> expired;
  Ticket next;
  ASSERT_TRUE(fifo.Next(600, &next, &expired));
  EXPECT_EQ(fifo.NextWakeup(), 900 + kMaxWait);
  fifo.Expire(900 + kMaxWait, &expired);
  EXPECT_EQ(fifo.NextWakeup(), kNever);
}

// The oracle: a std::deque, a linear scan for the deadline, nothing clever.
class NaiveFifo {
 public:
  explicit NaiveFifo(size_t max_depth) : max_depth_(max_depth) {}

  Admission OnArrival(const Ticket& ticket, bool slot_free, FailReason* reason) {
    if (slot_free) return Admission::kServe;
    if (queue_.size() >= max_depth_) {
      *reason = FailReason::kBufferFull;
      return Admission::kRejected;
    }
    queue_.push_back(ticket);
    return Admission::kBuffered;
  }
  void Expire(Nanos now, std::vector<Dropped>* expired) {
    std::deque<Ticket> kept;
    for (const Ticket& ticket : queue_) {
      if (now - ticket.arrival >= kMaxWait) {
        expired->push_back({ticket, FailReason::kExpired});
      } else {
        kept.push_back(ticket);
      }
    }
    queue_.swap(kept);
  }
  bool Next(Nanos now, Ticket* next, std::vector<Dropped>* expired) {
    Expire(now, expired);
    if (queue_.empty()) return false;
    *next = queue_.front();
    queue_.pop_front();
    return true;
  }
  Nanos NextDeadline() const {
    Nanos earliest = kNever;
    for (const Ticket& ticket : queue_) earliest = std::min(earliest, ticket.arrival + kMaxWait);
    return earliest;
  }
  size_t Depth() const { return queue_.size(); }

 private:
  size_t max_depth_;
  std::deque<Ticket> queue_;
};

TEST(FifoPolicy, MatchesANaiveDequeOverALongRandomSequence) {
  for (const size_t max_depth : {size_t{0}, size_t{1}, size_t{7}, size_t{20}}) {
    SCOPED_TRACE(max_depth);
    FifoPolicy fifo = MakeFifo(static_cast<double>(max_depth));
    NaiveFifo oracle(max_depth);
    std::mt19937_64 rng(1234 + max_depth);
    std::uniform_int_distribution<int> op(0, 99);
    std::uniform_int_distribution<Nanos> gap(0, 60 * kNanosPerMillisecond);
    Nanos now = 0;
    uint64_t request = 0;
    int expirations = 0;
    int rejections = 0;
    for (int step = 0; step < 200000; ++step) {
      const int choice = op(rng);
      // Time: mostly small random steps (often none), sometimes exactly at or just before the
      // earliest deadline, where off-by-one mistakes live.
      if (choice < 5 && oracle.NextDeadline() != kNever) {
        now = std::max(now, oracle.NextDeadline() - (choice % 2));
      } else if (choice % 3 != 0) {
        now += gap(rng);
      }
      std::vector<Dropped> expired;
      std::vector<Dropped> oracle_expired;
      if (choice < 55) {
        const Ticket ticket = At(request++, now);
        const bool slot_free = oracle.Depth() == 0 && choice % 4 == 0;
        FailReason reason = FailReason::kNoCapacity;
        FailReason oracle_reason = FailReason::kNoCapacity;
        const Admission admission = fifo.OnArrival(ticket, KeyView{}, slot_free, now, &reason);
        ASSERT_EQ(admission, oracle.OnArrival(ticket, slot_free, &oracle_reason)) << "step " << step;
        if (admission == Admission::kRejected) {
          ASSERT_EQ(reason, oracle_reason);
          ++rejections;
        }
      } else if (choice < 85) {
        Ticket next;
        Ticket oracle_next;
        const bool got = fifo.Next(now, &next, &expired);
        ASSERT_EQ(got, oracle.Next(now, &oracle_next, &oracle_expired)) << "step " << step;
        if (got) {
          ASSERT_EQ(next.request, oracle_next.request) << "step " << step;
        }
      } else {
        fifo.Expire(now, &expired);
        oracle.Expire(now, &oracle_expired);
      }
      ASSERT_EQ(DroppedIds(expired), DroppedIds(oracle_expired)) << "step " << step;
      ASSERT_EQ(DroppedReasons(expired), DroppedReasons(oracle_expired)) << "step " << step;
      expirations += static_cast<int>(expired.size());
      ASSERT_EQ(fifo.Depth(), oracle.Depth()) << "step " << step;
      ASSERT_EQ(fifo.NextWakeup(), oracle.NextDeadline()) << "step " << step;
    }
    // The run exercised every path.
    EXPECT_GT(rejections, 0);
    if (max_depth > 0) {
      EXPECT_GT(expirations, 0);
    }
  }
}

}  // namespace
}  // namespace ratesim
