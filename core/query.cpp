#include "core/query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <set>

#include "core/crypto.h"

namespace ratchet {
namespace {

const std::vector<std::pair<std::string, Filter::Op>> kOperators{
    {"eq", Filter::kEq},     {"not", Filter::kNot},         {"lt", Filter::kLt},
    {"gt", Filter::kGt},     {"min", Filter::kMin},         {"max", Filter::kMax},
    {"in", Filter::kIn},     {"exclude", Filter::kExclude}, {"like", Filter::kLike},
    {"has", Filter::kHas},   {"contains", Filter::kContains},
    {"contains_any", Filter::kContainsAny},
};

constexpr int64_t kDayMs = 24 * 3600 * 1000;

bool is_field_name(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.';
  });
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// §4.1: a value is JSON when it parses as JSON (within kMaxJsonDepth),
// else the raw string.
Json coerce(const std::string& raw) {
  std::optional<Json> v = try_parse_json(raw);
  return v ? std::move(*v) : Json(raw);
}

// A timestamp value: a JSON integer, or digits, possibly inside quotes.
std::optional<int64_t> as_timestamp(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.get_ref<const std::string&>();
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

int rank(const Json* v) {
  if (!v) return 6;
  switch (v->type()) {
    case Json::value_t::null: return 0;
    case Json::value_t::string: return 1;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return 2;
    case Json::value_t::boolean: return 3;
    case Json::value_t::array: return 4;
    default: return 5;
  }
}


// Every JSON number, integer or not, exactly: a long double holds every
// int64, uint64 and double value without rounding, so the order is total.
static_assert(std::numeric_limits<long double>::digits >= 64);
long double exact(const Json& n) {
  if (n.is_number_unsigned()) return static_cast<long double>(n.get<uint64_t>());
  if (n.is_number_integer()) return static_cast<long double>(n.get<int64_t>());
  return static_cast<long double>(n.get<double>());
}

int compare_numbers(const Json& a, const Json& b) {
  long double x = exact(a), y = exact(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

bool truthy(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return v.get<bool>();
    case Json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return !v.empty();
    case Json::value_t::number_float: return v.get<double>() != 0;
    default: return v.get<int64_t>() != 0;
  }
}

bool value_less(const Json& a, const Json& b) { return compare_values(&a, &b) < 0; }

// A filter's list of values, sorted and without repeats, so that a lookup
// costs O(log length).
void sort_unique(Json& list) {
  auto& values = list.get_ref<Json::array_t&>();
  std::sort(values.begin(), values.end(), value_less);
  auto repeats = std::unique(values.begin(), values.end(), [](const Json& a, const Json& b) {
    return compare_values(&a, &b) == 0;
  });
  values.erase(repeats, values.end());
}

// Where `v` is in the sorted list, or -1.
ptrdiff_t position(const Json& v, const Json& sorted) {
  const auto& values = sorted.get_ref<const Json::array_t&>();
  auto it = std::lower_bound(values.begin(), values.end(), v, value_less);
  return it != values.end() && compare_values(&*it, &v) == 0 ? it - values.begin() : -1;
}

bool in_list(const Json* v, const Json& sorted) { return v && position(*v, sorted) >= 0; }

// True when the array holds every value of the sorted list: one lookup per element.
bool contains_all(const Json& array, const Json& sorted) {
  std::vector<bool> seen(sorted.size());
  size_t count = 0;
  for (const Json& e : array) {
    ptrdiff_t i = position(e, sorted);
    if (i >= 0 && !seen[i]) {
      seen[i] = true;
      ++count;
    }
  }
  return count == sorted.size();
}

bool contains_any(const Json& array, const Json& sorted) {
  return std::any_of(array.begin(), array.end(),
                     [&](const Json& e) { return position(e, sorted) >= 0; });
}

// Adds the bound a last_modified filter implies.
void add_bound(Query& q, Filter::Op op, int64_t v) {
  switch (op) {
    case Filter::kEq: q.min_ts = std::max(q.min_ts, v); q.max_ts = std::min(q.max_ts, v); break;
    case Filter::kGt: q.min_ts = std::max(q.min_ts, v + 1); break;
    case Filter::kMin: q.min_ts = std::max(q.min_ts, v); break;
    case Filter::kLt: q.max_ts = std::min(q.max_ts, v - 1); break;
    case Filter::kMax: q.max_ts = std::min(q.max_ts, v); break;
    default: break;
  }
}

bool is_bound(Filter::Op op) {
  return op == Filter::kEq || op == Filter::kGt || op == Filter::kMin || op == Filter::kLt ||
         op == Filter::kMax;
}

// Operators whose value is a list of values.
bool takes_list(Filter::Op op) {
  return op == Filter::kIn || op == Filter::kExclude || op == Filter::kContains ||
         op == Filter::kContainsAny;
}

class Parser {
 public:
  Parser(int64_t now, std::vector<ErrorDetail>& problems) : now_(now), problems_(problems) {}

  void param(const std::string& raw_name, const std::string& value) {
    std::string name = trim(raw_name);
    if (name == "_limit") return limit(name, value);
    if (name == "_token") return token(name, value);
    if (name == "_sort") return sort(name, value);
    if (name == "_fields") return fields(value);
    if (name == "_since" || name == "_before" || name == "_to") return time_bound(name, value);
    if (!name.empty() && name[0] == '_') return;  // e.g. kinto.js' _expected cache-buster
    filter(name, value);
  }

  Query finish() {
    prune_fields();
    q_.client_sort_keys = q_.sort.size();
    bool has_lm = std::any_of(q_.sort.begin(), q_.sort.end(),
                              [](const SortKey& k) { return k.field == "last_modified"; });
    if (!has_lm) q_.sort.push_back({"last_modified", true});
    bool lm_desc = true;
    for (const auto& k : q_.sort) {
      if (k.field == "last_modified") lm_desc = k.descending;
    }
    q_.sort.push_back({"id", lm_desc});
    return std::move(q_);
  }

 private:
  void bad(const std::string& name, const std::string& description = "") {
    problems_.push_back({"querystring", name,
                         description.empty() ? "Invalid value for " + name : description});
  }

  // Kinto's (colander's) words for a value that is not a non-negative integer.
  void not_a_count(const std::string& name, const std::string& value) {
    auto v = coerce(value);
    if (v.is_number_integer() && v.get<int64_t>() < 0) {
      return bad(name, dump(v) + " is less than minimum value 0");
    }
    bad(name, quote(value) + " is not a number");
  }

  void limit(const std::string& name, const std::string& value) {
    auto v = as_timestamp(Json(value));
    if (!v || *v < 0) return not_a_count(name, value);
    q_.limit = *v;
  }

  void token(const std::string& name, const std::string& value) {
    auto text = base64_decode(value);
    Json doc = text ? try_parse_json(*text).value_or(Json()) : Json();
    if (!doc.is_object() || !doc.contains("last_object") || !doc["last_object"].is_object()) {
      return bad(name, "_token has invalid content");
    }
    q_.after = doc["last_object"];
    if (doc.contains("nonce") && doc["nonce"].is_string()) q_.token_nonce = doc["nonce"];
  }

  void sort(const std::string& name, const std::string& value) {
    for (std::string item : split(value, ',')) {
      item = trim(item);
      if (item.empty()) continue;  // as Kinto: "_sort=" sorts by default
      bool desc = !item.empty() && item[0] == '-';
      std::string field = (!item.empty() && (item[0] == '-' || item[0] == '+')) ? item.substr(1) : item;
      if (!is_field_name(field)) return bad(name, "Invalid sort field '" + item + "'");
      // A repeat never decides: the first one already compared equal.
      if (sorted_.insert(field).second) q_.sort.push_back({field, desc});
    }
  }

  void fields(const std::string& value) {
    for (std::string f : split(value, ',')) {
      f = trim(f);
      if (!f.empty()) q_.fields.push_back(f);
    }
  }

  // Keeps the _fields that no other one contains, so that a projection
  // copies each part of an object once. Sorted with '.' before every other
  // character, the paths inside `a` (a.b, a.c.d) follow `a` directly.
  void prune_fields() {
    auto key = [](char c) { return c == '.' ? -1 : static_cast<unsigned char>(c); };
    auto before = [&](const std::string& a, const std::string& b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [&](char x, char y) { return key(x) < key(y); });
    };
    std::sort(q_.fields.begin(), q_.fields.end(), before);
    std::vector<std::string> kept;
    for (std::string& f : q_.fields) {
      bool inside = !kept.empty() && (f == kept.back() || f.rfind(kept.back() + ".", 0) == 0);
      if (!inside) kept.push_back(std::move(f));
    }
    q_.fields = std::move(kept);
  }

  void time_bound(const std::string& name, const std::string& value) {
    q_.with_tombstones = true;
    if (name == "_to") q_.deprecated_to = true;
    Json v = coerce(value);
    if (v.is_null()) return;  // Kinto: no bound, but tombstones are listed
    auto ts = as_timestamp(v);
    if (value.empty() || !ts || *ts < 0) return not_a_count(name, value);
    if (*ts >= now_ + kDayMs) return bad(name);
    add_bound(q_, name == "_since" ? Filter::kGt : Filter::kLt, *ts);
  }

  void filter(const std::string& name, const std::string& raw) {
    Filter f;
    f.field = name;
    size_t longest = 0;  // "contains_any_x" is contains_any on x, not contains on any_x
    for (const auto& [prefix, op] : kOperators) {
      std::string rest = name.substr(std::min(name.size(), prefix.size() + 1));
      if (name.rfind(prefix + "_", 0) == 0 && is_field_name(rest) && prefix.size() > longest) {
        longest = prefix.size();
        f.op = op;
        f.field = rest;
      }
    }
    if (f.field.find('\0') != std::string::npos || raw.find('\0') != std::string::npos) {
      return bad(name, "Invalid character 0x00");
    }
    if (f.op == Filter::kIn || f.op == Filter::kExclude) {
      f.value = Json::array();
      for (const auto& piece : split(raw, ',')) f.value.push_back(coerce(piece));
    } else if (f.op == Filter::kContains || f.op == Filter::kContainsAny) {
      f.value = coerce(raw);
      if (!f.value.is_array()) f.value = Json::array({f.value});
    } else {
      f.value = coerce(raw);
    }
    if (f.op == Filter::kLike) {
      if (!f.value.is_string()) return bad(name);
      const std::string& pattern = f.value.get_ref<const std::string&>();
      f.like = Glob(pattern.find('*') == std::string::npos ? "*" + pattern + "*" : pattern);
    }
    if (f.field == "id" && !id_value(f)) return bad(name);
    if (f.field == "last_modified" && !timestamp_value(f)) return bad(name);
    if (f.field == "last_modified" && is_bound(f.op)) {
      // Enforced by the walk over the modification index.
      add_bound(q_, f.op, f.value.get<int64_t>());
      return;
    }
    if (takes_list(f.op)) sort_unique(f.value);
    q_.filters.push_back(std::move(f));
  }

  // Ids are strings: numeric values compare as their text (§4.2).
  static bool id_value(Filter& f) {
    if (f.op == Filter::kContains || f.op == Filter::kContainsAny) return false;
    auto as_text = [](Json& v) {
      if (v.is_number_integer()) v = v.dump();
      return v.is_string();
    };
    if (f.op == Filter::kIn || f.op == Filter::kExclude) {
      return std::all_of(f.value.begin(), f.value.end(), as_text);
    }
    if (f.op == Filter::kHas) return true;
    as_text(f.value);
    return true;
  }

  bool timestamp_value(Filter& f) {
    q_.with_tombstones = true;
    if (f.op == Filter::kContains || f.op == Filter::kContainsAny) return false;
    if (f.op == Filter::kHas || f.op == Filter::kLike) return f.op == Filter::kHas;
    auto valid = [this](Json& v) {
      auto ts = as_timestamp(v);
      if (!ts || *ts < 0 || *ts >= now_ + kDayMs) return false;
      v = *ts;
      return true;
    };
    if (f.op == Filter::kIn || f.op == Filter::kExclude) {
      return std::all_of(f.value.begin(), f.value.end(), valid);
    }
    return valid(f.value);
  }

  int64_t now_;
  std::vector<ErrorDetail>& problems_;
  Query q_;
  std::set<std::string> sorted_;  // the fields in q_.sort
};

void subset(const Json& from, const std::vector<std::string>& path, size_t i, Json& into) {
  auto it = from.find(path[i]);
  if (it == from.end()) return;
  if (i + 1 == path.size() || !it->is_object()) {
    into[path[i]] = *it;
    return;
  }
  Json& child = into[path[i]];
  if (!child.is_object()) child = Json::object();
  subset(*it, path, i + 1, child);
}

}  // namespace

Query parse_query(const Params& params, int64_t now, std::vector<ErrorDetail>& problems) {
  Parser parser(now, problems);
  for (const auto& [name, value] : params) parser.param(name, value);
  return parser.finish();
}

const Json* find_field(const Json& object, std::string_view path) {
  const Json* at = &object;
  while (at->is_object()) {
    const auto& members = at->get_ref<const Json::object_t&>();
    // The longest key that is the path or a dotted prefix of it. Prefixes
    // are tried shortest first, and the search ends at the first one that
    // no key starts with: at most one lookup per key and per dot.
    const Json* next = nullptr;
    size_t taken = 0;
    for (size_t end = path.find('.');; end = path.find('.', end + 1)) {
      std::string_view prefix = path.substr(0, end);
      auto it = members.lower_bound(prefix);
      if (it == members.end() || std::string_view(it->first).substr(0, prefix.size()) != prefix) break;
      if (it->first.size() == prefix.size()) {
        next = &it->second;
        taken = prefix.size();
      }
      if (end == std::string_view::npos) break;
    }
    if (!next || taken == path.size()) return next;
    at = next;
    path.remove_prefix(taken + 1);
  }
  return nullptr;
}

int compare_values(const Json* a, const Json* b) {
  int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1: return a->get_ref<const std::string&>().compare(b->get_ref<const std::string&>()) < 0 ? -1
                   : *a == *b ? 0 : 1;
    case 2: return compare_numbers(*a, *b);
    case 3: return static_cast<int>(a->get<bool>()) - static_cast<int>(b->get<bool>());
    case 4:
      for (size_t i = 0; i < a->size() && i < b->size(); ++i) {
        if (int c = compare_values(&(*a)[i], &(*b)[i])) return c;
      }
      return a->size() < b->size() ? -1 : a->size() > b->size() ? 1 : 0;
    case 5: {  // as PostgreSQL orders jsonb: fewer pairs first, then pair by pair
      if (a->size() != b->size()) return a->size() < b->size() ? -1 : 1;
      for (auto i = a->begin(), j = b->begin(); i != a->end(); ++i, ++j) {
        if (int c = i.key().compare(j.key())) return c < 0 ? -1 : 1;
        if (int c = compare_values(&i.value(), &j.value())) return c;
      }
      return 0;
    }
    default: return 0;  // null == null, missing == missing
  }
}

