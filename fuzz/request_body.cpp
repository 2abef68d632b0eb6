// Fuzzes request bodies (http/op_builder.h): a POST, PUT or PATCH on a
// bucket, collection, group, record or account route turned into an Op by
// build_op -- the JSON envelope, data and permissions validation -- then the
// type's own data check, as the list writer runs it. A problem must be a
// clean 400 with a JSON body; an accepted body must be what the writer
// expects.
//
// Input: one byte (bits 0-3: the route; bit 4: PUT or PATCH on an object),
// the Content-Type line, then the body.
#include <string>
#include <vector>

#include "ratchet/json.h"
#include "fuzz/fuzz_input.h"
#include "http/op_builder.h"
#include "http/routes.h"

namespace ratchet {
namespace {

const char* const kPaths[] = {
    "/v1/buckets",
    "/v1/buckets/b1",
    "/v1/buckets/b1/groups",
    "/v1/buckets/b1/groups/g1",
    "/v1/buckets/b1/collections",
    "/v1/buckets/b1/collections/c1",
    "/v1/buckets/b1/collections/c1/records",
    "/v1/buckets/b1/collections/c1/records/r1",
    "/v1/accounts",
    "/v1/accounts/alice",
};

void check_permissions(const Op& op) {
  Json perms = parse_json(op.permissions);
  FUZZ_CHECK(perms.is_object());
  for (const auto& [name, members] : perms.items()) {
    if (members.is_null() && op.verb == kPatch) continue;
    FUZZ_CHECK(members.is_array());
    for (const Json& m : members) FUZZ_CHECK(m.is_string());
  }
}

void check_accepted(const Op& op, const ResourceType& type) {
  if (op.has_permissions) check_permissions(op);
  if (!op.has_data) return;
  Json data = parse_json(op.data);
  if (op.patch_format == PatchFormat::kJsonPatch) {
    FUZZ_CHECK(op.verb == kPatch && data.is_array());
    return;
  }
  FUZZ_CHECK(data.is_object());
  if (op.verb == kPatch) return;
  FUZZ_CHECK(!data.contains("id") && !data.contains("last_modified"));
  if (!type.check) return;
  std::vector<ErrorDetail> problems;
  type.check(data, problems);
  for (const ErrorDetail& p : problems) FUZZ_CHECK(p.location == "body");
  if (!problems.empty()) FUZZ_CHECK(parse_json(errors::invalid(problems).body()).is_object());
}

}  // namespace
}  // namespace ratchet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  const Registry& registry = fuzz::kinto_registry();
  std::string_view in = fuzz::text(data, size);
  uint8_t selector = fuzz::take_byte(in);
  Route route = resolve(registry, kPaths[(selector & 15) % std::size(kPaths)]);
  FUZZ_CHECK(route.kind == Route::kResource);
  Verb verb = route.plural ? kPost : (selector & 16) ? kPatch : kPut;
  HttpRequest request;
  request.method = verb_name(verb);
  request.headers.emplace("Content-Type", std::string(fuzz::take_line(in)));
  request.body = std::string(in);
  Op op = build_op(registry, route, verb, request, "basicauth:fuzz", {"system.Everyone"});
  if (op.has_error) {
    FUZZ_CHECK(op.error.status == 400);
    FUZZ_CHECK(parse_json(op.error.body()).is_object());
  } else {
    check_accepted(op, *route.type);
  }
  return 0;
}
