#include "plugins/default_bucket/default_bucket.h"

#include "core/crypto.h"
#include "ratchet/json.h"
#include "ratchet/plugin.h"
#include "ratchet/settings.h"

namespace ratchet {
namespace {

const std::string kPrefix = "/v1/buckets/default";

// Creates (type, parent, id) for the user unless it exists.
std::optional<Error> ensure(Objects& objects, const std::string& type, const std::string& parent,
                            const std::string& id, const std::string& user_id,
                            const std::vector<std::string>& principals) {
  if (objects.stored(type, parent, id)) return std::nullopt;
  Op op;
  op.verb = kPut;
  op.resource = type;
  op.parent = parent;
  op.id = id;
  op.user_id = user_id;
  op.principals = principals;
  op.implicit = true;
  op.if_none_match.kind = Precondition::kAny;  // someone else may create it first
  // The user writes it, even with explicit_permissions off (§12.1).
  op.has_permissions = true;
  op.permissions = dump(Json{{"write", {user_id}}});
  Result r = objects.execute(op);
  if (r.status >= 500) return errors::backend_unavailable();
  return std::nullopt;
}

// First 32 hex digits of HMAC-SHA256(secret, user id), as 8-4-4-4-12.
std::string default_bucket_id(const std::string& secret, const std::string& user_id) {
  std::string h = hmac_sha256_hex(secret, user_id).substr(0, 32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

// True when `path` is /v1/buckets/default or below it.
bool targets_default_bucket(const std::string& path) {
  return path.rfind(kPrefix, 0) == 0 && (path.size() == kPrefix.size() || path[kPrefix.size()] == '/');
}

HookOutcome refused(Error error) {
  HookOutcome out;
  out.error = std::move(error);
  return out;
}

// What the hook needs, fixed when the plugin is included.
struct Personal {
  std::string secret;
  bool readonly = false;
  std::function<bool(std::string_view)> valid_collection_id;
};

// Creates what is missing and rewrites the request (path, and a body id
// "default") to the personal bucket; or the error to answer instead (401
// anonymous, 405 readonly, 400 invalid collection id, 503).
HookOutcome enter_default_bucket(Objects& objects, const Personal& personal,
                                 const HookedRequest& request) {
  if (!targets_default_bucket(request.path)) return {};
  const std::string& user_id = request.user_id;
  if (user_id.empty()) return refused(errors::unauthenticated());
  if (personal.readonly) return refused(errors::method_not_allowed());
  std::vector<std::string> principals = objects.principals(user_id);
  std::string bid = default_bucket_id(personal.secret, user_id);
  std::string rest = request.path.substr(kPrefix.size());  // "", "/collections/c/records", ...
  bool put = request.method == "PUT";
  if (!(put && rest.empty())) {
    if (auto err = ensure(objects, "bucket", "", bid, user_id, principals)) return refused(*err);
  }
  static const std::string collections = "/collections/";
  if (rest.rfind(collections, 0) == 0) {
    std::string cid = rest.substr(collections.size());
    cid = cid.substr(0, cid.find('/'));
    if (!personal.valid_collection_id(cid)) {
      return refused(errors::invalid("path", std::nullopt, "Invalid collection id"));
    }
    bool putting_it = put && rest == collections + cid;
    if (!putting_it) {
      if (auto err = ensure(objects, "collection", "/buckets/" + bid, cid, user_id, principals)) {
        return refused(*err);
      }
    }
  }
  HookOutcome out;
  out.path = "/v1/buckets/" + bid + rest;
  if (put && rest.empty() && !request.body.empty()) {
    Json body = try_parse_json(request.body).value_or(Json());
    if (body.is_object() && body.contains("data") && body["data"].is_object() &&
        body["data"].value("id", "") == "default") {
      body["data"]["id"] = bid;
      out.body = dump(body);
    }
  }
  return out;
}

}  // namespace

Plugin default_bucket_plugin() {
  return {
      .name = "default_bucket",
      .keys = {{.name = "default_bucket_hmac_secret", .secret = true}},
      .includeme =
          [](Registry& registry, const Settings& settings) {
            std::string secret = settings.extra_or("default_bucket_hmac_secret", "");
            const ResourceType* collection = registry.find("collection");
            Personal personal{secret, settings.readonly,
                              collection ? collection->ids.valid : name_ids().valid};
            registry.add_request_hook([personal](Objects& objects, const HookedRequest& request) {
              return enter_default_bucket(objects, personal, request);
            });
            registry.add_user_field("bucket", [secret](const std::string& user_id) {
              return Json(default_bucket_id(secret, user_id));
            });
            registry.add_capability(
                "default_bucket",
                {{"description",
                  "The default bucket is an alias for a personal bucket where collections are "
                  "created implicitly."},
                 {"url",
                  "https://kinto.readthedocs.io/en/latest/api/1.x/buckets.html#personal-bucket-default"}});
          },
  };
}

}  // namespace ratchet
