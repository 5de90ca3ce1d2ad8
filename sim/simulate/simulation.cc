#include "sim/simulate/simulation.h"

#include <algorithm>
#include <cassert>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "sim/des/event_queue.h"
#include "sim/des/random.h"
#include "sim/des/slot_pool.h"
#include "sim/metrics/recorder.h"
#include "sim/scenario/trace_reader.h"
#include "sim/simulate/arrival_process.h"
#include "sim/simulate/cancellation.h"
#include "sim/simulate/capacity_controller.h"
#include "sim/simulate/client_gate.h"
#include "sim/simulate/client_retry.h"
#include "sim/simulate/platform.h"
#include "sim/simulate/request_sampler.h"

namespace ratesim {
namespace {

// The least time between a closed-loop worker's request ending and its next one: a round trip.
constexpr Nanos kClientTurnaround = kNanosPerMillisecond;

// How often the event loop looks for a cancellation (cancellation.h) and publishes its simulated
// time for a progress line (run_progress.h): a power of two, so the test is a mask. A few thousand
// events take well under a millisecond, so a run stops at once, and one relaxed load (and store)
// per 4096 events costs nothing measurable.
constexpr uint64_t kEventsPerCancellationCheck = 4096;

enum EventKind : uint32_t {
  kArrival,         // a = stream: a new request
  kRetry,           // b = request slot: its next attempt
  kCompletion,      // b = request slot, a = its attempt's tag
  kTimeout,         // b = request slot, a = its attempt's tag: the client stops waiting
  kClientRelease,   // a = stream, b = its gate's index: a client may send attempts it held back
  kWake,            // a = model: a deadline or pacing release of its policy
  kCapacityChange,  // a = model, b = index in its schedule
  kAutoscale,       // a = model
  kReplicasReady,   // a = model, b = generation << 32 | count
};

// A request between its arrival and its outcome, across its attempts. Slots are reused, so memory
// follows the requests in flight, not the requests of the run.
struct InFlight {
  InFlight() = default;
  // A new request's first attempt. Every other field keeps its initial value.
  InFlight(uint64_t id, uint32_t stream, Nanos arrival, bool measured, KeyId key, ModelId model,
           const RequestDraw& draw)
      : id(id),
        stream(stream),
        first_arrival(arrival),
        measured(measured),
        key(key),
        model(model),
        draw(draw) {}

  Ticket ticket;  // of the current attempt
  uint64_t id = 0;
  uint32_t stream = 0;
  // Names the current attempt in its timers (completion, timeout), which outlive it when it ends
  // otherwise; 0 between attempts and once the slot is free, so a stale timer finds no match.
  uint32_t tag = 0;
  int64_t attempt = 1;
  Nanos first_arrival = 0;
  Nanos sent = 0;  // of the current attempt
  Nanos started = -1;
  // Its client gave up waiting, but the platform still holds the attempt (it ignores disconnects,
  // or lets a running request finish): served or failed, it then ends unseen. The client's request
  // went on in another slot.
  bool abandoned = false;
  // It first arrived after the run's warm-up, so RunMetrics counts it (MetricsRecorder).
  bool measured = true;
  KeyId key = 0;
  ModelId model = 0;
  RequestDraw draw{};
  SmoothingPolicy::Admission admission = SmoothingPolicy::Admission::kServe;
};

class Simulation {
 public:
  Simulation(const Scenario& scenario, std::unique_ptr<Platform> platform, uint64_t seed,
             const SimulationOptions& options, SeriesSink* series)
      : run_(scenario.run),
        platform_(std::move(platform)),
        engine_(platform_->engine),
        recorder_(engine_, series,
                  RecorderOptions{scenario.run.warmup,
                                  options.summarise_rates
                                      ? std::optional<Nanos>(scenario.run.duration)
                                      : std::nullopt}),
        observer_(options.observer),
        progress_(options.progress),
        armed_(engine_.registry().model_count(), kNever) {
    const std::vector<StreamSpec>& specs = platform_->streams;
    streams_.reserve(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      // Retries draw from their own generator so that, whatever a policy does, the first attempts
      // of every stream are identical across policies.
      const TrafficShape shape = specs[i].traffic ? specs[i].traffic->shape : TrafficShape{};
      streams_.push_back(Stream{ArrivalProcess(shape, run_.duration), Rng::ForStream(seed, 2 * i),
                                Rng::ForStream(seed, 2 * i + 1), nullptr, TraceRow{},
                                std::nullopt});
      if (specs[i].traffic != nullptr) {
        streams_.back().sampler.emplace(*specs[i].traffic,
                                        platform_->models[specs[i].model]->service);
      }
    }
    for (const ModelSpec* model : platform_->models) controllers_.emplace_back(*model);
    const bool clients_time_out =
        std::any_of(specs.begin(), specs.end(),
                    [](const StreamSpec& spec) { return spec.client->timeout != kNever; });
    if (clients_time_out) recorder_.SeriesCountsTimeouts();
  }

