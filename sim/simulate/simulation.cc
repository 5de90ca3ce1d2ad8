#include "sim/simulate/simulation.h"

#include <memory>
#include <utility>
#include <vector>

#include "sim/des/event_queue.h"
#include "sim/des/random.h"
#include "sim/metrics/recorder.h"
#include "sim/simulate/arrival_process.h"
#include "sim/simulate/platform.h"
#include "sim/simulate/request_sampler.h"

namespace ratesim {
namespace {

enum EventKind : uint32_t {
  kArrival,     // a = stream
  kCompletion,  // b = request slot
  kExpiry,      // a = model
  kSample,      // time-series boundary
};

// A request between its arrival and its outcome. Slots are reused, so memory follows the requests in
// flight, not the requests of the run.
struct InFlight {
  Ticket ticket;
  Nanos started = 0;
  Nanos service = 0;
  int64_t actual_tokens = 0;
};

class Simulation {
 public:
  Simulation(const Scenario& scenario, std::unique_ptr<Platform> platform, uint64_t seed)
      : run_(scenario.run),
        platform_(std::move(platform)),
        engine_(platform_->engine),
        recorder_(engine_),
        armed_(engine_.registry().model_count(), kNever) {
    const std::vector<StreamSpec>& specs = platform_->streams;
    streams_.reserve(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      streams_.push_back(Stream{ArrivalProcess(specs[i].traffic->shape, run_.duration),
                                Rng::ForStream(seed, i)});
    }
  }

  RunMetrics Run() {
    for (uint32_t i = 0; i < streams_.size(); ++i) ScheduleArrival(i);
    Nanos next_sample = run_.resolution;
    events_.Push(next_sample, kSample, 0, 0);
    Nanos now = 0;
    // Once no arrival is pending and nothing is in flight, what remains in the queue (samples, timers
    // of requests that already left) cannot change the outcome.
    while (!events_.Empty() && (pending_arrivals_ > 0 || in_flight_ > 0)) {
      if (!run_.drain && events_.Top().time > run_.duration) break;
      const Event event = events_.Pop();
      now = event.time;
      switch (event.kind) {
        case kArrival: Arrive(event.a, now); break;
        case kCompletion: Complete(event.b, now); break;
        case kExpiry: ExpireModel(event.a, now); break;
        case kSample:
          recorder_.Sample(now);
          next_sample = now + run_.resolution;
          events_.Push(next_sample, kSample, 0, 0);
          break;
      }
    }
    const Nanos end = run_.drain ? std::max(now, run_.duration) : run_.duration;
    // The series covers the whole run at its resolution, plus the partial interval at the end.
    for (; next_sample <= end; next_sample += run_.resolution) recorder_.Sample(next_sample);
    if (next_sample - run_.resolution < end) recorder_.Sample(end);
    for (uint64_t slot = 0; slot < requests_.size(); ++slot) {
      if (in_use_[slot]) recorder_.StillInFlight(requests_[slot].ticket.key);
    }
    return recorder_.Finish(end);
  }

 private:
  struct Stream {
    ArrivalProcess arrivals;
    Rng rng;
  };

  void ScheduleArrival(uint32_t stream) {
    const Nanos t = streams_[stream].arrivals.Next(streams_[stream].rng);
    if (t == kNever) return;
    events_.Push(t, kArrival, stream, 0);
    ++pending_arrivals_;
  }

  void Arrive(uint32_t stream_index, Nanos now) {
    --pending_arrivals_;
    const StreamSpec& spec = platform_->streams[stream_index];
    const RequestDraw draw = DrawRequest(*spec.traffic, *spec.service, streams_[stream_index].rng);
    const uint64_t slot = AllocateSlot();
    requests_[slot].service = draw.service;
    requests_[slot].actual_tokens = draw.actual_tokens();
    requests_[slot].ticket.key = spec.key;
    recorder_.Offered(spec.key);
    effects_.Clear();
    engine_.Arrive(spec.key, slot, draw.token_estimate(), now, &effects_);
    Apply(spec.model, now);
    ScheduleArrival(stream_index);
  }

  void Complete(uint64_t slot, Nanos now) {
    const InFlight& request = requests_[slot];
    recorder_.Succeeded(request.ticket.key, now - request.ticket.arrival);
    effects_.Clear();
    engine_.Complete(request.ticket, request.actual_tokens, now, &effects_);
    const ModelId model = request.ticket.model;
    FreeSlot(slot);
    Apply(model, now);
  }

  void ExpireModel(ModelId model, Nanos now) {
    if (armed_[model] != now) return;  // superseded by an earlier deadline, already handled
    armed_[model] = kNever;
    effects_.Clear();
    engine_.Wake(model, now, &effects_);
    Apply(model, now);
  }

  // Acts on what the last engine call on `model` caused.
  void Apply(ModelId model, Nanos now) {
    for (const Ticket& ticket : effects_.started) {
      InFlight& request = requests_[ticket.request];
      request.ticket = ticket;
      request.started = now;
      recorder_.Started(ticket.key, now - ticket.arrival);
      events_.Push(now + request.service, kCompletion, 0, ticket.request);
    }
    for (const Failure& failure : effects_.failed) {
      recorder_.Failed(failure.ticket.key, failure.attribution.error_type);
      FreeSlot(failure.ticket.request);
    }
    recorder_.Occupancy(model, now);
    const Nanos deadline = engine_.NextWakeup(model);
    if (deadline < armed_[model] || armed_[model] < now) {
      armed_[model] = deadline;
      if (deadline != kNever) events_.Push(std::max(deadline, now), kExpiry, model, 0);
    }
  }

  uint64_t AllocateSlot() {
    ++in_flight_;
    if (!free_slots_.empty()) {
      const uint64_t slot = free_slots_.back();
      free_slots_.pop_back();
      in_use_[slot] = true;
      return slot;
    }
    requests_.emplace_back();
    in_use_.push_back(true);
    return requests_.size() - 1;
  }

  void FreeSlot(uint64_t slot) {
    --in_flight_;
    in_use_[slot] = false;
    free_slots_.push_back(slot);
  }

  const RunSpec run_;
  std::unique_ptr<Platform> platform_;
  Engine& engine_;
  MetricsRecorder recorder_;
  EventQueue events_;
  std::vector<Stream> streams_;
  std::vector<InFlight> requests_;
  std::vector<bool> in_use_;
  std::vector<uint64_t> free_slots_;
  std::vector<Nanos> armed_;  // per model: the time of the pending expiry event, kNever if none
  int64_t in_flight_ = 0;         // requests between arrival and outcome
  int64_t pending_arrivals_ = 0;  // streams with an arrival in the queue
  Effects effects_;
};

}  // namespace

absl::StatusOr<RunResult> Simulate(const Scenario& scenario, const PolicySpec& policy, uint64_t seed,
                                   const SimulationOptions& options) {
  absl::StatusOr<std::unique_ptr<Platform>> platform = BuildPlatform(scenario, policy);
  if (!platform.ok()) return platform.status();
  RunResult result{policy.label, seed, {}, {}, RunMetrics(0, 0)};
  const KeyRegistry& names = (*platform)->engine.registry();
  for (OrgId org = 0; org < names.org_count(); ++org) result.org_names.push_back(names.org_name(org));
  for (ModelId model = 0; model < names.model_count(); ++model) {
    result.model_names.push_back(names.model_name(model));
  }
  Simulation simulation(scenario, *std::move(platform), seed);
  result.metrics = simulation.Run();
  return result;
}

}  // namespace ratesim
