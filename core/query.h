// The querystring of plural endpoints (PROTOCOL.md §4): filters with
// Kinto's value coercion, sorting with its cross-type order, _limit,
// _token, _fields, and the time bounds that decide whether tombstones show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ratchet/error.h"
#include "core/glob.h"
#include "ratchet/json.h"

namespace ratchet {

struct Filter {
  enum Op { kEq, kNot, kLt, kGt, kMin, kMax, kIn, kExclude, kLike, kHas, kContains, kContainsAny };
  Op op = kEq;
  std::string field;  // dotted path
  Json value;         // coerced; a list for kIn, kExclude, kContains, kContainsAny
  Glob like;          // kLike: the value, compiled
};

struct SortKey {
  std::string field;
  bool descending = false;
};

struct Query {
  std::vector<Filter> filters;
  // Always ends with last_modified (descending unless the client sorted on
  // it) and then id in the same direction: a total order within a list. A
  // field the client repeated appears once (the first time).
  std::vector<SortKey> sort;
  size_t client_sort_keys = 0;  // how many of them the client asked for
  int64_t limit = -1;  // _limit; -1 when absent
  std::optional<Json> after;  // _token: sort values of the last object of the previous page
  std::string token_nonce;    // _token: its nonce (plural DELETE tokens are single-use)
  // _fields, sorted, without repeats and without paths inside another one
  // (a.b inside a); empty: whole objects.
  std::vector<std::string> fields;
  // Bounds on last_modified implied by the filters (inclusive).
  int64_t min_ts = INT64_MIN;
  int64_t max_ts = INT64_MAX;
  // Tombstones are listed only when a filter targets last_modified (§4.3).
  bool with_tombstones = false;
  bool deprecated_to = false;  // _to was used (Alert header)

  // True when the order is the modification index's: by last_modified only.
  bool index_order() const { return sort.size() == 2 && sort[0].field == "last_modified"; }
};

using Params = std::vector<std::pair<std::string, std::string>>;

// Parses a plural endpoint's querystring. Appends one detail per invalid
// parameter (location querystring, name = the parameter); the returned Query
// is usable only when none was appended. `now` bounds last_modified values.
Query parse_query(const Params& params, int64_t now, std::vector<ErrorDetail>& problems);

// Costs: the functions below read each value they are given at most a
// constant number of times (find_field: one lookup per key or dot on its
// way; comparisons: both values; list filters, whose values parse_query
// sorts: one binary search per value read) and copy none of it; recursion
// is as deep as the values (bounded by kMaxJsonDepth).

// A value inside an object: the value at a dotted path, or nullptr when
// missing (an intermediate non-object counts as missing; the longest key
// containing dots that matches a prefix of the path wins). Points into
// `object`.
const Json* find_field(const Json& object, std::string_view path);

// Kinto's order of JSON values: null < strings < numbers < booleans < arrays
// < objects < missing (nullptr); numbers by exact value (1 == 1.0), arrays
// item by item, objects by pair count then pair by pair in key order. A
// total order. Returns <0, 0 or >0.
int compare_values(const Json* a, const Json* b);

bool matches(const Filter& filter, const Json& object);
bool matches_all(const std::vector<Filter>& filters, const Json& object);

// The sort values of an object, pointing into it (valid while it lives and
// is not changed). Missing values take no room: however many sort keys a
// query has, an object's sort values are never more than its values.
struct SortValues {
  // (index in Query::sort, value), by index, for the keys the object has.
  std::vector<std::pair<size_t, const Json*>> present;
  // The value of sort key `key`, nullptr when missing.
  const Json* at(size_t key) const;
};
SortValues sort_values(const Query& query, const Json& object);
// <0 when `a` comes before `b` in the query's order.
int compare_sorted(const Query& query, const SortValues& a, const SortValues& b);

// The continuation token after an object with these sort values, and the
// sort values a token holds (pointing into `after`).
std::string page_token(const Query& query, const SortValues& last, const std::string& nonce);
SortValues token_values(const Query& query, const Json& after);

// The object reduced to the query's _fields, plus id, last_modified and
// deleted (§4.6). Returns the object unchanged without _fields.
Json project(const Query& query, const Json& object);

}  // namespace ratchet