  absl::StatusOr<RunMetrics> Run() {
    if (absl::Status status = Start(); !status.ok()) return status;
    Nanos next_sample = run_.resolution;
    Nanos now = 0;
    uint64_t handled = 0;
    // Once no arrival is pending and nothing is in flight, what remains in the queue (samples,
    // timers of requests that already left, capacity changes) cannot change any outcome.
    while (!events_.Empty() && (pending_arrivals_ > 0 || requests_.in_use() > 0)) {
      if (!run_.drain && events_.Top().time > run_.duration) break;
      if ((++handled & (kEventsPerCancellationCheck - 1)) == 0) {
        if (CancellationRequested()) return CancelledStatus();
        if (progress_ != nullptr) progress_->store(now, std::memory_order_relaxed);
      }
      // A sample at t closes the interval [t - resolution, t): it is taken before the events at t,
      // so that the levels it reads (slots, buffer, rates) are those the interval ended with, not
      // those of a capacity change scheduled at t.
      for (const Nanos next = events_.Top().time; next_sample <= next; next_sample += run_.resolution) {
        recorder_.Sample(next_sample);
      }
      const Event event = events_.Pop();
      now = event.time;
      switch (event.kind) {
        case kArrival: NewRequest(event.a, now); break;
        case kRetry: Send(event.b, now); break;
        case kCompletion: Complete(event.b, event.a, now); break;
        case kTimeout: TimedOut(event.b, event.a, now); break;
        case kClientRelease:
          ReleaseHeldBack(GateId{event.a, static_cast<uint32_t>(event.b)}, now);
          break;
        case kWake: Wake(event.a, now); break;
        case kCapacityChange: ScheduledChange(event.a, event.b, now); break;
        case kAutoscale: Autoscale(event.a, now); break;
        case kReplicasReady: ReplicasReady(event.a, event.b, now); break;
      }
      if (!error_.ok()) return error_;
    }
    const Nanos end = run_.drain ? std::max(now, run_.duration) : run_.duration;
    // The series covers the whole run at its resolution, plus the partial interval at the end.
    for (; next_sample <= end; next_sample += run_.resolution) recorder_.Sample(next_sample);
    if (next_sample - run_.resolution < end) recorder_.Sample(end);
    requests_.ForEachInUse([&](const InFlight& request) {
      if (!request.abandoned) recorder_.StillInFlight(request.key, request.measured);
    });
    RunMetrics metrics = recorder_.Finish(end);
    const KeyRegistry& keys = engine_.registry();
    for (KeyId key = 0; key < keys.key_count(); ++key) {
      if (const NonFiniteCounts counts = engine_.NonFiniteResults(key); counts.total() > 0) {
        metrics.non_finite_rates.push_back({keys.key_org(key), keys.key_model(key), counts});
      }
    }
    return metrics;
  }

 private:
  struct Stream {
    ArrivalProcess arrivals;
    Rng rng;        // arrivals and request draws
    Rng retry_rng;  // retry jitter
    std::unique_ptr<TraceReader> trace;  // trace streams; out of line (a file stream is ~0.5 KB)
    TraceRow next_row;  // the row of the pending arrival, trace streams
    std::optional<RequestSampler> sampler;  // traffic streams
    KeyId next_key = 0;  // next_row's key
    // Its clients' gates, used only when its client holds back: one, or one per org of a trace.
    std::vector<ClientGate> gates{};
  };

