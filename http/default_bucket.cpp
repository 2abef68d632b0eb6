#include "http/default_bucket.h"

#include "core/crypto.h"
#include "core/json.h"

namespace ratchet {
namespace {

const std::string kPrefix = "/v1/buckets/default";

// Creates (type, parent, id) for the user unless it exists.
std::optional<Error> ensure(Node& node, const std::string& type, const std::string& parent,
                            const std::string& id, const std::string& user_id,
                            const std::vector<std::string>& principals) {
  if (node.stored(type, parent, id)) return std::nullopt;
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
  Result r = node.execute(op);
  if (r.status >= 500) return errors::backend_unavailable();
  return std::nullopt;
}

}  // namespace

std::string default_bucket_id(const std::string& secret, const std::string& user_id) {
  std::string h = hmac_sha256_hex(secret, user_id).substr(0, 32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

bool targets_default_bucket(const std::string& path) {
  return path.rfind(kPrefix, 0) == 0 && (path.size() == kPrefix.size() || path[kPrefix.size()] == '/');
}

std::optional<Error> enter_default_bucket(Node& node, const std::string& user_id,
                                          const std::vector<std::string>& principals,
                                          HttpRequest& request) {
  if (user_id.empty()) return errors::unauthenticated();
  if (node.settings().readonly) return errors::method_not_allowed();
  std::string bid = default_bucket_id(node.settings().default_bucket_hmac_secret, user_id);
  std::string rest = request.path.substr(kPrefix.size());  // "", "/collections/c/records", ...
  bool put = request.method == "PUT";
  if (!(put && rest.empty())) {
    if (auto err = ensure(node, "bucket", "", bid, user_id, principals)) return err;
  }
  static const std::string collections = "/collections/";
  if (rest.rfind(collections, 0) == 0) {
    std::string cid = rest.substr(collections.size());
    cid = cid.substr(0, cid.find('/'));
    if (!node.registry().find("collection")->ids.valid(cid)) {
      return errors::invalid("path", std::nullopt, "Invalid collection id");
    }
    bool putting_it = put && rest == collections + cid;
    if (!putting_it) {
      if (auto err = ensure(node, "collection", "/buckets/" + bid, cid, user_id, principals)) {
        return err;
      }
    }
  }
  request.path = "/v1/buckets/" + bid + rest;
  if (put && rest.empty() && !request.body.empty()) {
    Json body = try_parse_json(request.body).value_or(Json());
    if (body.is_object() && body.contains("data") && body["data"].is_object() &&
        body["data"].value("id", "") == "default") {
      body["data"]["id"] = bid;
      request.body = dump(body);
    }
  }
  return std::nullopt;
}

}  // namespace ratchet
