// Fuzzes the querystring of plural endpoints (core/query.h): a raw
// querystring decoded as the HTTP layer does and parsed by parse_query,
// then its filters, sort and _fields evaluated over sampled records (fixed
// ones and fuzzed ones) as a list read does. Checks that problems name the
// querystring, that the sort is a total preorder (std::sort's requirement)
// and that _fields keeps id and last_modified and projects only once.
//
// Input: the querystring on the first line, then records (JSON objects),
// one per line.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "ratchet/json.h"
#include "core/query.h"
#include "fuzz/fuzz_input.h"
#include "http/message.h"

namespace ratchet {
namespace {

constexpr size_t kMaxFuzzedRecords = 8;

const char* const kRecords[] = {
    R"({"id":"a","last_modified":10,"title":"Hello World","n":1,"tags":["x","y"],)"
    R"("nested":{"k":1,"deep":{"v":"z"}},"dot.ted":true})",
    R"({"id":"b","last_modified":20,"title":"hello","n":2.5,"tags":[],"nested":{"k":"1"},"flag":false})",
    R"({"id":"c","last_modified":30,"n":null,"tags":["y",1,null],"big":18446744073709551615,)"
    R"("neg":-9223372036854775808,"nested":"flat"})",
    R"({"id":"d","last_modified":40,"deleted":true})",
    R"({"id":"e","last_modified":40,"n":-1e300,"title":"","tags":[["x"]],"nested":{"k":{"k":2}}})",
};

// Stored objects: the fixed ones, then each line of `in` that is a JSON
// object, with the string id and integer last_modified every stored object has.
std::vector<Json> records(std::string_view in) {
  std::vector<Json> out;
  for (const char* text : kRecords) out.push_back(parse_json(text));
  for (size_t i = 0; !in.empty() && i < kMaxFuzzedRecords; ++i) {
    auto object = fuzz::stored_object(fuzz::take_line(in), "f" + std::to_string(i),
                                      100 + static_cast<int64_t>(i % 3));
    if (object) out.push_back(std::move(*object));
  }
  return out;
}

bool equal_to_one_of(const Json* v, const Json& values) {
  return v && std::any_of(values.begin(), values.end(),
                          [&](const Json& e) { return compare_values(v, &e) == 0; });
}

// The list filters as their definition reads, one comparison at a time:
// what matches() must agree with however it looks values up.
void check_list_filter(const Filter& f, const Json& object) {
  const Json* v = find_field(object, f.field);
  bool array = v && v->is_array();
  auto held = [&](const Json& e) { return array && equal_to_one_of(&e, *v); };
  std::optional<bool> expected;
  switch (f.op) {
    case Filter::kIn: expected = equal_to_one_of(v, f.value); break;
    case Filter::kExclude: expected = !equal_to_one_of(v, f.value); break;
    case Filter::kContains:
      expected = array && std::all_of(f.value.begin(), f.value.end(), held);
      break;
    case Filter::kContainsAny:
      expected = array && std::any_of(f.value.begin(), f.value.end(), held);
      break;
    default: break;
  }
  if (expected) FUZZ_CHECK(matches(f, object) == *expected);
}

int sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

void check_order(const Query& q, const std::vector<SortValues>& values) {
  size_t n = values.size();
  std::vector<std::vector<int>> c(n, std::vector<int>(n));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) c[i][j] = sign(compare_sorted(q, values[i], values[j]));
  }
  for (size_t i = 0; i < n; ++i) {
    FUZZ_CHECK(c[i][i] == 0);
    for (size_t j = 0; j < n; ++j) {
      FUZZ_CHECK(c[i][j] == -c[j][i]);
      for (size_t k = 0; k < n; ++k) {
        if (c[i][j] <= 0 && c[j][k] <= 0) FUZZ_CHECK(c[i][k] <= 0);
      }
    }
  }
}

void check_projection(const Query& q, const Json& object) {
  Json projected = project(q, object);
  FUZZ_CHECK(projected.is_object());
  FUZZ_CHECK(projected["id"] == object["id"]);
  FUZZ_CHECK(projected["last_modified"] == object["last_modified"]);
  FUZZ_CHECK(project(q, projected) == projected);
}

}  // namespace
}  // namespace ratchet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  std::string_view in = fuzz::text(data, size);
  Params params = parse_query(std::string(fuzz::take_line(in)));
  std::vector<ErrorDetail> problems;
  Query q = parse_query(params, fuzz::kNow, problems);
  for (const ErrorDetail& p : problems) FUZZ_CHECK(p.location == "querystring" && p.name);
  if (!problems.empty()) return 0;
  FUZZ_CHECK(q.sort.size() >= 2 && q.sort.back().field == "id");
  FUZZ_CHECK(q.sort.size() == q.client_sort_keys + 1 ||
             q.sort.size() == q.client_sort_keys + 2);

  std::vector<Json> objects = records(in);  // the sort values point into them
  std::vector<SortValues> values;
  for (const Json& object : objects) {
    matches_all(q.filters, object);
    for (const Filter& f : q.filters) check_list_filter(f, object);
    values.push_back(sort_values(q, object));
    check_projection(q, object);
  }
  check_order(q, values);
  return 0;
}