  absl::Status Start() {
    for (uint32_t i = 0; i < streams_.size(); ++i) {
      const StreamSpec& spec = platform_->streams[i];
      if (spec.trace != nullptr) {
        absl::StatusOr<TraceReader> reader = TraceReader::Open(spec.trace->path);
        if (!reader.ok()) return reader.status();
        streams_[i].trace = std::make_unique<TraceReader>(*std::move(reader));
        ScheduleArrival(i);
      } else if (spec.traffic->shape.kind == TrafficShape::Kind::kClosedLoop) {
        const TrafficShape& shape = spec.traffic->shape;
        for (int64_t w = 0; w < shape.workers; ++w) PushArrival(i, shape.start);
      } else {
        ScheduleArrival(i);
      }
      if (!error_.ok()) return error_;
    }
    for (ModelId model = 0; model < platform_->models.size(); ++model) {
      const ModelSpec& spec = *platform_->models[model];
      for (size_t i = 0; i < spec.schedule.size(); ++i) {
        events_.Push(spec.schedule[i].at, kCapacityChange, model, i);
      }
      if (spec.autoscaler.enabled) events_.Push(spec.autoscaler.interval, kAutoscale, model, 0);
    }
    return absl::OkStatus();
  }

  // --- Requests --------------------------------------------------------------------------------

  void PushArrival(uint32_t stream, Nanos t) {
    const TrafficShape& shape = platform_->streams[stream].traffic->shape;
    if (t >= run_.duration || t >= shape.stop) return;
    events_.Push(t, kArrival, stream, 0);
    ++pending_arrivals_;
  }

  void ScheduleArrival(uint32_t stream_index) {
    Stream& stream = streams_[stream_index];
    Nanos t = kNever;
    if (stream.trace != nullptr) {
      absl::StatusOr<bool> more = stream.trace->Next(&stream.next_row);
      if (!more.ok()) {
        error_ = more.status();
        return;
      }
      if (*more && stream.next_row.time < run_.duration) {
        const TraceRow& row = stream.next_row;
        const std::optional<KeyId> key = platform_->TraceKey(row.org, row.model);
        if (!key.has_value()) {
          error_ = absl::FailedPreconditionError(fmt::format(
              "{}:{}: error: org '{}' on model '{}' was not in the trace when the scenario loaded: "
              "the file changed during the run; run again on a trace that stays put",
              stream.trace->path(), stream.trace->line(), row.org, row.model));
          return;
        }
        stream.next_key = *key;
        t = row.time;
      }
    } else {
      t = stream.arrivals.Next(stream.rng);
    }
    if (t == kNever) return;
    events_.Push(t, kArrival, stream_index, 0);
    ++pending_arrivals_;
  }

  void NewRequest(uint32_t stream_index, Nanos now) {
    --pending_arrivals_;
    const StreamSpec& spec = platform_->streams[stream_index];
    Stream& stream = streams_[stream_index];
    KeyId key = spec.key;
    ModelId model = spec.model;
    RequestDraw draw{};
    if (spec.trace != nullptr) {
      const TraceRow& row = stream.next_row;
      key = stream.next_key;
      model = engine_.registry().key_model(key);
      draw.input_tokens = row.input_tokens;
      draw.output_tokens = row.output_tokens;
      draw.max_output_tokens = std::max(row.output_tokens, spec.trace->max_output_tokens);
      draw.service = DrawService(platform_->models[model]->service, row.input_tokens,
                                 row.output_tokens, stream.rng);
    } else {
      draw = stream.sampler->Draw(stream.rng);
    }
    const bool measured = now >= run_.warmup;
    const uint64_t slot = requests_.Allocate(
        InFlight(next_request_id_++, stream_index, now, measured, key, model, draw));
    recorder_.Offered(key, measured);
    Send(slot, now);
    if (spec.traffic == nullptr || spec.traffic->shape.kind != TrafficShape::Kind::kClosedLoop) {
      ScheduleArrival(stream_index);
    }
  }

  // The client of `slot` is due to send its next attempt: it does, unless it holds it back.
  void Send(uint64_t slot, Nanos now) {
    const ClientSpec& client = ClientOf(requests_[slot]);
    if (!client.holds_back()) {
      Attempt(slot, now);
      return;
    }
    const GateId id = GateOf(requests_[slot]);
    if (Gate(id).Admit(client, slot, now)) {
      Attempt(slot, now);
    } else {
      ArmRelease(id, now);
    }
  }

