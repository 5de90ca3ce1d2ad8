// Ring<Entry> against a naive oracle (std::deque): random push_back / push_front / pop_front /
// pop_back / erase(i) sequences that wrap around the ring's storage and make it grow; after every
// step the ring's contents, read through operator[], front() and back(), are the deque's.
// FindRequest / TakeRequest against a linear search, on rings in arrival order with many requests
// sharing one arrival instant, stored at every offset of the ring's storage.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "engine/ticket.h"
#include "engine/ticket_ring.h"
#include "gtest/gtest.h"

namespace ratesim {
namespace {

void ExpectSame(const Ring<int>& ring, const std::deque<int>& oracle, int step) {
  ASSERT_EQ(ring.size(), oracle.size()) << "step " << step;
  ASSERT_EQ(ring.empty(), oracle.empty()) << "step " << step;
  for (size_t i = 0; i < oracle.size(); ++i) {
    ASSERT_EQ(ring[i], oracle[i]) << "step " << step << " index " << i;
  }
  if (!oracle.empty()) {
    ASSERT_EQ(ring.front(), oracle.front()) << "step " << step;
    ASSERT_EQ(ring.back(), oracle.back()) << "step " << step;
  }
}

// Random operations with a drift that alternates between growing (so the ring grows past 16, 32,
// 64, ... while its head is anywhere) and shrinking (so it empties and wraps around again).
TEST(RingOracle, RandomOperationsMatchADeque) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    Ring<int> ring;
    std::deque<int> oracle;
    int next_value = 0;
    std::uniform_int_distribution<int> op(0, 99);
    for (int step = 0; step < 4000; ++step) {
      // Phases of 500 steps: growing phases push more than they remove.
      const bool growing = (step / 500) % 2 == 0;
      const int draw = op(rng);
      const int push_share = growing ? 65 : 35;
      if (oracle.empty() || draw < push_share) {
        const int value = next_value++;
        if (draw % 2 == 0) {
          ring.push_back(value);
          oracle.push_back(value);
        } else {
          ring.push_front(value);
          oracle.push_front(value);
        }
      } else if (draw < push_share + 10) {
        ASSERT_EQ(ring.pop_front(), oracle.front()) << "step " << step;
        oracle.pop_front();
      } else if (draw < push_share + 20) {
        ASSERT_EQ(ring.pop_back(), oracle.back()) << "step " << step;
        oracle.pop_back();
      } else {
        // erase(i): anywhere, with the ends and their neighbours drawn often (the two sides of
        // erase's "shorter side" choice, and its boundary at size / 2).
        const size_t n = oracle.size();
        size_t i = 0;
        switch (draw % 6) {
          case 0: i = 0; break;
          case 1: i = n - 1; break;
          case 2: i = n / 2; break;
          case 3: i = n / 2 > 0 ? n / 2 - 1 : 0; break;
          default: i = std::uniform_int_distribution<size_t>(0, n - 1)(rng); break;
        }
        ring.erase(i);
        oracle.erase(oracle.begin() + static_cast<std::ptrdiff_t>(i));
      }
      ExpectSame(ring, oracle, step);
    }
  }
}

// Every erase position of a ring whose storage is wrapped (head near the end of its 16 slots).
TEST(RingOracle, EraseEveryPositionOfAWrappedRing) {
  for (size_t size = 1; size <= 16; ++size) {
    for (size_t head = 0; head < 16; ++head) {
      for (size_t erase_at = 0; erase_at < size; ++erase_at) {
        Ring<int> ring;
        std::deque<int> oracle;
        // Move the head to `head` within the first 16 slots without growing.
        for (size_t i = 0; i < head; ++i) ring.push_back(-1);
        for (size_t i = 0; i < head; ++i) ring.pop_front();
        for (size_t i = 0; i < size; ++i) {
          ring.push_back(static_cast<int>(i));
          oracle.push_back(static_cast<int>(i));
        }
        ring.erase(erase_at);
        oracle.erase(oracle.begin() + static_cast<std::ptrdiff_t>(erase_at));
        ExpectSame(ring, oracle, static_cast<int>(size * 1000 + head * 16 + erase_at));
        // The ring still works as a FIFO after the erase, across growth.
        for (int i = 0; i < 40; ++i) {
          ring.push_back(100 + i);
          oracle.push_back(100 + i);
        }
        ExpectSame(ring, oracle, -1);
      }
    }
  }
}

// A ring of tickets in arrival order, with runs of equal arrival instants; `request` is unique.
struct Buffer {
  TicketRing ring;
  std::deque<Ticket> oracle;
};

size_t LinearFind(const std::deque<Ticket>& oracle, const Ticket& which) {
  for (size_t i = 0; i < oracle.size(); ++i) {
    if (oracle[i].request == which.request && oracle[i].arrival == which.arrival) return i;
  }
  return oracle.size();
}

// An entry struct of a policy's own, as pacing's and fair's rings hold.
struct Holder {
  Ticket ticket;
  int payload = 0;
};

