#include "http/frontend.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "ratchet/json.h"
#include "core/log.h"
#include "core/query.h"
#include "core/timestamp.h"
#include "http/authentication.h"
#include "http/batch.h"
#include "http/op_builder.h"
#include "http/utility_views.h"

namespace ratchet {
namespace {

const char kExposed[] =
    "Backoff, Retry-After, Alert, Content-Length, Content-Type, Next-Page, Last-Modified, ETag, "
    "Cache-Control, Expires, Pragma, Total-Objects, Total-Records";

std::optional<Verb> parse_verb(const std::string& method) {
  for (Verb v : {kGet, kHead, kPost, kPut, kPatch, kDelete}) {
    if (method == verb_name(v)) return v;
  }
  return std::nullopt;
}

// Accept allows JSON: absent, */*, application/* or application/json (§10.5).
bool accepts_json(const HttpRequest& request) {
  if (!request.has_header("Accept")) return true;
  std::string accept = request.header("Accept");
  size_t start = 0;
  while (start <= accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    std::string type = media_type(accept.substr(start, end - start));
    if (type == "*/*" || type == "application/*" || type == "application/json") return true;
    start = end + 1;
  }
  return false;
}

std::vector<std::string> body_media_types(Verb verb) {
  if (verb == kPatch) {
    return {"application/json", "application/merge-patch+json", "application/json-patch+json"};
  }
  return {"application/json"};
}

bool content_type_allowed(const HttpRequest& request, Verb verb) {
  if (!request.has_header("Content-Type")) return true;
  std::string type = media_type(request.header("Content-Type"));
  for (const auto& allowed : body_media_types(verb)) {
    if (type == allowed) return true;
  }
  return false;
}

// The query string without _limit and _token, for Next-Page.
std::string query_without_paging(const std::string& query) {
  std::string out;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    std::string name = pair.substr(0, pair.find('='));
    if (!pair.empty() && name != "_limit" && name != "_token") out += pair + "&";
    start = end + 1;
  }
  return out;
}

// §5.4: the type's setting, or the parent's attribute when larger.
void set_read_cache_headers(const Settings& settings, const Op& op, int64_t from_parent,
                            HttpResponse& r) {
  int64_t expires = -1;
  auto it = settings.cache_expires.find(op.resource);
  if (it != settings.cache_expires.end()) expires = it->second;
  expires = std::max(expires, from_parent);
  if (!op.user_id.empty() || expires < 0) {
    r.set_header("Cache-Control", "no-cache, no-store");
  } else if (expires == 0) {
    r.set_header("Cache-Control", "max-age=0, must-revalidate, no-cache, no-store");
    r.set_header("Expires", http_date(now_ms()));
    r.set_header("Pragma", "no-cache");
  } else {
    r.set_header("Cache-Control", "max-age=" + std::to_string(expires));
    r.set_header("Expires", http_date(now_ms() + expires * 1000));
  }
}

std::string iso_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d", buf, static_cast<int>(ms % 1000));
  return out;
}

// 405 errno 115 with the methods the route has (§1.3).
HttpResponse method_not_allowed(Verbs allowed) {
  HttpResponse r = HttpResponse::of(errors::method_not_allowed());
  r.set_header("Allow", allow_header(allowed));
  return r;
}

// §4.1: the path and the querystring must be UTF-8 once percent-decoded.
std::optional<Error> bad_encoding(const HttpRequest& request) {
  auto utf8 = [](const std::string& s) { return simdjson::validate_utf8(s.data(), s.size()); };
  if (!utf8(request.path)) return errors::bad_url();
  for (const auto& [name, value] : request.params) {
    if (!utf8(name) || !utf8(value)) {
      return errors::invalid("querystring", std::nullopt,
                             "A request with an incorrect encoding in the querystring was "
                             "received. Please make sure your requests are encoded in UTF-8.");
    }
  }
  return std::nullopt;
}

}  // namespace

HttpResponse Frontend::handle(const HttpRequest& request) {
  return logged(request, "request.summary",
                [this, &request](Exchange& exchange) { return dispatch(request, exchange); });
}

HttpResponse Frontend::refuse(const HttpRequest& request, const Error& error) {
  return logged(request, "request.summary",
                [&error](Exchange&) { return HttpResponse::of(error); });
}