  // A client that holds back: a traffic stream's, or one org's of a trace (each org of a recorded
  // trace is a client of its own, as each [[orgs.traffic]] is).
  struct GateId {
    uint32_t stream;
    uint32_t index;  // the org's id for a trace, else 0
  };

  GateId GateOf(const InFlight& request) const {
    const bool trace = platform_->streams[request.stream].trace != nullptr;
    return {request.stream, trace ? engine_.registry().key_org(request.key) : 0};
  }

  ClientGate& Gate(GateId id) {
    std::vector<ClientGate>& gates = streams_[id.stream].gates;
    if (id.index >= gates.size()) gates.resize(size_t{id.index} + 1);
    return gates[id.index];
  }

  void ArmRelease(GateId id, Nanos now) {
    Nanos at = 0;
    if (Gate(id).NeedsWake(*platform_->streams[id.stream].client, now, &at)) {
      events_.Push(at, kClientRelease, id.stream, id.index);
    }
  }

  void ReleaseHeldBack(GateId id, Nanos now) {
    const ClientSpec& client = *platform_->streams[id.stream].client;
    Gate(id).Woken();
    // An attempt sent may end at once (refused) and free its place for the next one.
    for (uint64_t slot = 0; Gate(id).Release(client, now, &slot);) Attempt(slot, now);
    ArmRelease(id, now);
  }

  // The current attempt of `slot` has its answer, or its client stopped waiting for one: under
  // max_in_flight its place frees for an attempt held back.
  void AttemptEnded(uint64_t slot, Nanos now) {
    if (!ClientOf(requests_[slot]).holds_back()) return;
    const GateId id = GateOf(requests_[slot]);
    Gate(id).Ended();
    ArmRelease(id, now);
  }

  void Attempt(uint64_t slot, Nanos now) {
    InFlight& request = requests_[slot];
    if (request.attempt > 1) recorder_.Retried(request.key, request.measured);
    request.sent = now;
    request.tag = next_tag_++;
    if (next_tag_ == 0) next_tag_ = 1;
    effects_.Clear();
    const Engine::ArrivalResult arrival =
        engine_.Arrive(request.key, slot, request.draw.token_estimate(), now, &effects_);
    request.admission = arrival.admission;
    request.ticket.rate_class = arrival.rate_class;  // for an audit of a timeout while buffered
    if (arrival.rate_class != RateClass::kWithin) recorder_.OverRate(request.key, request.measured);
    // A buffered attempt may outwait its client; one served at once is checked as it starts.
    if (request.admission == SmoothingPolicy::Admission::kBuffered) ArmTimeout(slot, kNever);
    Apply(request.model, now);
  }

  const ClientSpec& ClientOf(const InFlight& request) const {
    return *platform_->streams[request.stream].client;
  }

  // Schedules the client's timeout of the current attempt of `slot`, if it has one that falls
  // before `ends` (the attempt's completion if known, else kNever).
  void ArmTimeout(uint64_t slot, Nanos ends) {
    const InFlight& request = requests_[slot];
    const Nanos timeout = ClientOf(request).timeout;
    if (timeout == kNever || timeout > kNever - request.sent) return;
    const Nanos deadline = request.sent + timeout;
    if (deadline < ends) events_.Push(deadline, kTimeout, request.tag, slot);
  }

  // The client of the attempt `tag` of `slot` gives up waiting for its response, if it is still
  // waiting. The platform notices as its model's on_disconnect says: it withdraws a buffered
  // request, stops a running one, or goes on serving it to no one.
  void TimedOut(uint64_t slot, uint32_t tag, Nanos now) {
    if (requests_[slot].tag != tag || requests_[slot].abandoned) return;
    const InFlight& request = requests_[slot];
    const ModelId model = request.model;
    const ModelSpec::OnDisconnect on_disconnect = platform_->models[model]->on_disconnect;
    const bool running = request.started >= 0;
    // A response due at this very instant arrives in time, as ArmTimeout has it for an attempt
    // served at once: a buffered attempt's timer, armed before its completion, comes first in the
    // queue at a tie.
    if (running && request.started + request.draw.service <= now) return;
    effects_.Clear();
    if (!running && on_disconnect != ModelSpec::OnDisconnect::kIgnore) {
      [[maybe_unused]] const bool withdrawn =
          engine_.Withdraw(request.key, slot, request.sent, now);
      assert(withdrawn);  // a buffered attempt the engine failed or started has a new tag
    } else if (running && on_disconnect == ModelSpec::OnDisconnect::kCancel) {
      engine_.Release(request.ticket, now, &effects_);
    } else {
      slot = Abandon(slot);
    }
    GaveUpWaiting(slot, now);
    Apply(model, now);
  }

