// A gateway in front of one model, using only engine/: the loop the README's "Using the engine in
// a gateway" describes, with the model faked by a fixed answer time. Built with the project; ctest
// runs it (examples/CMakeLists.txt) and checks the responses below.
//
// Two orgs on a model with 2 slots that answers in 2 s, behind a FIFO buffer that holds a request
// at most 3 s. Both orgs start at 60 RPM (one request per second). At 0 s "acme" sends 6 requests
// at once, five of them above its rate; at 0.5 s "steady" sends its one request of the second.
//   0 s    acme #1 and #2 start; #3 to #6 wait.
//   1 s    the client of acme #6 closes its connection: #6 leaves the buffer (Withdraw), unanswered.
//   2 s    #1 and #2 answer; #3 and #4 start (they came first).
//   3 s    #5 has waited 3 s: 429, it was above acme's rate.
//   3.5 s  steady's request has waited 3 s: 503, it was within its rate; the platform failed it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/rate_limit_headers.h"

namespace {

using ratesim::Nanos;

constexpr Nanos kAnswerTime = 2 * ratesim::kNanosPerSecond;
constexpr int64_t kTokens = 300;  // input + max output of every request, as classified

struct Request {
  std::string org;
  ratesim::KeyId key;
  int number;
  Nanos arrival;
};

class Gateway {
 public:
  Gateway() {
    absl::StatusOr<std::unique_ptr<ratesim::SmoothingPolicy>> fifo =
        ratesim::MakePolicy("fifo", {{"max_wait", 3.0}});
    absl::StatusOr<std::unique_ptr<ratesim::LimitFormula>> earned = ratesim::MakeFormula("earned", {});
    if (!fifo.ok() || !earned.ok()) std::abort();  // the registered defaults are valid
    model_ = engine_.AddModel("llama-3.3-70b", /*slots=*/2, ratesim::ModelCapacity{1, 2000},
                              *std::move(fifo));
    earned_ = engine_.AddFormula(*std::move(earned));
  }

  void Send(const std::string& org, int number, Nanos now) {
    RunUntil(now);
    const ratesim::KeyId key = engine_.AddKey(org, model_, earned_, now);  // found if known
    const uint64_t id = requests_.size();
    requests_.push_back({org, key, number, now});
    engine_.Arrive(key, id, kTokens, now, &effects_);
    Absorb(now);
  }

  // The client of `org`'s request `number` went away at `now`. A request still waiting leaves the
  // buffer; one running would be ended with Release instead (its slot frees, nothing is earned).
  void Disconnect(const std::string& org, int number, Nanos now) {
    RunUntil(now);
    for (uint64_t id = 0; id < requests_.size(); ++id) {
      const Request& request = requests_[id];
      if (request.org != org || request.number != number) continue;
      if (engine_.Withdraw(request.key, id, request.arrival, now)) {
        Print(now, id, "client gone: withdrawn from the buffer");
      }
    }
  }

  // Answers and buffer deadlines up to `end`, in time order.
  void RunUntil(Nanos end) {
    for (;;) {
      const Nanos answer = running_.empty() ? ratesim::kNever : running_.begin()->first;
      const Nanos wake = engine_.NextWakeup(model_);
      const Nanos now = std::min(answer, wake);
      if (now > end || now == ratesim::kNever) return;
      if (answer == now) {
        const ratesim::Ticket ticket = running_.begin()->second;
        running_.erase(running_.begin());
        engine_.Complete(ticket, kTokens, now, &effects_);
        Print(now, ticket.request, "HTTP 200");
        PrintHeaders(requests_[ticket.request].key, now);
      } else {
        engine_.Wake(model_, now, &effects_);
      }
      Absorb(now);
    }
  }

 private:
  void Absorb(Nanos now) {
    for (const ratesim::Ticket& ticket : effects_.started) {
      running_.emplace(now + kAnswerTime, ticket);
      Print(now, ticket.request, "started");
    }
    for (const ratesim::Failure& failure : effects_.failed) {
      const Request& request = requests_[failure.ticket.request];
      const ratesim::RateLimitHeaders headers = engine_.Headers(request.key, now, kTokens);
      Print(now, failure.ticket.request,
            "HTTP " + std::to_string(static_cast<int>(failure.attribution.status)) + " " +
                ratesim::ErrorBody(failure.attribution, headers, "llama-3.3-70b"));
      PrintHeaders(request.key, now);
    }
    effects_.Clear();
  }

  // Every response carries the org's rate-limit headers, a 200 too.
  void PrintHeaders(ratesim::KeyId key, Nanos now) const {
    for (const auto& [name, value] : ratesim::HeaderLines(engine_.Headers(key, now, kTokens))) {
      std::printf("           %s: %s\n", name.c_str(), value.c_str());
    }
  }

  void Print(Nanos now, uint64_t id, const std::string& what) const {
    const Request& request = requests_[id];
    std::printf("%6.3fs  %s #%d  %s\n", ratesim::ToSeconds(now), request.org.c_str(),
                request.number, what.c_str());
  }

  ratesim::Engine engine_;
  ratesim::ModelId model_;
  ratesim::FormulaId earned_;
  ratesim::Effects effects_;
  std::vector<Request> requests_;                  // by the id the engine carries
  std::multimap<Nanos, ratesim::Ticket> running_;  // by answer time
};

}  // namespace

int main() {
  Gateway gateway;
  for (int i = 1; i <= 6; ++i) gateway.Send("acme", i, 0);
  gateway.Send("steady", 1, ratesim::kNanosPerSecond / 2);
  gateway.Disconnect("acme", 6, ratesim::kNanosPerSecond);
  gateway.RunUntil(ratesim::kNever - 1);
  return 0;
}
