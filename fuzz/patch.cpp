// Fuzzes PATCH application (core/patch.h): a PATCH body on a record or a
// bucket in any of the three formats, checked by build_op (check_json_patch
// for JSON Patch), then applied by apply_patch to a stored object and ACL
// as the list writer does. A patch either fails with a clean 400 or leaves
// an object with the same id and an ACL of known permissions listing
// principals.
//
// Input: one byte (bits 0-1: the format; bit 2: record or bucket; bits 3-4:
// the stored ACL), the stored object's JSON on one line, then the body.
#include <algorithm>
#include <string>
#include <vector>

#include "ratchet/json.h"
#include "core/patch.h"
#include "fuzz/fuzz_input.h"
#include "http/op_builder.h"
#include "http/routes.h"

namespace ratchet {
namespace {

const char* const kContentTypes[] = {
    "application/json",
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/json-patch+json; charset=utf-8",
};

// Stored ACLs valid for both types (read and write only).
const char* const kAcls[] = {
    "{}",
    R"({"write":["basicauth:fuzz"]})",
    R"({"read":["system.Everyone"],"write":["basicauth:fuzz","/buckets/b1/groups/g1"]})",
    R"({"read":[],"write":["a","b","c"]})",
};

void check_patched(const Json& data, const Json& acl, const std::string& id,
                   const std::vector<std::string>& valid) {
  FUZZ_CHECK(data.is_object() && data.contains("id") && data["id"] == id);
  FUZZ_CHECK(acl.is_object());
  for (const auto& [perm, members] : acl.items()) {
    FUZZ_CHECK(std::find(valid.begin(), valid.end(), perm) != valid.end());
    FUZZ_CHECK(members.is_array());
    for (const Json& m : members) FUZZ_CHECK(m.is_string());
  }
  parse_json(dump(data));
}

}  // namespace
}  // namespace ratchet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ratchet;
  const Registry& registry = fuzz::kinto_registry();
  std::string_view in = fuzz::text(data, size);
  uint8_t selector = fuzz::take_byte(in);
  Route route = resolve(registry, (selector & 4) ? "/v1/buckets/b1"
                                                 : "/v1/buckets/b1/collections/c1/records/r1");
  HttpRequest request;
  request.method = "PATCH";
  request.headers.emplace("Content-Type", kContentTypes[selector & 3]);
  Json object = fuzz::stored_object(fuzz::take_line(in), route.id, fuzz::kNow)
                    .value_or(Json{{"id", route.id}, {"last_modified", fuzz::kNow}});
  request.body = std::string(in);
  Op op = build_op(registry, route, kPatch, request, "basicauth:fuzz", {"system.Everyone"});
  if (op.has_error) return 0;  // the writer answers op.error (request_body checks it)

  std::vector<std::string> valid = registry.permissions(*route.type);
  Json acl = parse_json(kAcls[(selector >> 3) & 3]);
  if (auto error = apply_patch(op, valid, object, acl)) {
    FUZZ_CHECK(error->status == 400);
    FUZZ_CHECK(parse_json(error->body()).is_object());
    return 0;
  }
  check_patched(object, acl, route.id, valid);
  return 0;
}