  // Leaves the attempt in `slot` to the platform, unwaited for, and moves its client's request to a
  // new slot, whose number it returns.
  uint64_t Abandon(uint64_t slot) {
    const InFlight client = requests_[slot];  // a copy: Allocate may move the pool
    requests_[slot].abandoned = true;
    return requests_.Allocate(client);
  }

  // The client gave up waiting for the current attempt of `slot`: it retries, as after a failure
  // without headers, or the request ends timed out.
  void GaveUpWaiting(uint64_t slot, Nanos now) {
    AttemptEnded(slot, now);
    InFlight& request = requests_[slot];
    const Nanos delay = NextAttemptDelay(request, /*reset_s=*/0.0, now);
    const bool final = delay == kNever;
    AuditTimeout(request, now, final);
    recorder_.AttemptTimedOut(request.key, request.measured, final);
    if (final) {
      EndRequest(slot, now);
    } else {
      RetryLater(slot, delay, now);
    }
  }

  // How long the client of `request` waits before its next attempt, after the current one failed
  // with a response whose x-ratelimit-reset was `reset_s` (0 if none); kNever when the request ends
  // with it (also for a retry past the end of time).
  Nanos NextAttemptDelay(InFlight& request, double reset_s, Nanos now) {
    const Nanos delay =
        RetryDelay(ClientOf(request), request.attempt, reset_s, streams_[request.stream].retry_rng);
    return delay > kNever - now ? kNever : delay;
  }

  void RetryLater(uint64_t slot, Nanos delay, Nanos now) {
    InFlight& request = requests_[slot];
    ++request.attempt;
    request.started = -1;
    request.tag = 0;
    events_.Push(now + delay, kRetry, 0, slot);
  }

  void Complete(uint64_t slot, uint32_t tag, Nanos now) {
    if (requests_[slot].tag != tag) return;  // stopped when its client gave up (kCancel)
    if (requests_[slot].abandoned) {
      ServedAfterTimeout(slot, now);
      return;
    }
    AttemptEnded(slot, now);
    const InFlight& request = requests_[slot];
    recorder_.Succeeded(request.key, request.measured, now - request.first_arrival);
    effects_.Clear();
    engine_.Complete(request.ticket, request.draw.actual_tokens(), now, &effects_);
    // After the engine recorded the success: the response's headers count it.
    Audit(request, now, HttpStatus::kOk, ErrorType::kNone, FailReason::kNoCapacity, true);
    const ModelId model = request.model;
    EndRequest(slot, now);
    Apply(model, now);
  }

  // An attempt its client had given up on was served to the end: the platform counts a success
  // (it never knew), the client has long moved on.
  void ServedAfterTimeout(uint64_t slot, Nanos now) {
    const InFlight& request = requests_[slot];
    recorder_.ServedAfterTimeout(request.key, request.measured);
    effects_.Clear();
    engine_.Complete(request.ticket, request.draw.actual_tokens(), now, &effects_);
    const ModelId model = request.model;
    FreeSlot(slot);
    Apply(model, now);
  }

  // A failed attempt: the client retries or the request ends with this failure.
  void Fail(const Failure& failure, Nanos now) {
    const uint64_t slot = failure.ticket.request;
    InFlight& request = requests_[slot];
    if (request.abandoned) {  // a response no one reads
      recorder_.FailedAfterTimeout(request.key, request.measured);
      FreeSlot(slot);
      return;
    }
    request.ticket = failure.ticket;
    AttemptEnded(slot, now);
    // Only a 429's x-ratelimit-reset says when to come back: it is when the org's rate has room.
    // A 503 comes from a lack of capacity, which the header says nothing of.
    const bool reset_applies =
        ClientOf(request).on_failure == ClientSpec::OnFailure::kHonorReset &&
        failure.attribution.status == HttpStatus::kTooManyRequests;
    // The client acts on the header as sent, in whole milliseconds.
    const double reset_s =
        reset_applies
            ? ResetAsSent(engine_.Headers(request.key, now, request.draw.token_estimate()).reset_s)
            : 0.0;
    const Nanos delay = NextAttemptDelay(request, reset_s, now);
    const bool final = delay == kNever;
    Audit(request, now, failure.attribution.status, failure.attribution.error_type, failure.reason,
          final);
    recorder_.AttemptFailed(request.key, request.measured, failure.reason);
    if (final) {
      recorder_.Failed(request.key, request.measured, failure.attribution.error_type);
      EndRequest(slot, now);
      return;
    }
    RetryLater(slot, delay, now);
  }