TEST(RingFindRequest, MatchesALinearSearchWithRepeatedArrivalInstants) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::mt19937_64 rng(seed);
    Buffer buffer;
    Ring<Holder> holders;
    std::deque<Holder> holder_oracle;
    uint64_t next_request = 0;
    Nanos now = 0;
    std::uniform_int_distribution<int> op(0, 99);
    for (int step = 0; step < 1500; ++step) {
      const int draw = op(rng);
      if (buffer.oracle.empty() || draw < 55) {
        // Half the arrivals share the previous instant: up to dozens at one time.
        if (draw % 2 == 0) now += 1 + static_cast<Nanos>(rng() % 5);
        Ticket ticket;
        ticket.request = next_request++;
        ticket.arrival = now;
        buffer.ring.push_back(ticket);
        buffer.oracle.push_back(ticket);
        holders.push_back(Holder{ticket, static_cast<int>(ticket.request) * 3});
        holder_oracle.push_back(Holder{ticket, static_cast<int>(ticket.request) * 3});
      } else if (draw < 65) {
        buffer.ring.pop_front();
        buffer.oracle.pop_front();
        holders.pop_front();
        holder_oracle.pop_front();
      } else {
        // Look up a request that is held, one that left, one never seen, and a held handle with
        // another arrival instant: each answer must be the linear search's.
        Ticket which;
        switch (draw % 4) {
          case 0:
          case 1:
            which = buffer.oracle[rng() % buffer.oracle.size()];
            break;
          case 2:
            which.request = rng() % (next_request + 3);
            which.arrival = static_cast<Nanos>(rng() % static_cast<uint64_t>(now + 2));
            break;
          default:
            which = buffer.oracle[rng() % buffer.oracle.size()];
            which.arrival += (draw % 8 < 4) ? 1 : -1;
            break;
        }
        const size_t expected = LinearFind(buffer.oracle, which);
        ASSERT_EQ(FindRequest(buffer.ring, which), expected) << "seed " << seed << " step " << step;
        ASSERT_EQ(FindRequest(holders, which), expected) << "seed " << seed << " step " << step;

        Ticket taken;
        const bool took = TakeRequest(buffer.ring, which, &taken);
        ASSERT_EQ(took, expected != buffer.oracle.size());
        Holder taken_holder;
        ASSERT_EQ(TakeRequest(holders, which, &taken_holder), took);
        if (took) {
          EXPECT_EQ(taken.request, which.request);
          EXPECT_EQ(taken.arrival, which.arrival);
          EXPECT_EQ(taken_holder.ticket.request, which.request);
          EXPECT_EQ(taken_holder.payload, holder_oracle[expected].payload);
          buffer.oracle.erase(buffer.oracle.begin() + static_cast<std::ptrdiff_t>(expected));
          holder_oracle.erase(holder_oracle.begin() + static_cast<std::ptrdiff_t>(expected));
        }
      }
      // What is left is in the same order in the ring: a take changes nothing else.
      ASSERT_EQ(buffer.ring.size(), buffer.oracle.size());
      ASSERT_EQ(holders.size(), holder_oracle.size());
      for (size_t i = 0; i < buffer.oracle.size(); ++i) {
        ASSERT_EQ(buffer.ring[i].request, buffer.oracle[i].request) << "step " << step;
        ASSERT_EQ(buffer.ring[i].arrival, buffer.oracle[i].arrival) << "step " << step;
        ASSERT_EQ(holders[i].ticket.request, holder_oracle[i].ticket.request) << "step " << step;
      }
    }
  }
}

TEST(RingFindRequest, EmptyRingAndMissingRequestChangeNothing) {
  TicketRing ring;
  Ticket which;
  which.request = 7;
  which.arrival = 5;
  EXPECT_EQ(FindRequest(ring, which), 0u);
  Ticket taken;
  taken.request = 99;
  EXPECT_FALSE(TakeRequest(ring, which, &taken));
  EXPECT_EQ(taken.request, 99u);  // untouched
  for (uint64_t r = 0; r < 5; ++r) {
    Ticket t;
    t.request = r;
    t.arrival = 5;
    ring.push_back(t);
  }
  // Handle 7 at the shared instant 5: scanned past every request arriving then, not found.
  EXPECT_EQ(FindRequest(ring, which), ring.size());
  EXPECT_FALSE(TakeRequest(ring, which, &taken));
  EXPECT_EQ(ring.size(), 5u);
  // Handle 3 at the right instant is found at its place, the last of the run as well.
  which.request = 4;
  EXPECT_EQ(FindRequest(ring, which), 4u);
  which.request = 3;
  EXPECT_EQ(FindRequest(ring, which), 3u);
  // The right handle at another instant is not it.
  which.arrival = 6;
  EXPECT_EQ(FindRequest(ring, which), ring.size());
}

}  // namespace
}  // namespace ratesim
