// The order in which a request is refused, the same for every verb
// (resource/request_policy.h, as Kinto): permission, then a missing parent,
// then a bad request, then a missing object, then preconditions.
#include <gtest/gtest.h>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

class HttpRequestPolicy : public ::testing::Test {
 protected:
  void SetUp() override { make_collection(s, "alice"); }
  TestServer s;
};

// A bad request on an object that does not exist is a bad request (Kinto
// validates the request before looking the object up).
TEST_F(HttpRequestPolicy, ABadRequestOnAMissingObjectIs400) {
  std::string missing = records_path() + "/nobody";
  EXPECT_TRUE(IsError(s.request("PATCH", missing, "{not json", "alice"), 400, 107));
  EXPECT_TRUE(IsError(s.request("DELETE", missing + "?last_modified=abc", "", "alice"), 400, 107));
  // Without the bad request, the object is missing.
  EXPECT_TRUE(IsError(s.request("PATCH", missing, R"({"data":{"a":1}})", "alice"), 404, 110));
  EXPECT_TRUE(IsError(s.request("DELETE", missing, "", "alice"), 404, 110));
}

// Below a missing parent the parent is missing, whatever else is wrong with
// the request (Kinto looks the parent up first).
TEST_F(HttpRequestPolicy, AMissingParentComesBeforeABadRequest) {
  std::string orphans = records_path("blog", "gone");
  for (const Reply& r : {s.get(orphans + "?_limit=x", "alice"), s.get(orphans + "/r?_fields=", "alice"),
                         s.request("PATCH", orphans + "/r", "{not json", "alice"),
                         s.request("DELETE", orphans + "/r?last_modified=abc", "", "alice")}) {
    ASSERT_TRUE(IsError(r, 404, 111)) << r.body;
    EXPECT_EQ(r.json()["details"]["resource_name"], "collection") << r.body;
  }
}

// A caller who may not act is refused before anything else is said.
TEST_F(HttpRequestPolicy, APermissionRefusalComesFirst) {
  std::string orphans = records_path("blog", "gone");
  EXPECT_TRUE(IsError(s.get(orphans + "?_limit=x", "mallory"), 403, 121));
  EXPECT_TRUE(IsError(s.request("PATCH", records_path() + "/nobody", "{not json", "mallory"), 403, 121));
}

}  // namespace
}  // namespace ratchet::testing