  // The request has its outcome: a closed-loop worker thinks, then sends its next one.
  void EndRequest(uint64_t slot, Nanos now) {
    const StreamSpec& spec = platform_->streams[requests_[slot].stream];
    if (spec.traffic != nullptr && spec.traffic->shape.kind == TrafficShape::Kind::kClosedLoop) {
      // No client sends again within the same instant its previous request ended: a worker with no
      // think time whose requests fail at once would otherwise never let the clock move.
      PushArrival(requests_[slot].stream,
                  now + std::max(spec.traffic->shape.think_time, kClientTurnaround));
    }
    FreeSlot(slot);
  }

  void FreeSlot(uint64_t slot) {
    requests_[slot].tag = 0;
    requests_.Free(slot);
  }

  void Audit(const InFlight& request, Nanos now, HttpStatus status, ErrorType type,
             FailReason reason, bool final) {
    if (observer_ == nullptr) return;
    AttemptRecord record = AuditRecord(request, now, final);
    record.status = status;
    record.error_type = type;
    record.reason = reason;
    record.headers = engine_.Headers(request.key, now, request.draw.token_estimate());
    observer_->OnAttemptEnd(record, engine_.registry());
  }

  // The client gave up waiting: no response, so no status and no headers.
  void AuditTimeout(const InFlight& request, Nanos now, bool final) {
    if (observer_ == nullptr) return;
    AttemptRecord record = AuditRecord(request, now, final);
    record.timed_out = true;
    observer_->OnAttemptEnd(record, engine_.registry());
  }

  // What every audit record of the current attempt of `request`, ending at `now`, says.
  AttemptRecord AuditRecord(const InFlight& request, Nanos now, bool final) const {
    AttemptRecord record;
    record.request = request.id;
    record.attempt = request.attempt;
    record.final = final;
    record.key = request.key;
    record.org = engine_.registry().key_org(request.key);
    record.model = request.model;
    record.stream = platform_->streams[request.stream].org_stream;
    record.arrival = request.sent;
    record.started = request.started;
    record.ended = now;
    record.rate_class = request.ticket.rate_class;
    record.admission = request.admission;
    record.input_tokens = request.draw.input_tokens;
    record.output_tokens = request.draw.output_tokens;
    return record;
  }

  // Acts on what the last engine call on `model` caused.
  void Apply(ModelId model, Nanos now) {
    for (const Ticket& ticket : effects_.started) {
      InFlight& request = requests_[ticket.request];
      request.ticket = ticket;
      request.started = now;
      recorder_.Started(ticket.key, request.measured, now - ticket.arrival);
      const Nanos ends = now + request.draw.service;
      events_.Push(ends, kCompletion, request.tag, ticket.request);
      // A buffered attempt's timeout is armed already.
      if (request.admission != SmoothingPolicy::Admission::kBuffered && !request.abandoned) {
        ArmTimeout(ticket.request, ends);
      }
    }
    for (const Failure& failure : effects_.failed) Fail(failure, now);
    recorder_.Occupancy(model, now);
    const Nanos wakeup = engine_.NextWakeup(model);
    if (wakeup < armed_[model] || armed_[model] < now) {
      armed_[model] = wakeup;
      if (wakeup != kNever) events_.Push(std::max(wakeup, now), kWake, model, 0);
    }
  }

  void Wake(ModelId model, Nanos now) {
    if (armed_[model] != now) return;  // superseded by an earlier wake-up, already handled
    armed_[model] = kNever;
    effects_.Clear();
    engine_.Wake(model, now, &effects_);
    Apply(model, now);
  }

