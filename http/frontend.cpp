#include "http/frontend.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <fnmatch.h>

#include <algorithm>
#include <chrono>

#include "ratchet/json.h"
#include "core/log.h"
#include "core/query.h"
#include "core/timestamp.h"
#include "http/authentication.h"
#include "http/batch.h"
#include "http/op_builder.h"
#include "http/openapi.h"
#include "http/utility_views.h"

namespace ratchet {
namespace {

// Access-Control-Expose-Headers (§10.4): the base set, and what each kind
// of read answers with.
#define RATCHET_EXPOSED_BASE "Backoff, Retry-After, Alert, Content-Length, Content-Type"
#define RATCHET_EXPOSED_CACHE "Last-Modified, ETag, Cache-Control, Expires, Pragma"
const char kExposedBase[] = RATCHET_EXPOSED_BASE;
const char kExposedObjectRead[] = RATCHET_EXPOSED_BASE ", " RATCHET_EXPOSED_CACHE;
const char kExposedPluralGet[] = RATCHET_EXPOSED_BASE ", Next-Page, " RATCHET_EXPOSED_CACHE;
const char kExposedPluralHead[] =
    RATCHET_EXPOSED_BASE ", Next-Page, " RATCHET_EXPOSED_CACHE ", Total-Objects, Total-Records";
#undef RATCHET_EXPOSED_BASE
#undef RATCHET_EXPOSED_CACHE

const char* exposed_headers(const Route& route, Verb verb) {
  if (route.kind != Route::kResource && route.kind != Route::kPermissions) return kExposedBase;
  bool plural = route.plural || route.kind == Route::kPermissions;
  if (verb == kHead) return plural ? kExposedPluralHead : kExposedObjectRead;
  if (verb == kGet) return plural ? kExposedPluralGet : kExposedObjectRead;
  return kExposedBase;
}

// The Access-Control-Allow-Origin for `origin` (§10.4): "*" when any
// origin is allowed, the origin itself when a glob matches it, else none.
std::optional<std::string> allowed_origin(const Settings& settings, const std::string& origin) {
  const auto& globs = settings.cors_origins;
  if (std::find(globs.begin(), globs.end(), "*") != globs.end()) return "*";
  for (const std::string& glob : globs) {
    if (fnmatch(glob.c_str(), origin.c_str(), 0) == 0) return origin;
  }
  return std::nullopt;
}

std::optional<Verb> parse_verb(const std::string& method) {
  for (Verb v : {kGet, kHead, kPost, kPut, kPatch, kDelete}) {
    if (method == verb_name(v)) return v;
  }
  return std::nullopt;
}

// One media range of an Accept header: "type/subtype;q=0.5".
struct MediaRange {
  std::string type;  // lower-cased
  double q = 1;
  bool other_parameters = false;  // parameters besides q
};

// Nullopt when `text` is not a media range.
std::optional<MediaRange> parse_media_range(const std::string& text) {
  MediaRange range;
  range.type = media_type(text);
  size_t slash = range.type.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == range.type.size()) return std::nullopt;
  for (size_t semi = text.find(';'); semi != std::string::npos;) {
    size_t next = text.find(';', semi + 1);
    std::string param = text.substr(semi + 1, next == std::string::npos ? next : next - semi - 1);
    size_t eq = param.find('=');
    std::string key = media_type(param.substr(0, eq));
    if (key == "q" && eq != std::string::npos) {
      range.q = std::atof(param.c_str() + eq + 1);
    } else if (!key.empty()) {
      range.other_parameters = true;
    }
    semi = next;
  }
  return range;
}

// Whether Accept allows application/json, as Kinto (WebOb) decides it
// (§10.5): the most specific matching range decides by its q; a range with
// parameters besides q matches nothing; a header that does not parse allows
// anything, an empty one nothing.
bool accepts_json(const HttpRequest& request) {
  if (!request.has_header("Accept")) return true;
  int best = -1;  // specificity of the deciding range: 0 */*, 1 application/*, 2 application/json
  bool allowed = false;
  for (const std::string& text : header_list(request.header("Accept"))) {
    std::optional<MediaRange> range = parse_media_range(text);
    if (!range) return true;
    const std::string& t = range->type;
    int specificity = t == "*/*" ? 0 : t == "application/*" ? 1 : t == "application/json" ? 2 : -1;
    if (specificity < 0 || range->other_parameters || specificity < best) continue;
    if (specificity > best) allowed = false;
    best = specificity;
    allowed = allowed || range->q > 0;
  }
  return allowed;
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
  exchange.exposed = kExposedBase;
  HttpResponse response;
  try {
    response = respond(exchange);
  } catch (const std::exception& e) {
    spdlog::error("unhandled error on {} {}: {}", request.method, request.path, e.what());
    response = HttpResponse::of(errors::internal());
  }
  finish(request, exchange, response);
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
    case Route::kSlashRedirect:
    case Route::kFolderRedirect: {
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
  if (request.method == "OPTIONS" || !verb || !(route.verbs() & *verb) ||
      (settings.readonly && *verb != kGet && *verb != kHead)) {
    exchange.exposed = nullptr;  // as Kinto: neither preflights nor 405s expose headers
    if (request.method == "OPTIONS") return preflight(route, request);
    return method_not_allowed(route.verbs());
  }
  exchange.exposed = exposed_headers(route, *verb);
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
    case Route::kApi: {
      HttpResponse r;
      r.body = dump(openapi(node_.registry(), settings,
                            request.origin.substr(request.origin.find("://") + 3)));
      return r;
    }
    case Route::kContribute: return contribute();
    case Route::kPage: {
      exchange.principals = node_.principals(exchange.user_id);
      std::string path = request.path.substr(3);
      Page page = (*route.pages)(node_, {path, route.page, exchange.user_id, exchange.principals});
      HttpResponse r;
      r.status = page.status;
      for (auto& [name, value] : page.headers) r.set_header(name, std::move(value));
      r.body = std::move(page.body);
      return r;
    }
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

// A CORS preflight (§10.4): no authentication; it needs an allowed Origin
// and a method of the route, and echoes the requested headers.
HttpResponse Frontend::preflight(const Route& route, const HttpRequest& request) {
  const char* kMethod = "Access-Control-Request-Method";
  std::vector<ErrorDetail> problems;
  if (!request.has_header(kMethod)) {
    problems.push_back({"header", std::string(kMethod), "this header is mandatory"});
  } else if (std::optional<Verb> verb = parse_verb(request.header(kMethod));
             !verb || !(route.verbs() & *verb)) {
    problems.push_back({"header", std::string(kMethod), "Method not allowed"});
  }
  if (!request.has_header("Origin")) {
    problems.push_back({"header", std::string("Origin"), "this header is mandatory"});
  } else if (!allowed_origin(node_.settings(), request.header("Origin"))) {
    problems.push_back({"header", std::string("Origin"), request.header("Origin") + " not allowed"});
  }
  if (!problems.empty()) return HttpResponse::of(errors::invalid(std::move(problems)));
  HttpResponse r;
  r.body = "null";
  r.set_header("Access-Control-Allow-Methods", allow_header(route.verbs(), ","));
  if (request.has_header("Access-Control-Request-Headers")) {
    std::string echoed;
    for (const std::string& name : header_list(request.header("Access-Control-Request-Headers"))) {
      echoed += (echoed.empty() ? "" : ",") + name;
    }
    r.set_header("Access-Control-Allow-Headers", echoed);
  }
  int max_age = node_.settings().cors_max_age_seconds;
  if (max_age > 0) r.set_header("Access-Control-Max-Age", std::to_string(max_age));
  return r;
}

void Frontend::finish(const HttpRequest& request, const Exchange& exchange,
                      HttpResponse& response) const {
  // A plugin's page sets its own type and policy.
  if (response.status != 304 && !response.headers.count("Content-Type")) {
    response.set_header("Content-Type", "application/json");
  }
  response.set_header("X-Content-Type-Options", "nosniff");
  if (!response.headers.count("Content-Security-Policy")) {
    response.set_header("Content-Security-Policy",
                        "default-src 'none'; frame-ancestors 'none'; base-uri 'none';");
  }
  if (request.has_header("Origin")) {
    if (auto origin = allowed_origin(node_.settings(), request.header("Origin"))) {
      response.set_header("Access-Control-Allow-Origin", *origin);
      if (exchange.exposed) response.set_header("Access-Control-Expose-Headers", exchange.exposed);
    }
  }
  if (response.errno_ == kMissingAuthToken) {
    response.set_header("WWW-Authenticate", "Basic realm=\"Realm\"");
  }
  if (response.status == 503) {
    response.set_header("Retry-After", std::to_string(node_.settings().retry_after_seconds));
  }
}

}  // namespace ratchet
