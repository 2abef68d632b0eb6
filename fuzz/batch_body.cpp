// Fuzzes the body of POST /v1/batch (http/batch.h): run_batch with a
// dispatch that answers every sub-request at once (a 307 to the path
// without its trailing slashes, as the router does, else a fixed 200). The
// answer must be a 400 with a JSON error, or a 200 listing one response per
// sub-request; every sub-request dispatched must be one run_batch accepts.
//
// Input: the body.
#include <set>
#include <string>

#include "ratchet/json.h"
#include "fuzz/fuzz_input.h"
#include "http/batch.h"

namespace ratchet {
namespace {

const std::string kOrigin = "http://127.0.0.1:8888";

HttpResponse answer(const HttpRequest& sub) {
  static const std::set<std::string> kMethods{"GET", "HEAD", "DELETE", "TRACE",
                                              "POST", "PUT", "PATCH"};
  FUZZ_CHECK(kMethods.count(sub.method));
  FUZZ_CHECK(sub.path.rfind("/v1", 0) == 0);
  FUZZ_CHECK(sub.origin == kOrigin);
  if (sub.headers.count("Content-Type")) FUZZ_CHECK(sub.headers.count("Content-Type") == 1);
  HttpResponse r;
  if (sub.path.size() > 1 && sub.path.back() == '/') {
    r.status = 307;
    r.set_header("Location", kOrigin + sub.path.substr(0, sub.path.find_last_not_of('/') + 1));
    return r;
  }
  r.set_header("Content-Type", "application/json");
  r.body = R"({"data":{"id":"x","last_modified":1}})";
  return r;
}

}  // namespace
}  // namespace ratchet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  static const Settings settings;
  HttpRequest request;
  request.method = "POST";
  request.path = "/v1/batch";
  request.origin = kOrigin;
  request.headers.emplace("Content-Type", "application/json");
  request.headers.emplace("Authorization", "Basic YWxpY2U6c2VjcmV0");
  request.body = std::string(fuzz::text(data, size));
  size_t dispatched = 0;
  HttpResponse response = run_batch(request, settings, [&](const HttpRequest& sub) {
    ++dispatched;
    return answer(sub);
  });
  Json body = parse_json(response.body);
  FUZZ_CHECK(body.is_object());
  if (response.status == 200) {
    FUZZ_CHECK(body.contains("responses") && body["responses"].is_array());
    size_t n = body["responses"].size();
    FUZZ_CHECK(n <= static_cast<size_t>(settings.batch_max_requests));
    FUZZ_CHECK(n <= dispatched && dispatched <= 2 * n);
  } else {
    FUZZ_CHECK(response.status == 400 && dispatched == 0);
  }
  return 0;
}
