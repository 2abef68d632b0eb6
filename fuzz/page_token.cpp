// Fuzzes pagination tokens (core/query.h): a client's _token value parsed
// by parse_query beside a _sort, then its sort values read by token_values
// and compared with records' as the next page's walk does; and the round
// trip of a fuzzed record's sort values through page_token and back, which
// must give the same values and nonce.
//
// Input: the _sort value on the first line (none when empty), then the _token value (also
// read as a record when it is a JSON object).
#include <string>
#include <vector>

#include "ratchet/json.h"
#include "core/query.h"
#include "fuzz/fuzz_input.h"

namespace ratchet {
namespace {

const std::string kNonce = "0123456789abcdef";

const Json& sample() {
  static const Json record = parse_json(
      R"({"id":"a","last_modified":10,"title":"t","n":1,"nested":{"k":[1,"x",null]}})");
  return record;
}

// The querystring: _sort when given, then the other parameters.
Params params(const std::string& sort, Params rest) {
  if (!sort.empty()) rest.insert(rest.begin(), {"_sort", sort});
  return rest;
}

// The token as a client sends it: sort values compared with a record's.
void client_token(const std::string& sort, const std::string& token) {
  std::vector<ErrorDetail> problems;
  Query q = parse_query(params(sort, {{"_token", token}}), fuzz::kNow, problems);
  if (!problems.empty()) return;
  FUZZ_CHECK(q.after && q.after->is_object());
  SortValues after = token_values(q, *q.after);
  SortValues record = sort_values(q, sample());
  int c = compare_sorted(q, after, record);
  FUZZ_CHECK(c == -compare_sorted(q, record, after));
  FUZZ_CHECK(compare_sorted(q, after, after) == 0);
}

// A page ending on `object`: its token must give back its sort values.
void round_trip(const std::string& sort, const Json& object) {
  std::vector<ErrorDetail> problems;
  Query q = parse_query(params(sort, {}), fuzz::kNow, problems);
  if (!problems.empty()) return;
  SortValues last = sort_values(q, object);
  std::string token = page_token(q, last, kNonce);
  Query next = parse_query(params(sort, {{"_token", token}}), fuzz::kNow, problems);
  FUZZ_CHECK(problems.empty() && next.after);
  FUZZ_CHECK(next.token_nonce == kNonce);
  SortValues back = token_values(next, *next.after);
  for (size_t i = 0; i < q.sort.size(); ++i) {
    FUZZ_CHECK((back.at(i) == nullptr) == (last.at(i) == nullptr));
    FUZZ_CHECK(compare_values(back.at(i), last.at(i)) == 0);
  }
  FUZZ_CHECK(compare_sorted(next, back, last) == 0);
}

}  // namespace
}  // namespace ratchet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  std::string_view in = fuzz::text(data, size);
  std::string sort(fuzz::take_line(in));
  std::string token(in);
  client_token(sort, token);
  if (auto object = fuzz::stored_object(token, "r1", 10)) round_trip(sort, *object);
  return 0;
}
