#include "http/batch.h"

#include <set>

#include "ratchet/json.h"

namespace ratchet {
namespace {

// Objects merge key by key (the request wins); anything else replaces.
void merge_defaults(Json& target, const Json& defaults) {
  for (const auto& [k, v] : defaults.items()) {
    auto it = target.find(k);
    if (it == target.end()) {
      target[k] = v;
    } else if (it->is_object() && v.is_object()) {
      merge_defaults(*it, v);
    }
  }
}

std::optional<ErrorDetail> check_request(const Json& r, size_t i) {
  static const std::set<std::string> kKeys{"method", "path", "headers", "body"};
  static const std::set<std::string> kMethods{"GET", "HEAD", "DELETE", "TRACE",
                                              "POST", "PUT", "PATCH"};
  std::string name = "requests." + std::to_string(i);
  if (!r.is_object()) return errors::not_a_mapping("body", name, r);
  Json unknown = Json::object();
  for (const auto& [k, v] : r.items()) {
    if (!kKeys.count(k)) unknown[k] = v;
  }
  if (!unknown.empty()) return errors::unrecognized_keys("body", name, unknown);
  auto method = r.find("method");
  if (method != r.end() && (!method->is_string() || !kMethods.count(method->get<std::string>()))) {
    return ErrorDetail{"body", name + ".method", dump(*method) + " is not one of GET, HEAD, DELETE, TRACE, POST, PUT, PATCH"};
  }
  auto path = r.find("path");
  if (path == r.end()) return ErrorDetail{"body", name + ".path", "Required"};
  if (!path->is_string() || path->get_ref<const std::string&>().rfind('/', 0) != 0) {
    return ErrorDetail{"body", name + ".path", "path should start with /"};
  }
  if (path->get_ref<const std::string&>().size() > kMaxTargetBytes) {
    return ErrorDetail{"body", name + ".path",
                       "path is longer than " + std::to_string(kMaxTargetBytes) + " bytes"};
  }
  std::string p = path->get<std::string>();
  p = p.substr(0, p.find('?'));
  p = p.substr(0, p.find_last_not_of('/') + 1);  // "/batch/" redirects to "/batch"
  if (p == "/batch" || p == "/v1/batch") {
    return ErrorDetail{"body", std::string("requests"), "Recursive call on /batch endpoint is forbidden."};
  }
  auto headers = r.find("headers");
  if (headers != r.end()) {
    if (!headers->is_object()) return errors::not_a_mapping("body", name + ".headers", *headers);
    for (const auto& [k, v] : headers->items()) {
      if (!v.is_string()) return ErrorDetail{"body", name + ".headers." + k, "should be a string"};
    }
  }
  auto body = r.find("body");
  if (body != r.end() && !body->is_object()) return errors::not_a_mapping("body", name + ".body", *body);
  return std::nullopt;
}

HttpRequest sub_request(const HttpRequest& outer, const Json& r) {
  HttpRequest sub;
  sub.method = r.value("method", "GET");
  std::string target = r["path"].get<std::string>();
  if (target != "/v1" && target.rfind("/v1/", 0) != 0 && target.rfind("/v1?", 0) != 0) {
    target = "/v1" + target;
  }
  size_t q = target.find('?');
  sub.path = httplib::detail::decode_url(target.substr(0, q), false);
  if (q != std::string::npos) sub.query = target.substr(q + 1);
  sub.params = parse_query(sub.query);
  sub.origin = outer.origin;
  sub.from_loopback = outer.from_loopback;
  sub.headers = outer.headers;
  sub.headers.erase("Content-Length");
  sub.headers.erase("Content-Type");
  if (r.contains("headers")) {
    for (const auto& [k, v] : r["headers"].items()) {
      sub.headers.erase(k);
      sub.headers.emplace(k, v.get<std::string>());
    }
  }
  if (r.contains("body")) {
    sub.body = dump(r["body"]);
    sub.headers.erase("Content-Type");
    sub.headers.emplace("Content-Type", "application/json; charset=utf-8");
  }
  return sub;
}

// One response of the batch. The frontend renders every body as JSON (or
// nothing), so it is spliced as it is, never parsed again.
std::string entry(const HttpRequest& sub, const HttpResponse& res) {
  Json headers = Json::object();
  for (const auto& [k, v] : res.headers) headers[k] = v;
  bool has_body = sub.method != "HEAD" && !res.body.empty();
  return "{\"body\":" + (has_body ? res.body : std::string("\"\"")) +
         ",\"headers\":" + dump(headers) + ",\"path\":" + quote(sub.path) +
         ",\"status\":" + std::to_string(res.status) + "}";
}

}  // namespace

HttpResponse run_batch(const HttpRequest& request, const Settings& settings,
                       const Dispatch& dispatch) {
  Json doc = Json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    try {
      doc = parse_json(request.body);
    } catch (const Json::exception& e) {
      return HttpResponse::of(errors::invalid_json(json_error_message(e)));
    }
  }
  if (!doc.is_object()) return HttpResponse::of(errors::invalid(errors::body_not_an_object(doc)));
  Json unknown = Json::object();
  for (const auto& [k, v] : doc.items()) {
    if (k != "requests" && k != "defaults") unknown[k] = v;
  }
  if (!unknown.empty()) {
    return HttpResponse::of(errors::invalid({errors::unrecognized_keys("body", "", unknown)}));
  }
  auto requests = doc.find("requests");
  if (requests == doc.end() || !requests->is_array()) {
    return HttpResponse::of(errors::invalid("body", std::string("requests"), "Required"));
  }
  Json defaults = doc.value("defaults", Json::object());
  if (!defaults.is_object()) {
    return HttpResponse::of(errors::invalid({errors::not_a_mapping("body", "defaults", defaults)}));
  }
  int64_t max = settings.batch_max_requests;
  if (max > 0 && static_cast<int64_t>(requests->size()) > max) {
    return HttpResponse::of(errors::invalid("body", std::string("requests"),
                                            "Number of requests is limited to " + std::to_string(max)));
  }
  std::vector<Json> merged;
  for (size_t i = 0; i < requests->size(); ++i) {
    Json r = (*requests)[i];
    if (r.is_object()) merge_defaults(r, defaults);
    if (auto problem = check_request(r, i)) return HttpResponse::of(errors::invalid({*problem}));
    merged.push_back(std::move(r));
  }
  std::string responses;
  for (const Json& r : merged) {
    HttpRequest sub = sub_request(request, r);
    HttpResponse res = dispatch(sub);
    if (res.status == 307 && res.headers.count("Location")) {
      // Follow one redirect (the trailing-slash one, typically).
      std::string location = res.headers.find("Location")->second;
      if (location.rfind(request.origin, 0) == 0) location = location.substr(request.origin.size());
      Json again = r;
      again["path"] = location;
      sub = sub_request(request, again);
      res = dispatch(sub);
    }
    // A server failure ends the batch and is its answer (§8.4); what ran
    // before it stays (each sub-request commits on its own).
    if (res.status >= 500) return res;
    responses += (responses.empty() ? "" : ",") + entry(sub, res);
  }
  HttpResponse out;
  out.body = "{\"responses\":[" + responses + "]}";
  return out;
}

}  // namespace ratchet
