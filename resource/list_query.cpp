#include "resource/list_query.h"

#include <algorithm>

#include "ratchet/ids.h"
#include "store/catalog.h"

namespace ratchet {
namespace {

bool is_meta(const std::string& field) { return field == "id" || field == "last_modified"; }

Json meta_object(std::string_view id, int64_t ts, bool deleted) {
  Json o = {{"id", id}, {"last_modified", ts}};
  if (deleted) o["deleted"] = true;
  return o;
}

}  // namespace

ListQuery::ListQuery(const ListReader& list, const Query& query, Visible visible,
                     const std::atomic<bool>& stopping)
    : list_(list),
      query_(query),
      visible_(std::move(visible)),
      stopping_(stopping),
      needs_body_(needs_body()) {
  if (query_.after) after_ = token_values(query_, *query_.after);
}

ListQuery::ListQuery(const ListReader& list, const Query& query, std::vector<std::string> ids,
                     const std::atomic<bool>& stopping)
    : ListQuery(list, query, [](std::string_view) { return true; }, stopping) {
  ids_ = std::move(ids);
}

void ListQuery::step() {
  constexpr size_t kLongScan = 512;  // entries; a page in index order reads fewer
  if (stopping_.load(std::memory_order_relaxed)) throw NodeStopping();
  if (++steps_ == kLongScan) long_scan_.emplace();
}

template <class Visit>
void ListQuery::each(bool reverse, const std::optional<ChangeWalk::Position>& resume,
                     Visit visit) {
  if (!ids_) {
    ChangeWalk walk = list_.changes(reverse, query_.min_ts, query_.max_ts, resume);
    for (; walk.valid(); walk.next()) {
      step();
      if (!visit(walk.id(), walk.last_modified(), walk.deleted())) return;
    }
    return;
  }
  std::string text;
  for (const std::string& id : *ids_) {
    step();
    if (!list_.text(id, &text)) continue;
    int64_t ts = catalog::object_timestamp(text);
    if (ts < query_.min_ts || ts > query_.max_ts) continue;
    if (!visit(id, ts, false)) return;
  }
}

bool ListQuery::needs_body() const {
  if (!query_.fields.empty()) return true;
  for (const auto& f : query_.filters) {
    if (!is_meta(f.field)) return true;
  }
  for (const auto& k : query_.sort) {
    if (!is_meta(k.field)) return true;
  }
  return false;
}

bool ListQuery::load(std::string_view id, int64_t ts, bool deleted, Candidate* out) {
  ListEntry& e = out->entry;
  e.id = std::string(id);
  if (deleted) {
    e.text = catalog::tombstone_text(id, ts);
  } else if (!list_.text(id, &e.text)) {
    return false;
  }
  out->ts = ts;
  // The common page: nothing to evaluate; key() makes the sort values (of
  // last_modified and id) when they are needed, for a token.
  if (!needs_body_ && query_.filters.empty() && in_index_order()) return true;
  bool parse = needs_body_ && !deleted;
  auto object = std::make_unique<const Json>(parse ? parse_json(e.text)
                                                   : meta_object(id, ts, deleted));
  if (!matches_all(query_.filters, *object)) return false;
  out->key = sort_values(query_, *object);
  if (!query_.fields.empty()) e.text = dump(project(query_, *object));
  out->object = std::move(object);
  return true;
}

const SortValues& ListQuery::key(Candidate& c) const {
  if (!c.object) {
    c.object = std::make_unique<const Json>(meta_object(c.entry.id, c.ts, false));
    c.key = sort_values(query_, *c.object);
  }
  return c.key;
}

ListPage ListQuery::page(int64_t limit, bool tombstones) {
  tombstones = tombstones && query_.with_tombstones;
  bool index_order = in_index_order();
  bool reverse = !index_order || query_.sort[0].descending;
  std::optional<ChangeWalk::Position> resume;
  const Json* after_ts = after_ ? after_->at(0) : nullptr;
  const Json* after_id = after_ ? after_->at(1) : nullptr;
  if (index_order && after_ts && after_ts->is_number_integer() && after_id &&
      after_id->is_string()) {
    resume = ChangeWalk::Position{after_ts->get<int64_t>(), after_id->get<std::string>()};
  }
  auto before = [&](const Candidate& a, const Candidate& b) {
    return compare_sorted(query_, a.key, b.key) < 0;
  };
  // In index order the walk yields the page in order; otherwise keep the
  // `limit + 1` first candidates in a max-heap.
  std::vector<Candidate> kept;
  size_t want = static_cast<size_t>(limit) + 1;
  each(reverse, resume, [&](std::string_view id, int64_t ts, bool deleted) {
    if ((deleted && !tombstones) || !visible_(id)) return true;
    Candidate c;
    if (!load(id, ts, deleted, &c)) return true;
    if (after_ && compare_sorted(query_, key(c), *after_) <= 0) return true;
    if (index_order) {
      kept.push_back(std::move(c));
      return kept.size() < want;
    }
    if (kept.size() < want) {
      kept.push_back(std::move(c));
      std::push_heap(kept.begin(), kept.end(), before);
    } else if (before(c, kept.front())) {
      std::pop_heap(kept.begin(), kept.end(), before);
      kept.back() = std::move(c);
      std::push_heap(kept.begin(), kept.end(), before);
    }
    return true;
  });
  if (!index_order) std::sort_heap(kept.begin(), kept.end(), before);
  ListPage page;
  if (kept.size() == want) {
    kept.pop_back();
    page.next_nonce = "pagination-token-" + uuid4();
    page.next_token = page_token(query_, key(kept.back()), page.next_nonce);
  }
  page.entries.reserve(kept.size());
  for (auto& c : kept) page.entries.push_back(std::move(c.entry));
  return page;
}

int64_t ListQuery::count() {
  int64_t n = 0;
  each(false, std::nullopt, [&](std::string_view id, int64_t ts, bool deleted) {
    Candidate c;
    if (!deleted && visible_(id) && load(id, ts, false, &c)) ++n;
    return true;
  });
  return n;
}

}  // namespace ratchet
