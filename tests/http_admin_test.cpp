// Kinto's admin plugin over HTTP (PROTOCOL.md §1.5, §12): /v1/admin
// redirects to /v1/admin/, which serves index.html under Kinto's
// Content-Security-Policy; files below it with their types and nothing
// outside the assets folder; the capability with the UI's version; a help
// page when no UI was built. (tests/admin drives the real UI in Chromium.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class HttpAdmin : public ::testing::Test {
 protected:
  HttpAdmin() {
    std::filesystem::create_directories(assets_.path() + "/ui/assets");
    write(assets_.path() + "/ui/index.html", "<html>kinto admin</html>");
    write(assets_.path() + "/ui/VERSION", "1.31.1\n");
    write(assets_.path() + "/ui/admin-1.js", "console.log(1)");
    write(assets_.path() + "/ui/assets/logo.svg", "<svg/>");
    write(assets_.path() + "/secret.txt", "not served");
  }
  std::function<void(Settings&, Registry&)> admin(const std::string& folder) {
    return [folder](Settings& st, Registry&) {
      st.includes = {"admin"};
      st.extra["admin_assets_path"] = folder;
    };
  }
  TempDir assets_;
};

TEST_F(HttpAdmin, ServesTheUiBelowV1Admin) {
  TestServer s(admin(assets_.path() + "/ui"));
  Reply redirect = s.get("/v1/admin");
  EXPECT_EQ(redirect.status, 307);
  EXPECT_EQ(local_target(s, redirect.header("Location")), "/v1/admin/");

  Reply index = s.get("/v1/admin/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<html>kinto admin</html>");
  EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("Content-Security-Policy"),
            "default-src 'self'; img-src data: *; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'");

  Reply js = s.get("/v1/admin/admin-1.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(s.get("/v1/admin/assets/logo.svg").header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(s.request("HEAD", "/v1/admin/admin-1.js").status, 200);

  EXPECT_TRUE(IsError(s.get("/v1/admin/missing.js"), 404, 111));
  EXPECT_TRUE(IsError(s.get("/v1/admin/assets"), 404, 111));
  for (const char* escape : {"/v1/admin/../secret.txt", "/v1/admin/%2e%2e/secret.txt",
                             "/v1/admin/assets/../../secret.txt", "/v1/admin//etc/passwd"}) {
    Reply r = s.get(escape);
    EXPECT_NE(r.body, "not served") << escape;
    EXPECT_NE(r.status, 200) << escape;
  }
  EXPECT_EQ(s.request("POST", "/v1/admin/", "{}").status, 405);

  Json capability = s.get("/v1/").json()["capabilities"]["admin"];
  EXPECT_EQ(capability["version"], "1.31.1");
  EXPECT_EQ(capability["description"], "Serves the admin console.");
  EXPECT_EQ(capability["url"], "https://github.com/Kinto/kinto-admin/");
}

TEST_F(HttpAdmin, WithoutABuiltUiAHelpPageSaysHowToBuildOne) {
  TestServer s(admin(assets_.path() + "/none"));
  Reply index = s.get("/v1/admin/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("scripts/setup"), std::string::npos);
  EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
}

TEST_F(HttpAdmin, NotServedWhenNotIncluded) {
  TestServer s;
  EXPECT_TRUE(IsError(s.get("/v1/admin"), 404, 111));
  EXPECT_EQ(s.get("/v1/admin/").status, 307);  // the trailing-slash redirect, as Kinto
  EXPECT_FALSE(s.get("/v1/").json()["capabilities"].contains("admin"));
}

}  // namespace
}  // namespace ratchet::testing