bool matches(const Filter& f, const Json& object) {
  const Json* v = find_field(object, f.field);
  switch (f.op) {
    case Filter::kEq: return compare_values(v, &f.value) == 0;
    case Filter::kNot: return compare_values(v, &f.value) != 0;
    case Filter::kLt: return compare_values(v, &f.value) < 0;
    case Filter::kGt: return compare_values(v, &f.value) > 0;
    case Filter::kMin: return compare_values(v, &f.value) >= 0;
    case Filter::kMax: return compare_values(v, &f.value) <= 0;
    case Filter::kIn: return in_list(v, f.value);
    case Filter::kExclude: return !in_list(v, f.value);
    case Filter::kHas: return truthy(f.value) == (v != nullptr);
    case Filter::kLike:
      return v && v->is_string() && f.like.matches(v->get_ref<const std::string&>());
    case Filter::kContains: return v && v->is_array() && contains_all(*v, f.value);
    case Filter::kContainsAny: return v && v->is_array() && contains_any(*v, f.value);
  }
  return false;
}

bool matches_all(const std::vector<Filter>& filters, const Json& object) {
  return std::all_of(filters.begin(), filters.end(),
                     [&](const Filter& f) { return matches(f, object); });
}

const Json* SortValues::at(size_t key) const {
  auto it = std::lower_bound(present.begin(), present.end(), key,
                             [](const auto& p, size_t k) { return p.first < k; });
  return it != present.end() && it->first == key ? it->second : nullptr;
}