template <class Respond>
HttpResponse Frontend::logged(const HttpRequest& request, const char* log_type, Respond respond) {
  auto start = std::chrono::steady_clock::now();
  Exchange exchange;
  HttpResponse response;
  try {
    response = respond(exchange);
  } catch (const std::exception& e) {
    spdlog::error("unhandled error on {} {}: {}", request.method, request.path, e.what());
    response = HttpResponse::of(errors::internal());
  }
  finish(request, response);
  if (!event_logged(log_type)) return response;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start).count();
  Json query = Json::object();
  for (const auto& [k, v] : request.params) query[k] = v;
  Json fields = {
      {"agent", request.header("User-Agent")},
      {"path", request.path},
      {"method", request.method},
      {"querystring", dump(query)},
      {"lang", request.header("Accept-Language")},
      {"uid", exchange.user_id.empty() ? Json() : Json(exchange.user_id)},
      {"authn_type", exchange.user_id.empty()
                         ? Json()
                         : Json(exchange.user_id.substr(0, exchange.user_id.find(':')))},
      {"errno", response.errno_},
      {"code", response.status},
      {"t", ms},
      {"time", iso_now()},
      {"rid", request.header("X-Request-Id")},
  };
  log_event(log_type, dump(fields));
  return response;
}

HttpResponse Frontend::dispatch(const HttpRequest& request, Exchange& exchange) {
  if (auto err = bad_encoding(request)) return HttpResponse::of(*err);
  exchange.user_id = authenticator_.user_id(request.header("Authorization"));
  const auto& hooks = node_.registry().request_hooks();
  if (hooks.empty() || request.method == "OPTIONS") return serve(request, exchange);
  // Plugins' hooks may rewrite the request (default_bucket) or refuse it.
  std::optional<HttpRequest> rewritten;
  for (const RequestHook& hook : hooks) {
    const HttpRequest& now = rewritten ? *rewritten : request;
    HookOutcome outcome = hook(node_, {now.method, now.path, now.body, exchange.user_id});
    if (outcome.error) return HttpResponse::of(*outcome.error);
    if (!outcome.path && !outcome.body) continue;
    if (!rewritten) rewritten = request;
    if (outcome.path) rewritten->path = std::move(*outcome.path);
    if (outcome.body) rewritten->body = std::move(*outcome.body);
  }
  return serve(rewritten ? *rewritten : request, exchange);
}

HttpResponse Frontend::serve(const HttpRequest& request, Exchange& exchange) {
  const Settings& settings = node_.settings();
  Route route = resolve(node_.registry(), request.path);
  if ((route.kind == Route::kPermissions && !settings.experimental_permissions_endpoint) ||
      (route.kind == Route::kCluster && !node_.clustered())) {
    route.kind = Route::kNotFound;
  }
  std::optional<Verb> verb = parse_verb(request.method);
  switch (route.kind) {
    case Route::kPrefixRedirect:
    case Route::kSlashRedirect: {
      // A method no route has is refused here, not sent elsewhere.
      if (!verb && request.method != "OPTIONS") {
        return method_not_allowed(resolve(node_.registry(), route.location).verbs());
      }
      HttpResponse r;
      if (request.method == "OPTIONS" && route.kind == Route::kPrefixRedirect) return r;
      r.status = 307;
      r.set_header("Location", request.origin + encode_path(route.location) +
                                   (request.query.empty() ? "" : "?" + request.query));
      if (route.kind == Route::kSlashRedirect) {
        constexpr int kTtl = 3600;  // Kinto's trailing_slash_redirect_ttl_seconds
        r.set_header("Cache-Control", "max-age=" + std::to_string(kTtl));
        r.set_header("Expires", http_date(now_ms() + kTtl * 1000));
      }
      return r;
    }
    case Route::kNotFound: return HttpResponse::of(errors::unknown_url());
    case Route::kWrongVersion: return HttpResponse::of(errors::version_not_available());
    default: break;
  }
  if (request.method == "OPTIONS") return preflight(route, request);
  if (!verb || !(route.verbs() & *verb) ||
      (settings.readonly && *verb != kGet && *verb != kHead)) {
    return method_not_allowed(route.verbs());
  }
  switch (route.kind) {
    case Route::kHello:
      exchange.principals = node_.principals(exchange.user_id);
      return hello(node_, request, exchange.user_id, exchange.principals);
    case Route::kHeartbeat: return heartbeat(node_);
    case Route::kLbHeartbeat: {
      HttpResponse r;
      r.body = "{}";
      return r;
    }
    case Route::kVersion: return version(settings);
    case Route::kCluster:
      exchange.principals = node_.principals(exchange.user_id);
      return cluster_view(node_, request, exchange.principals);
    case Route::kPermissions: {
      if (!accepts_json(request)) return HttpResponse::of(errors::not_acceptable());
      exchange.principals = node_.principals(exchange.user_id);
      Op op;
      op.verb = *verb;
      op.plural = true;
      op.user_id = exchange.user_id;
      op.principals = exchange.principals;
      op.params = request.params;
      return render(op, request, node_.list_permissions(op));
    }
    case Route::kBatch:
      if (!content_type_allowed(request, kPost)) {
        return HttpResponse::of(errors::unsupported_media_type(body_media_types(kPost)));
      }
      return run_batch(request, settings, [this](const HttpRequest& sub) {
        return logged(sub, "subrequest.summary",
                      [this, &sub](Exchange& exchange) { return dispatch(sub, exchange); });
      });
    default: return resource(route, *verb, request, exchange);
  }
}

