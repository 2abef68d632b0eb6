#include "resource/permission_entries.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "resource/list_query.h"
#include "core/acl.h"
#include "core/query.h"
#include "core/timestamp.h"
#include "store/list_reader.h"

namespace ratchet {
namespace {

using Chain = std::vector<std::pair<const ResourceType*, std::string>>;  // (type, id) from the top

// "/buckets/b/collections/c" -> [(bucket, b), (collection, c)].
std::optional<Chain> locate(const Registry& registry, std::string_view uri) {
  Chain chain;
  const ResourceType* type = nullptr;
  size_t pos = 1;
  while (pos < uri.size()) {
    size_t slash = uri.find('/', pos);
    if (slash == std::string_view::npos) return std::nullopt;
    type = registry.child(type, uri.substr(pos, slash - pos));
    if (!type || type->per_user) return std::nullopt;
    size_t end = uri.find('/', slash + 1);
    if (end == std::string_view::npos) end = uri.size();
    chain.emplace_back(type, std::string(uri.substr(slash + 1, end - slash - 1)));
    pos = end + 1;
  }
  // As Kinto: what has no object endpoint (history entries) is not listed.
  if (chain.empty() || chain.back().first->object_verbs == 0) return std::nullopt;
  return chain;
}

std::string parent_uri(const Chain& chain) {
  std::string uri;
  for (size_t i = 0; i + 1 < chain.size(); ++i) uri = object_uri(*chain[i].first, uri, chain[i].second);
  return uri;
}

// A permission and those it implies on the same object (Kinto's inheritance tree).
void add_implied(const Registry& registry, const ResourceType& type, const std::string& perm,
                 std::set<std::string>& out) {
  auto children = registry.children(type);
  out.insert(perm);
  if (perm == "write") {
    out.insert("read");
    for (const ResourceType* c : children) {
      if (!c->fed_by_outbox) out.insert(c->name + ":create");
    }
  }
  if (!children.empty()) out.insert("read:attributes");
}

class Collector {
 public:
  Collector(Context& ctx, const Snapshot& snapshot, const Op& op)
      : ctx_(ctx), snapshot_(snapshot), principals_(op.principals) {}

  // Objects whose ACL names one of the principals.
  void from_acls() {
    std::set<std::string> uris;
    for (const auto& p : principals_) {
      each_granted_uri(snapshot_, p, "", [&](std::string_view uri) {
        check_stopping();
        uris.emplace(uri);
        return true;
      });
    }
    std::string acl;
    for (const auto& uri : uris) {
      check_stopping();
      auto chain = locate(ctx_.registry, uri);
      if (!chain) continue;
      const auto& [type, id] = chain->back();
      if (!ListView(snapshot_, ListId{parent_uri(*chain), type->name}).acl(id, &acl)) {
        continue;  // deleted since (the index is only a list of candidates)
      }
      for (const auto& perm : ctx_.registry.permissions(*type)) {
        if (acl_grants(acl, {perm}, principals_)) add(*chain, perm);
      }
    }
  }

  // Grants of <type>_<perm>_principals settings, on every object of the type.
  void from_settings() {
    for (const ResourceType& type : ctx_.registry.types()) {
      if (type.per_user) continue;
      const ResourceType* parent = ctx_.registry.parent_of(type);
      // Read/write grants expand to every object of types at most two levels
      // deep, as Kinto does for buckets, collections and groups (records
      // would be every record in the store); create grants of top-level
      // types show on the root (§7.9).
      bool shallow = !parent || !ctx_.registry.parent_of(*parent);
      for (const char* perm : {"read", "write"}) {
        if (shallow && granted_by_setting(ctx_.settings, principals_, type.name, perm)) {
          each_object(type, [&](const Chain& chain) { add(chain, perm); });
        }
      }
      if (!parent && granted_by_setting(ctx_.settings, principals_, type.name, "create")) {
        root_.insert(type.name + ":create");
      }
    }
  }