  // --- Capacity ------------------------------------------------------------------------------------

  void SetReplicas(ModelId model, Nanos now) {
    const int64_t replicas = controllers_[model].replicas();
    effects_.Clear();
    engine_.SetCapacity(model, replicas * platform_->models[model]->concurrency,
                        Scaled(platform_->capacity_per_replica[model], replicas), now, &effects_);
    Apply(model, now);
  }

  void ScheduledChange(ModelId model, uint64_t index, Nanos now) {
    controllers_[model].Set(platform_->models[model]->schedule[index].replicas, now);
    SetReplicas(model, now);
  }

  void Autoscale(ModelId model, Nanos now) {
    const AutoscalerSpec& spec = platform_->models[model]->autoscaler;
    recorder_.Occupancy(model, now);
    const ModelUsage& usage = recorder_.usage(model);
    CapacityController& controller = controllers_[model];
    const CapacityController::Decision decision =
        controller.Evaluate(now, usage.busy_slot_ns, usage.slot_ns);
    if (decision.order > 0) {
      events_.Push(now + spec.provisioning_delay, kReplicasReady, model,
                   controller.generation() << 32 | static_cast<uint64_t>(decision.order));
    }
    if (decision.remove > 0) SetReplicas(model, now);
    events_.Push(now + spec.interval, kAutoscale, model, 0);
  }

  void ReplicasReady(ModelId model, uint64_t packed, Nanos now) {
    if (controllers_[model].Ready(static_cast<int64_t>(packed & 0xffffffffu), packed >> 32, now)) {
      SetReplicas(model, now);
    }
  }

  const RunSpec run_;
  std::unique_ptr<Platform> platform_;
  Engine& engine_;
  MetricsRecorder recorder_;
  AttemptObserver* observer_;
  std::atomic<Nanos>* progress_;  // null: no progress line
  EventQueue events_;
  std::vector<Stream> streams_;
  std::vector<CapacityController> controllers_;  // by ModelId
  SlotPool<InFlight> requests_;  // requests between arrival and outcome, retries pending included
  std::vector<Nanos> armed_;  // per model: the time of the pending wake-up, kNever if none
  int64_t pending_arrivals_ = 0;  // new-request events in the queue
  uint64_t next_request_id_ = 0;
  uint32_t next_tag_ = 1;  // attempt tags; 0 is never one
  Effects effects_;
  absl::Status error_;  // a malformed trace row stops the run
};

// Hands each interval to two sinks: the caller's and the one keeping the series in the result.
class TeeSink : public SeriesSink {
 public:
  TeeSink(SeriesSink& first, SeriesSink& second) : first_(first), second_(second) {}
  void OnInterval(const std::vector<SeriesPoint>& points, const KeyRegistry& names) override {
    first_.OnInterval(points, names);
    second_.OnInterval(points, names);
  }

 private:
  SeriesSink& first_;
  SeriesSink& second_;
};

}  // namespace

absl::StatusOr<RunResult> Simulate(const Scenario& scenario, const PolicySpec& policy, uint64_t seed,
                                   const SimulationOptions& options) {
  if (CancellationRequested()) return CancelledStatus();
  absl::StatusOr<std::unique_ptr<Platform>> platform = BuildPlatform(scenario, policy);
  if (!platform.ok()) return platform.status();
  RunResult result{policy.label, seed, {}, {}, RunMetrics(0, 0)};
  const KeyRegistry& names = (*platform)->engine.registry();
  for (OrgId org = 0; org < names.org_count(); ++org) result.org_names.push_back(names.org_name(org));
  for (ModelId model = 0; model < names.model_count(); ++model) {
    result.model_names.push_back(names.model_name(model));
  }
  SeriesCollector kept;
  std::optional<TeeSink> both;
  SeriesSink* series = options.series;
  if (options.keep_series) {
    series = series == nullptr ? static_cast<SeriesSink*>(&kept) : &both.emplace(*series, kept);
  }
  Simulation simulation(scenario, *std::move(platform), seed, options, series);
  absl::StatusOr<RunMetrics> metrics = simulation.Run();
  if (!metrics.ok()) return metrics.status();
  result.metrics = *std::move(metrics);
  result.metrics.series = std::move(kept.points);
  return result;
}

}  // namespace ratesim