HttpResponse Frontend::resource(const Route& route, Verb verb, const HttpRequest& request,
                                Exchange& exchange) {
  if (!accepts_json(request)) return HttpResponse::of(errors::not_acceptable());
  bool has_body = verb == kPost || verb == kPut || verb == kPatch;
  if (has_body && !content_type_allowed(request, verb)) {
    return HttpResponse::of(errors::unsupported_media_type(body_media_types(verb)));
  }
  if (route.type->per_user && exchange.user_id.empty()) {
    return HttpResponse::of(errors::unauthenticated());
  }
  exchange.principals = node_.principals(exchange.user_id);
  Op op = build_op(node_.registry(), route, verb, request, exchange.user_id, exchange.principals);
  return render(op, request, node_.execute(op));
}

HttpResponse Frontend::render(const Op& op, const HttpRequest& request, Result result) {
  HttpResponse r;
  r.status = result.status;
  r.errno_ = result.errno_;
  if (op.verb != kHead) r.body = std::move(result.body);
  if (result.timestamp >= 0) {
    r.set_header("ETag", etag(result.timestamp));
    r.set_header("Last-Modified", http_date(result.timestamp));
  }
  if (!result.next_token.empty()) {
    r.set_header("Next-Page", request.origin + encode_path(request.path) + "?" +
                                  query_without_paging(request.query) + "_limit=" +
                                  std::to_string(result.page_size) +
                                  "&_token=" + encode_query_value(result.next_token));
  }
  if (!result.alert.empty()) r.set_header("Alert", result.alert);
  if (result.total >= 0) {
    r.set_header("Total-Objects", std::to_string(result.total));
    r.set_header("Total-Records", std::to_string(result.total));
  }
  if ((op.verb == kGet || op.verb == kHead) && r.status == 200) {
    set_read_cache_headers(node_.settings(), op, result.cache_expires, r);
  }
  return r;
}

HttpResponse Frontend::preflight(const Route& route, const HttpRequest& request) {
  std::string method = request.header("Access-Control-Request-Method");
  std::optional<Verb> verb = parse_verb(method);
  if (!request.has_header("Origin") || !verb || !(route.verbs() & *verb)) {
    return HttpResponse::of(errors::invalid("header", std::string("Access-Control-Request-Method"),
                                            "CORS pre-flight needs Origin and an allowed method"));
  }
  HttpResponse r;
  r.set_header("Access-Control-Allow-Methods", allow_header(route.verbs()));
  if (request.has_header("Access-Control-Request-Headers")) {
    r.set_header("Access-Control-Allow-Headers", request.header("Access-Control-Request-Headers"));
  }
  r.set_header("Access-Control-Max-Age", "3600");
  return r;
}

void Frontend::finish(const HttpRequest& request, HttpResponse& response) const {
  if (response.status != 304) response.set_header("Content-Type", "application/json");
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Content-Security-Policy",
                      "default-src 'none'; frame-ancestors 'none'; base-uri 'none';");
  if (request.has_header("Origin")) {
    response.set_header("Access-Control-Allow-Origin", "*");
    response.set_header("Access-Control-Expose-Headers", kExposed);
  }
  if (response.errno_ == kMissingAuthToken) {
    response.set_header("WWW-Authenticate", "Basic realm=\"Realm\"");
  }
  if (response.status == 503) {
    response.set_header("Retry-After", std::to_string(node_.settings().retry_after_seconds));
  }
}

}  // namespace ratchet