  std::vector<Json> entries() const {
    std::vector<Json> out;
    if (!root_.empty()) {
      out.push_back({{"uri", "/"}, {"resource_name", "root"},
                     {"permissions", std::vector<std::string>(root_.begin(), root_.end())}});
    }
    for (const auto& [uri, held] : objects_) {
      Json e = {{"uri", uri}};
      for (const auto& [type, id] : held.chain) e[type->name + "_id"] = id;
      e["resource_name"] = held.chain.back().first->name;
      e["id"] = held.chain.back().second;
      e["permissions"] = std::vector<std::string>(held.perms.begin(), held.perms.end());
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  struct Held {
    Chain chain;
    std::set<std::string> perms;
  };

  // A walk over the whole store ends early when the node stops.
  void check_stopping() const {
    if (ctx_.stopping.load(std::memory_order_relaxed)) throw NodeStopping();
  }

  void add(const Chain& chain, const std::string& perm) {
    std::string uri = object_uri(*chain.back().first, parent_uri(chain), chain.back().second);
    Held& held = objects_[uri];
    held.chain = chain;
    add_implied(ctx_.registry, *chain.back().first, perm, held.perms);
  }

  void each_object(const ResourceType& type, const std::function<void(const Chain&)>& visit) {
    auto walk = [&](const Chain& above) {
      std::string parent = above.empty() ? "" : object_uri(*above.back().first, parent_uri(above),
                                                           above.back().second);
      ListReader(snapshot_, ListId{parent, type.name}).each_object([&](std::string_view id, std::string_view) {
        check_stopping();
        Chain chain = above;
        chain.emplace_back(&type, std::string(id));
        visit(chain);
        return true;
      });
    };
    const ResourceType* parent = ctx_.registry.parent_of(type);
    if (!parent) {
      walk({});
    } else {
      each_object(*parent, walk);
    }
  }

  Context& ctx_;
  const Snapshot& snapshot_;
  const std::vector<std::string>& principals_;
  std::map<std::string, Held> objects_;
  std::set<std::string> root_;
};

// Only the fields entries have may be filtered or sorted on.
std::optional<Error> check_fields(const Registry& registry, const Query& query) {
  std::set<std::string> known{"uri", "resource_name", "id", "permissions"};
  for (const ResourceType& t : registry.types()) known.insert(t.name + "_id");
  for (const auto& f : query.filters) {
    std::string root = f.field.substr(0, f.field.find('.'));
    if (!known.count(root)) {
      return errors::invalid("querystring", f.field, "Unknown filter field '" + f.field + "'");
    }
  }
  for (const auto& f : query.fields) {
    std::string root = f.substr(0, f.find('.'));
    if (!known.count(root)) {
      return errors::invalid("querystring", std::string("_fields"), "Fields " + f + " do not exist");
    }
  }
  for (size_t i = 0; i < query.client_sort_keys; ++i) {
    if (!known.count(query.sort[i].field)) {
      return errors::invalid("querystring", std::string("_sort"),
                             "Unknown sort field '" + query.sort[i].field + "'");
    }
  }
  return std::nullopt;
}

}  // namespace

Result list_permissions(Context& ctx, const Snapshot& snapshot, const Op& op) {
  if (!granted_by_setting(ctx.settings, op.principals, "permissions", "read")) {
    return Result::of(errors::not_allowed(op.user_id));
  }
  std::vector<ErrorDetail> problems;
  Query query = parse_query(op.params, now_ms(), problems);
  if (!problems.empty()) return Result::of(errors::invalid(std::move(problems)));
  if (auto err = check_fields(ctx.registry, query)) return Result::of(*err);
  // Entries have no last_modified: the client's sort (default -uri), then uri.
  query.sort.resize(query.client_sort_keys);
  query.sort.push_back({"uri", query.client_sort_keys == 0});

  Collector collector(ctx, snapshot, op);
  collector.from_acls();
  collector.from_settings();
  std::vector<Json> entries;
  std::optional<SortValues> after;
  if (query.after) after = token_values(query, *query.after);
  for (Json& e : collector.entries()) {
    if (matches_all(query.filters, e) &&
        (!after || compare_sorted(query, sort_values(query, e), *after) > 0)) {
      entries.push_back(std::move(e));
    }
  }
  std::sort(entries.begin(), entries.end(), [&](const Json& a, const Json& b) {
    return compare_sorted(query, sort_values(query, a), sort_values(query, b)) < 0;
  });

  Result r;
  int64_t ts = ListView(snapshot, ListId{"", "bucket"}).timestamp();
  r.timestamp = ts > 0 ? ts : now_ms();
  if (op.verb == kHead) {
    r.total = static_cast<int64_t>(entries.size());
    return r;
  }
  r.page_size = ctx.settings.page_size(query.limit);
  size_t limit = static_cast<size_t>(r.page_size);
  if (entries.size() > limit) {
    entries.resize(limit);
    r.next_token = page_token(query, sort_values(query, entries.back()), "");
  }
  Json data = Json::array();
  for (const Json& e : entries) data.push_back(project(query, e));
  r.body = dump(Json{{"data", data}});
  return r;
}

}  // namespace ratchet
