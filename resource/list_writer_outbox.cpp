// The outbox side of a list's writer: posting records for the registry's
// write listeners with each write (Kinto's history), and, for a type fed
// by an outbox, turning records into objects (and trimming).
#include "resource/list_writer.h"

#include "store/catalog.h"
#include "store/list_reader.h"

namespace ratchet {

void ListWriter::announce(const Op& op, const char* action, const std::string& id,
                          const std::string& text, const std::string& acl) {
  const auto& listeners = ctx_.registry.write_listeners();
  if (listeners.empty()) return;
  std::string uri = object_uri(type_, parent_, id);
  std::vector<StoredAncestor> ancestors = stored_ancestors();
  WriteEvent write{type_, uri, action, text, acl, op.user_id, ancestors};
  for (const WriteListener& listener : listeners) {
    if (auto post = listener(write)) {
      // Minified JSON holds no raw newline: the payload is "<acl>\n<data>".
      store_.post_outbox(ListId{std::move(post->parent), std::move(post->resource)},
                         catalog::object_timestamp(text), uri, post->acl + '\n' + post->data);
    }
  }
}

Op ListWriter::outbox_op(const ListId& list, const std::vector<std::string>& keys) {
  Op op;
  op.verb = kPost;
  op.plural = true;
  op.implicit = true;
  op.resource = list.resource;
  op.parent = list.parent;
  if (!keys.empty()) {
    op.has_data = true;
    op.data = dump(Json(keys));
  }
  return op;
}

Result ListWriter::consume_outbox(const Op& op) {
  if (Refusal missing = missing_parent()) return *missing;
  std::vector<std::pair<std::string, std::string>> records;
  if (!op.has_data) {
    records = store_.outbox();
  } else {
    for (const Json& key : parse_json(op.data)) {
      if (auto payload = store_.outbox_record(key.get<std::string>())) {
        records.emplace_back(key.get<std::string>(), std::move(*payload));
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> made;  // (id, text)
  for (auto& [key, payload] : records) {
    size_t newline = payload.find('\n');
    std::string id = new_id();
    int64_t ts = stamp(std::nullopt);
    std::string data = payload.substr(newline + 1);
    store_.put(id, ts, data, payload.substr(0, newline), StoredObject{});
    store_.take_outbox(key);
    made.emplace_back(id, catalog::object_text(id, ts, data));
  }
  if (type_.trim && !made.empty()) {
    // The live objects: committed ones that no write since removed, and the new ones.
    ListReader committed(store_.committed_state(), store_.list());
    auto walk = [&](const auto& visit) {
      committed.each_object([&](std::string_view id, std::string_view text) {
        if (load_object(std::string(id)).exists) visit(id, text);
        return true;
      });
      for (const auto& [id, text] : made) visit(id, text);
    };
    for (const std::string& id : type_.trim(store_.count(), walk)) {
      StoredObject old = load_object(id);
      if (old.exists) store_.remove(id, stamp(std::nullopt), old);
    }
  }
  Result r;
  r.timestamp = store_.timestamp();
  return r;
}

}  // namespace ratchet