SortValues sort_values(const Query& query, const Json& object) {
  SortValues out;
  for (size_t i = 0; i < query.sort.size(); ++i) {
    if (const Json* v = find_field(object, query.sort[i].field)) out.present.emplace_back(i, v);
  }
  return out;
}

// Walks the keys either side has, in order: between them both are missing,
// which compares equal.
int compare_sorted(const Query& query, const SortValues& a, const SortValues& b) {
  auto x = a.present.begin(), y = b.present.begin();
  while (x != a.present.end() || y != b.present.end()) {
    size_t key = std::min(x != a.present.end() ? x->first : SIZE_MAX,
                          y != b.present.end() ? y->first : SIZE_MAX);
    const Json* va = x != a.present.end() && x->first == key ? (x++)->second : nullptr;
    const Json* vb = y != b.present.end() && y->first == key ? (y++)->second : nullptr;
    int c = compare_values(va, vb);
    if (c != 0) return query.sort[key].descending ? -c : c;
  }
  return 0;
}

std::string page_token(const Query& query, const SortValues& last, const std::string& nonce) {
  Json fields = Json::object();
  for (const auto& [key, value] : last.present) fields[query.sort[key].field] = *value;
  Json doc = {{"last_object", fields}, {"offset", 0}, {"nonce", nonce}};
  return base64_encode(dump(doc));
}

SortValues token_values(const Query& query, const Json& after) {
  SortValues out;
  for (size_t i = 0; i < query.sort.size(); ++i) {
    auto it = after.find(query.sort[i].field);
    if (it != after.end()) out.present.emplace_back(i, &*it);
  }
  return out;
}

Json project(const Query& query, const Json& object) {
  if (query.fields.empty()) return object;
  Json out = Json::object();
  for (const char* always : {"id", "last_modified", "deleted"}) {
    auto it = object.find(always);
    if (it != object.end()) out[always] = *it;
  }
  for (const auto& f : query.fields) subset(object, split(f, '.'), 0, out);
  return out;
}

}  // namespace ratchet
