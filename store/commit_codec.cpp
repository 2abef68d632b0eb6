#include "store/commit_codec.h"

#include <cstring>
#include <type_traits>

namespace ratchet {
namespace {

constexpr char kVersion = 1;
enum Tag : char {
  kPut = 'P', kRemove = 'R', kSubtree = 'S', kIndex = 'I', kState = 'L', kOutbox = 'O'
};

class Writer {
 public:
  void byte(char c) { out_ += c; }
  void i64(int64_t v) {
    uint64_t u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) out_ += static_cast<char>((u >> (8 * i)) & 0xff);
  }
  void str(const std::string& s) {
    i64(static_cast<int64_t>(s.size()));
    out_ += s;
  }
  void list(const ListId& l) {
    str(l.parent);
    str(l.resource);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Writer wrote; any read past the end or out of range sets failed.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool failed() const { return failed_; }
  bool done() const { return !failed_ && pos_ == in_.size(); }
  char byte() {
    if (!need(1)) return 0;
    return in_[pos_++];
  }
  int64_t i64() {
    if (!need(8)) return 0;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u |= uint64_t(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return static_cast<int64_t>(u);
  }
  std::string str() {
    int64_t n = i64();
    if (n < 0 || !need(static_cast<size_t>(n))) return {};
    std::string s(in_.substr(pos_, static_cast<size_t>(n)));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  ListId list() {
    ListId l;
    l.parent = str();
    l.resource = str();
    return l;
  }

 private:
  bool need(size_t n) {
    if (failed_ || in_.size() - pos_ < n) failed_ = true;
    return !failed_;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

void write(Writer& w, const Change& change) {
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, PutObject>) {
          w.byte(kPut);
          w.list(c.list);
          w.str(c.id);
          w.i64(c.ts);
          w.str(c.text);
          w.byte(c.acl ? 1 : 0);
          if (c.acl) w.str(*c.acl);
          w.byte(c.replaced_ts ? 1 : 0);
          if (c.replaced_ts) w.i64(*c.replaced_ts);
          w.byte(c.replaced_tombstone ? 1 : 0);
        } else if constexpr (std::is_same_v<T, RemoveObject>) {
          w.byte(kRemove);
          w.list(c.list);
          w.str(c.id);
          w.i64(c.ts);
          w.i64(c.replaced_ts);
        } else if constexpr (std::is_same_v<T, RemoveSubtree>) {
          w.byte(kSubtree);
          w.str(c.uri);
        } else if constexpr (std::is_same_v<T, IndexEntry>) {
          w.byte(kIndex);
          w.byte(static_cast<char>(c.index));
          w.str(c.principal);
          w.str(c.uri);
          w.byte(c.present ? 1 : 0);
        } else if constexpr (std::is_same_v<T, OutboxRecord>) {
          w.byte(kOutbox);
          w.list(c.list);
          w.str(c.key);
          w.str(c.payload);
          w.byte(c.present ? 1 : 0);
        } else {
          static_assert(std::is_same_v<T, ListState>);
          w.byte(kState);
          w.list(c.list);
          w.i64(c.timestamp);
          w.i64(c.count);
        }
      },
      change);
}

bool flag(Reader& r) {
  char b = r.byte();
  return b == 1;
}

std::optional<Change> read(Reader& r) {
  switch (r.byte()) {
    case kPut: {
      PutObject c;
      c.list = r.list();
      c.id = r.str();
      c.ts = r.i64();
      c.text = r.str();
      if (flag(r)) c.acl = r.str();
      if (flag(r)) c.replaced_ts = r.i64();
      c.replaced_tombstone = flag(r);
      return c;
    }
    case kRemove: {
      RemoveObject c;
      c.list = r.list();
      c.id = r.str();
      c.ts = r.i64();
      c.replaced_ts = r.i64();
      return c;
    }
    case kSubtree:
      return RemoveSubtree{r.str()};
    case kIndex: {
      IndexEntry c;
      char index = r.byte();
      if (index != static_cast<char>(IndexEntry::Index::kGrant) &&
          index != static_cast<char>(IndexEntry::Index::kMember)) {
        return std::nullopt;
      }
      c.index = static_cast<IndexEntry::Index>(index);
      c.principal = r.str();
      c.uri = r.str();
      c.present = flag(r);
      return c;
    }
    case kState: {
      ListState c;
      c.list = r.list();
      c.timestamp = r.i64();
      c.count = r.i64();
      return c;
    }
    case kOutbox: {
      OutboxRecord c;
      c.list = r.list();
      c.key = r.str();
      c.payload = r.str();
      c.present = flag(r);
      return c;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string commit_to_bytes(const Commit& commit) {
  Writer w;
  w.byte(kVersion);
  w.i64(static_cast<int64_t>(commit.changes.size()));
  for (const Change& c : commit.changes) write(w, c);
  return w.take();
}

std::optional<Commit> commit_from_bytes(std::string_view bytes) {
  Reader r(bytes);
  if (r.byte() != kVersion) return std::nullopt;
  int64_t n = r.i64();
  if (r.failed() || n < 0 || static_cast<uint64_t>(n) > bytes.size()) return std::nullopt;
  Commit commit;
  commit.changes.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    auto change = read(r);
    if (!change || r.failed()) return std::nullopt;
    commit.changes.push_back(std::move(*change));
  }
  if (!r.done()) return std::nullopt;
  return commit;
}

bool changes_membership(const Commit& commit) {
  for (const Change& c : commit.changes) {
    if (const auto* e = std::get_if<IndexEntry>(&c)) {
      if (e->index == IndexEntry::Index::kMember) return true;
    } else if (std::holds_alternative<RemoveSubtree>(c)) {
      return true;  // may remove groups
    }
  }
  return false;
}

}  // namespace ratchet
