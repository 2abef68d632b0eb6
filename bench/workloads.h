// The workloads: what each connection sends and how each answer is judged.
//
// A Session drives one connection through operations. An operation starts
// with begin(); each response is judged by next(), which may ask for a
// follow-up request (the next page of a sync, a retry after a 412). Sessions
// keep state across operations (the record timestamps the update sessions
// of a workload share, the _since of a sync client), and across --compare
// rounds.
//
// Thread-safety: a Session is used by one thread at a time; the Fixture it
// reads is shared and immutable; what sessions of one workload share is
// atomic.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/fixture.h"
#include "bench/http_message.h"
#include "bench/options.h"

namespace bench {

struct Step {
  bool success = true;            // false: an error, counted and shown
  std::string error_kind;         // short, for counting ("status 500")
  std::string error;              // a sentence, for the first-error line
  std::optional<Request> follow_up;
  bool retry = false;             // the follow-up answers a 412
  std::vector<int> sub_statuses;  // batch: the sub-responses' statuses
};

class Session {
 public:
  virtual ~Session() = default;
  // The first request of the next operation.
  virtual Request begin() = 0;
  // Judges the response to the last request.
  virtual Step next(const Response& response) = 0;
  // The operation was cut short (connection failure, end of the run).
  virtual void abandon() {}
};

class Workload {
 public:
  virtual ~Workload() = default;
  // A session for connection `index` (unique among the workload's sessions).
  virtual std::unique_ptr<Session> session(int index, uint64_t seed) = 0;
};

// Records `name` needs when --prefill is not given.
int64_t default_prefill(const Options& options);

// Checks that `fixture` can carry workload `options.workload` (e.g. read-one
// needs records); returns an error sentence or "".
std::string check_fixture(const Options& options, const Fixture& fixture);

// The workload `options.workload` (not "scale") over a set-up fixture. The
// fixture must outlive it. `list_since` seeds sync clients.
std::unique_ptr<Workload> make_workload(const Options& options, const Fixture& fixture,
                                        int64_t list_since);

// The usual judgement: 2xx is a success, anything else an error.
Step judge_status(const Request& request, const Response& response);

}  // namespace bench
