#include "plugins/history/snapshot.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace ratchet {
namespace {

Page answer(const Result& r) { return Page{r.status, {}, r.body}; }
Page answer(const Error& e) { return Page{e.status, {}, e.body()}; }

// Every object a plural GET returns, following its pages.
std::optional<Json> every_page(Objects& objects, Op op, Result* failed) {
  Json all = Json::array();
  for (;;) {
    Result r = objects.execute(op);
    if (r.status != 200) {
      *failed = std::move(r);
      return std::nullopt;
    }
    Json page = parse_json(r.body);
    for (Json& item : page["data"]) all.push_back(std::move(item));
    if (r.next_token.empty()) return all;
    std::erase_if(op.params, [](const auto& p) { return p.first == "_token"; });
    op.params.emplace_back("_token", r.next_token);
  }
}

Op read_op(const PageRequest& request, std::string resource, std::string parent) {
  Op op;
  op.verb = kGet;
  op.resource = std::move(resource);
  op.parent = std::move(parent);
  op.user_id = request.user_id;
  op.principals = request.principals;
  return op;
}

int64_t last_modified(const Json& object) { return object.value("last_modified", INT64_C(0)); }

}  // namespace

Page collection_snapshot(Objects& objects, const PageRequest& request) {
  // path: /buckets/{bid}/snapshot/collections/{cid}@{timestamp}
  constexpr size_t kBid = sizeof("/buckets/") - 1;
  std::string bucket = request.path.substr(0, request.path.find('/', kBid));
  const std::string& sub = request.subpath;
  size_t at = sub.rfind('@');
  if (sub.rfind("collections/", 0) != 0 || at == std::string::npos || at <= 12 ||
      sub.find('/', 12) != std::string::npos) {
    return answer(errors::unknown_url());
  }
  std::string cid = sub.substr(12, at - 12);
  std::string ts_text = sub.substr(at + 1);
  int64_t ts = -1;
  auto [end, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
  if (ec != std::errc() || end != ts_text.data() + ts_text.size() || ts < 0) {
    return answer(errors::invalid("path", std::string("timestamp"), "Invalid timestamp '" + ts_text + "'"));
  }

  // Read on the bucket or the collection: what reading the collection takes.
  Op collection = read_op(request, "collection", bucket);
  collection.id = cid;
  Result seen = objects.execute(collection);
  if (seen.status == 404) return Page{200, {}, R"({"data":[]})"};
  if (seen.status != 200) return answer(seen);

  Result failed;
  Op records_op = read_op(request, "record", bucket + "/collections/" + cid);
  records_op.plural = true;
  records_op.params = {{"_since", "0"}};  // tombstones too
  auto records = every_page(objects, records_op, &failed);
  if (!records) return answer(failed);

  Json out = Json::array();
  std::vector<std::string> changed;
  for (Json& r : *records) {
    if (last_modified(r) > ts) {
      changed.push_back(r["id"].get<std::string>());
    } else if (!r.value("deleted", false)) {
      out.push_back(std::move(r));
    }
  }
  if (!changed.empty()) {
    // Each changed record as its newest entry up to `ts` shows it; one
    // created after `ts` has none.
    std::string ids;
    for (const auto& id : changed) ids += (ids.empty() ? "" : ",") + id;
    Op history = read_op(request, "history", bucket);
    history.plural = true;
    history.params = {{"resource_name", "record"},
                      {"collection_id", cid},
                      {"in_record_id", ids},
                      {"max_target.data.last_modified", std::to_string(ts)},
                      {"_sort", "-last_modified"}};
    auto entries = every_page(objects, history, &failed);
    if (!entries) return answer(failed);
    std::set<std::string> done;
    for (Json& e : *entries) {
      Json data = e["target"]["data"];
      std::string id = data.value("id", "");
      if (!done.insert(id).second || data.value("deleted", false)) continue;
      out.push_back(std::move(data));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Json& a, const Json& b) { return last_modified(a) > last_modified(b); });
  return Page{200, {}, dump(Json{{"data", std::move(out)}})};
}

}  // namespace ratchet
