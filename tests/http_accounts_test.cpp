// Kinto's accounts plugin over HTTP (PROTOCOL.md §12.3, §7.1, §16): sign-up
// with PUT and POST, bcrypt ($2b$) hashes stored and returned, Basic auth
// resolving accounts before basicauth, password changes and deletion taking
// effect at once, non-administrators confined to their own account,
// administrators (account_write_principals), the id rule, and an account
// carrying a hash made by Python's bcrypt -- as exported from a Kinto server
// -- authenticating.
#include <gtest/gtest.h>

#include <algorithm>

#include <regex>

#include "store/batch.h"
#include "store/engine.h"
#include "store/commit.h"
#include "store/list_reader.h"
#include "tests/http_helpers.h"

namespace ratchet::testing {
namespace {

void accounts(Settings& st, Registry&) {
  st.includes = {"accounts"};
  st.multiauth_policies = {"account", "basicauth"};
  st.extra["account_bcrypt_rounds"] = "4";
  st.principals["account_create"] = {"system.Everyone"};
  st.principals["account_write"] = {"account:admin"};
}

// Only the account policy: credentials that match no account are anonymous.
void accounts_only(Settings& st, Registry& r) {
  accounts(st, r);
  st.multiauth_policies = {"account"};
}

// A request with Basic credentials `user`:`password`.
Reply as(TestServer& s, const std::string& method, const std::string& path, const std::string& body,
         const std::string& user, const std::string& password) {
  return s.request(method, path, body, "", {{"Authorization", basic_auth(user, password)}});
}

// The user id hello reports for those credentials ("" when anonymous).
std::string who(TestServer& s, const std::string& user, const std::string& password) {
  Json hello = as(s, "GET", "/v1/", "", user, password).json();
  return hello.contains("user") ? hello["user"]["id"].get<std::string>() : "";
}

std::string basicauth_id(const std::string& user, const std::string& password) {
  return "basicauth:" + hmac_sha256_hex("test-secret", user + ":" + password);
}

std::string password_body(const std::string& password) {
  return Json{{"data", {{"password", password}}}}.dump();
}

// Anonymous sign-up.
Json signup(TestServer& s, const std::string& id, const std::string& password = "secret") {
  return must(s, "PUT", "/v1/accounts/" + id, password_body(password), "", {201});
}

bool is_bcrypt(const Json& v, int rounds = 4) {
  if (!v.is_string()) return false;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "\\$2b\\$%02d\\$", rounds);
  return std::regex_match(v.get<std::string>(), std::regex(std::string("^") + prefix + "[./A-Za-z0-9]{53}$"));
}

const Json kAliceAcl = {{"write", {"account:alice"}}};

TEST(HttpAccounts, SignUpWithPutStoresAndReturnsABcryptHash) {
  TestServer s(accounts);
  Reply r = s.request("PUT", "/v1/accounts/alice", password_body("secret"), "");
  ASSERT_EQ(r.status, 201) << describe(r);
  Json body = r.json();
  EXPECT_EQ(body["data"]["id"], "alice");
  EXPECT_TRUE(is_bcrypt(body["data"]["password"])) << body;
  EXPECT_EQ(body["permissions"], kAliceAcl);
  EXPECT_EQ(etag_value(r), body["data"]["last_modified"].get<int64_t>());
  EXPECT_EQ(count_of(r.body, "\"secret\""), 0u) << r.body;

  r = s.get("/v1/accounts/alice", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["password"], body["data"]["password"]);  // the hash, as stored
  EXPECT_EQ(r.json()["permissions"], kAliceAcl);

  Json hello = s.get("/v1/", "alice").json();
  EXPECT_EQ(hello["user"]["id"], "account:alice");
  std::set<std::string> principals(hello["user"]["principals"].begin(), hello["user"]["principals"].end());
  EXPECT_EQ(principals, (std::set<std::string>{"account:alice", "system.Everyone", "system.Authenticated"}));
  EXPECT_EQ(hello["capabilities"]["accounts"]["validation_enabled"], false);
  EXPECT_TRUE(hello["capabilities"]["accounts"]["url"].is_string());
  EXPECT_TRUE(hello["capabilities"].contains("basicauth"));
  // Each hash has its own salt.
  Json other = signup(s, "bob");
  EXPECT_NE(other["data"]["password"], body["data"]["password"]);
}

TEST(HttpAccounts, SignUpWithPost) {
  TestServer s(accounts);
  Reply r = s.request("POST", "/v1/accounts", R"({"data":{"id":"bob","password":"secret"}})", "");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], "bob");
  EXPECT_TRUE(is_bcrypt(r.json()["data"]["password"])) << r.body;
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {"account:bob"}}}));
  EXPECT_EQ(who(s, "bob", "secret"), "account:bob");
  std::string hash = r.json()["data"]["password"];

  r = s.request("POST", "/v1/accounts", R"({"data":{"password":"secret"}})", "");
  ASSERT_TRUE(IsError(r, 400, 107));
  EXPECT_EQ(r.json()["details"][0]["name"], "data.id") << r.body;
  for (const char* body : {R"({"data":{"id":"x"}})", R"({"data":{"id":"x","password":1}})", R"({})"}) {
    EXPECT_TRUE(IsError(s.request("POST", "/v1/accounts", body, ""), 400, 107)) << body;
  }
  for (const char* body : {R"({"data":{}})", R"({"data":{"password":null}})", ""}) {
    EXPECT_TRUE(IsError(s.request("PUT", "/v1/accounts/x", body, ""), 400, 107)) << body;
  }
  EXPECT_EQ(who(s, "x", "secret"), basicauth_id("x", "secret"));  // never created

  // An existing id: read is required (anonymous: 401); its owner gets it back unchanged.
  EXPECT_TRUE(IsError(s.request("POST", "/v1/accounts", R"({"data":{"id":"bob","password":"other"}})", ""), 401, 104));
  r = s.request("POST", "/v1/accounts", R"({"data":{"id":"bob","password":"other"}})", "bob");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["password"], hash);
  EXPECT_EQ(who(s, "bob", "secret"), "account:bob");
  EXPECT_EQ(who(s, "bob", "other"), basicauth_id("bob", "other"));
}

// bcrypt reads at most 72 bytes of a password, up to its first NUL: longer
// passwords and passwords with NUL are refused (400 on data.password, never
// a 5xx, nothing stored), and never authenticate as an account, however their
// first 72 bytes compare.
TEST(HttpAccounts, PasswordsBcryptCannotReadWhollyAreRefused) {
  TestServer s(accounts_only);
  const std::string longest(72, 'p');
  signup(s, "alice", longest);
  EXPECT_EQ(who(s, "alice", longest), "account:alice");
  Json stored = s.request("GET", "/v1/accounts/alice", "", "", {{"Authorization", basic_auth("alice", longest)}})
                    .json();
  for (const std::string& bad : {longest + "x", std::string(1000, 'p'), std::string("ab\0cd", 5)}) {
    std::string body = password_body(bad);
    std::vector<Reply> answers{
        s.request("PUT", "/v1/accounts/bob", body, ""),
        s.request("POST", "/v1/accounts", Json{{"data", {{"id", "carol"}, {"password", bad}}}}.dump(), ""),
        as(s, "PUT", "/v1/accounts/alice", body, "alice", longest),
        as(s, "PATCH", "/v1/accounts/alice", body, "alice", longest),
    };
    for (const Reply& r : answers) {
      ASSERT_TRUE(IsError(r, 400, 107)) << bad.size() << " bytes";
      EXPECT_EQ(r.json()["details"][0]["location"], "body") << r.body;
      EXPECT_EQ(r.json()["details"][0]["name"], "data.password") << r.body;
    }
    // Logging in with it is an anonymous request, not an error.
    Reply hello = as(s, "GET", "/v1/", "", "alice", bad);
    EXPECT_EQ(hello.status, 200) << describe(hello);
    EXPECT_FALSE(hello.json().contains("user")) << hello.body;
  }
  // alice's first 72 bytes followed by more: not alice.
  EXPECT_EQ(who(s, "alice", longest + "tail"), "");
  EXPECT_TRUE(IsError(as(s, "GET", "/v1/accounts/alice", "", "alice", longest + "tail"), 401, 104));
  EXPECT_EQ(as(s, "GET", "/v1/accounts/alice", "", "alice", longest).json(), stored);
  EXPECT_EQ(who(s, "bob", "ab"), "");
  EXPECT_TRUE(IsError(s.get("/v1/accounts/carol", "carol"), 401, 104));
}

// §16: with account then basicauth, a wrong password is not refused: the
// pair authenticates as another (basicauth) user.
TEST(HttpAccounts, WrongPasswordFallsThroughToBasicauth) {
  TestServer s(accounts);
  signup(s, "alice");
  EXPECT_EQ(who(s, "alice", "secret"), "account:alice");
  EXPECT_EQ(who(s, "alice", "wrong"), basicauth_id("alice", "wrong"));
  EXPECT_EQ(who(s, "ghost", "secret"), basicauth_id("ghost", "secret"));
  EXPECT_TRUE(IsError(as(s, "GET", "/v1/accounts/alice", "", "alice", "wrong"), 403, 121));
  EXPECT_EQ(as(s, "GET", "/v1/accounts/alice", "", "alice", "secret").status, 200);
}

// Without the basicauth policy, credentials that match no account are anonymous.
TEST(HttpAccounts, WithOnlyTheAccountPolicyWrongCredentialsAreAnonymous) {
  TestServer s(accounts_only);
  signup(s, "alice");
  EXPECT_EQ(who(s, "alice", "secret"), "account:alice");
  EXPECT_EQ(who(s, "alice", "wrong"), "");
  EXPECT_TRUE(IsError(as(s, "GET", "/v1/accounts/alice", "", "alice", "wrong"), 401, 104));
  EXPECT_TRUE(IsError(as(s, "PUT", "/v1/buckets/b", "", "alice", "wrong"), 401, 104));
  EXPECT_EQ(as(s, "PUT", "/v1/buckets/b", "", "alice", "secret").status, 201);
  EXPECT_FALSE(s.get("/v1/").json()["capabilities"].contains("basicauth"));
}

TEST(HttpAccounts, PasswordChangeWithPutTakesEffectAtOnce) {
  TestServer s(accounts);
  std::string old_hash = signup(s, "alice")["data"]["password"];
  ASSERT_EQ(s.get("/v1/accounts/alice", "alice").status, 200);  // the credentials are now cached
  Reply r = s.request("PUT", "/v1/accounts/alice", password_body("n3w"), "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(is_bcrypt(r.json()["data"]["password"])) << r.body;
  EXPECT_NE(r.json()["data"]["password"], old_hash);
  EXPECT_EQ(r.json()["permissions"], kAliceAcl);
  EXPECT_EQ(who(s, "alice", "secret"), basicauth_id("alice", "secret"));
  EXPECT_TRUE(IsError(s.get("/v1/accounts/alice", "alice"), 403, 121));
  EXPECT_EQ(who(s, "alice", "n3w"), "account:alice");
  EXPECT_EQ(as(s, "GET", "/v1/accounts/alice", "", "alice", "n3w").status, 200);
}

TEST(HttpAccounts, PasswordChangeWithPatchTakesEffectAtOnce) {
  TestServer s(accounts);
  signup(s, "alice");
  ASSERT_EQ(who(s, "alice", "secret"), "account:alice");
  Reply r = s.request("PATCH", "/v1/accounts/alice", password_body("p2"), "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  std::string hash = r.json()["data"]["password"];
  EXPECT_TRUE(is_bcrypt(hash));
  EXPECT_EQ(who(s, "alice", "secret"), basicauth_id("alice", "secret"));
  EXPECT_EQ(who(s, "alice", "p2"), "account:alice");
  // Changing other fields keeps the password (the stored hash is not hashed again).
  r = as(s, "PATCH", "/v1/accounts/alice", R"({"data":{"nick":"al"}})", "alice", "p2");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["password"], hash);
  EXPECT_EQ(r.json()["data"]["nick"], "al");
  EXPECT_EQ(who(s, "alice", "p2"), "account:alice");
}

TEST(HttpAccounts, DeletedAccountCredentialsAreAnonymous) {
  TestServer s(accounts_only);
  signup(s, "alice");
  ASSERT_EQ(who(s, "alice", "secret"), "account:alice");
  Reply r = s.request("DELETE", "/v1/accounts/alice", "", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], "alice");
  EXPECT_EQ(r.json()["data"]["deleted"], true);
  EXPECT_EQ(who(s, "alice", "secret"), "");
  EXPECT_TRUE(IsError(s.get("/v1/accounts/alice", "alice"), 401, 104));
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/buckets/b", "", "alice"), 401, 104));
  // The id is free again.
  signup(s, "alice", "again");
  EXPECT_EQ(who(s, "alice", "again"), "account:alice");
  EXPECT_EQ(who(s, "alice", "secret"), "");
}

// §16: with basicauth after account, the deleted account's credentials are
// a basicauth user, to whom the account's URL answers 403.
TEST(HttpAccounts, DeletedAccountCredentialsFallThroughToBasicauth) {
  TestServer s(accounts);
  signup(s, "alice");
  must(s, "DELETE", "/v1/accounts/alice", "", "alice", {200});
  EXPECT_EQ(who(s, "alice", "secret"), basicauth_id("alice", "secret"));
  EXPECT_TRUE(IsError(s.get("/v1/accounts/alice", "alice"), 403, 121));
}

// §12.3: a user sees and changes only their own account; creating or
// replacing another id is a 400, other changes and reads are refused.
TEST(HttpAccounts, NonAdministratorsManageOnlyTheirOwnAccount) {
  TestServer s(accounts);
  signup(s, "alice");
  std::string bob_hash = signup(s, "bob")["data"]["password"];
  signup(s, "admin");

  for (const auto& [method, path, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"PUT", "/v1/accounts/dave", password_body("x")},
           {"PUT", "/v1/accounts/bob", password_body("x")},
           {"POST", "/v1/accounts", R"({"data":{"id":"dave","password":"x"}})"},
           {"POST", "/v1/accounts", R"({"data":{"id":"bob","password":"x"}})"}}) {
    Reply r = s.request(method, path, body, "alice");
    EXPECT_TRUE(IsError(r, 400, 107)) << method << " " << path << " " << body;
    EXPECT_EQ(r.json()["details"][0]["description"], "Username and account ID do not match.") << r.body;
    EXPECT_EQ(r.json()["message"], "data.id in body: Username and account ID do not match.");  // as Kinto
    EXPECT_EQ(count_of(r.body, bob_hash), 0u);
  }
  // Without an id, as Kinto: the account holder is told to give one; anyone else that it is required.
  Reply no_id = s.request("POST", "/v1/accounts", password_body("x"), "alice");
  ASSERT_TRUE(IsError(no_id, 400, 107)) << describe(no_id);
  EXPECT_EQ(no_id.json()["message"], "data.id in body: Accounts must have an ID.");
  no_id = s.request("POST", "/v1/accounts", password_body("x"), "");
  ASSERT_TRUE(IsError(no_id, 400, 107)) << describe(no_id);
  EXPECT_EQ(no_id.json()["message"], "data.id in body: Required");
  EXPECT_TRUE(IsError(s.request("PATCH", "/v1/accounts/bob", password_body("x"), "alice"), 403, 121));
  EXPECT_TRUE(IsError(s.request("DELETE", "/v1/accounts/bob", "", "alice"), 403, 121));
  EXPECT_TRUE(IsError(s.get("/v1/accounts/bob", "alice"), 403, 121));
  EXPECT_TRUE(IsError(s.get("/v1/accounts/nobody", "alice"), 403, 121));
  EXPECT_EQ(ids_of(s.get("/v1/accounts", "alice")), std::vector<std::string>{"alice"});
  EXPECT_EQ(s.request("HEAD", "/v1/accounts", "", "alice").header("Total-Records"), "1");
  // A basicauth user is no account holder, whatever the name.
  Reply r = s.request("PUT", "/v1/accounts/carol", password_body("secret"), "carol");
  EXPECT_TRUE(IsError(r, 400, 107)) << describe(r);

  // Anonymous writes to an existing account need its write permission.
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/accounts/bob", password_body("x"), ""), 401, 104));
  EXPECT_TRUE(IsError(s.request("PATCH", "/v1/accounts/bob", password_body("x"), ""), 401, 104));
  EXPECT_TRUE(IsError(s.request("DELETE", "/v1/accounts/bob", "", ""), 401, 104));
  // Nor does a wrong password (a basicauth user, §16) give any hold on it.
  EXPECT_TRUE(IsError(as(s, "PUT", "/v1/accounts/bob", password_body("x"), "bob", "x"), 400, 107));
  EXPECT_TRUE(IsError(as(s, "PATCH", "/v1/accounts/bob", password_body("x"), "bob", "x"), 403, 121));
  EXPECT_TRUE(IsError(as(s, "DELETE", "/v1/accounts/bob", "", "bob", "x"), 403, 121));
  // Nothing changed: bob's password, dave's absence.
  EXPECT_EQ(s.get("/v1/accounts/bob", "bob").json()["data"]["password"], bob_hash);
  EXPECT_EQ(who(s, "bob", "x"), basicauth_id("bob", "x"));
  EXPECT_TRUE(IsError(s.get("/v1/accounts/dave", "admin"), 404, 110));
}

// §12.3 and §16: anonymous reads.
TEST(HttpAccounts, AnonymousReadsAre401) {
  TestServer s(accounts);
  signup(s, "alice");
  EXPECT_TRUE(IsError(s.get("/v1/accounts/alice"), 401, 104));
  EXPECT_TRUE(IsError(s.get("/v1/accounts/nobody"), 401, 104));
  // §16: the list answers Kinto's own 401, errno 999, without a challenge.
  Reply r = s.get("/v1/accounts");
  ASSERT_TRUE(IsError(r, 401, 999));
  EXPECT_EQ(r.json()["error"], "Cannot read accounts.");
  EXPECT_FALSE(r.has_header("WWW-Authenticate"));
  EXPECT_EQ(count_of(r.body, "alice"), 0u);
}

TEST(HttpAccounts, AdministratorsManageEveryAccount) {
  TestServer s(accounts);
  signup(s, "admin");
  signup(s, "alice");
  Reply r = s.request("PUT", "/v1/accounts/carol", password_body("c1"), "admin");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {"account:carol"}}}));
  EXPECT_EQ(who(s, "carol", "c1"), "account:carol");
  r = s.request("POST", "/v1/accounts", R"({"data":{"id":"dave","password":"d1"}})", "admin");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {"account:dave"}}}));
  EXPECT_EQ(who(s, "dave", "d1"), "account:dave");

  EXPECT_EQ(s.get("/v1/accounts/alice", "admin").status, 200);
  EXPECT_TRUE(IsError(s.get("/v1/accounts/nobody", "admin"), 404, 110));
  r = s.request("PATCH", "/v1/accounts/carol", password_body("c2"), "admin");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(who(s, "carol", "c1"), basicauth_id("carol", "c1"));
  EXPECT_EQ(who(s, "carol", "c2"), "account:carol");
  r = s.request("PUT", "/v1/accounts/alice", password_body("a2"), "admin");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(who(s, "alice", "a2"), "account:alice");
  EXPECT_EQ(must(s, "DELETE", "/v1/accounts/dave", "", "admin", {200})["data"]["deleted"], true);
  EXPECT_EQ(who(s, "dave", "d1"), basicauth_id("dave", "d1"));
  // As Kinto (§16): an administrator lists the accounts whose ACL names him
  // -- his own -- unless account_read_principals names him too.
  EXPECT_EQ(ids_of(s.get("/v1/accounts", "admin")), std::vector<std::string>{"admin"});
}

TEST(HttpAccounts, AnAdministratorWhoIsAlsoAReaderListsEveryAccount) {
  TestServer s([](Settings& st, Registry& r) {
    accounts(st, r);
    st.principals["account_read"] = {"account:admin", "account:reader"};
  });
  for (const char* id : {"admin", "alice", "reader"}) signup(s, id);
  auto listed = ids_of(s.get("/v1/accounts", "admin"));
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, (std::vector<std::string>{"admin", "alice", "reader"}));
  // A reader who is not an administrator lists his own account.
  EXPECT_EQ(ids_of(s.get("/v1/accounts", "reader")), std::vector<std::string>{"reader"});
}

TEST(HttpAccounts, AccountIdRule) {
  TestServer s(accounts);
  for (const char* id : {"bad!id", "-x", "_x", ".x", "a%20b", "x%3Ay"}) {
    Reply r = s.request("PUT", std::string("/v1/accounts/") + id, password_body("pw"), "");
    EXPECT_TRUE(IsError(r, 400, 107)) << id;
  }
  for (const char* id : {"bad!id", "-x", "a b", "x:y", "x/y", ""}) {
    Json body = {{"data", {{"id", id}, {"password", "pw"}}}};
    EXPECT_TRUE(IsError(s.request("POST", "/v1/accounts", body.dump(), ""), 400, 107)) << id;
  }
  const std::string email = "alice.b+tag_1-x@example.com";
  Reply r = s.request("PUT", "/v1/accounts/" + email, password_body("pw"), "");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], email);
  EXPECT_EQ(who(s, email, "pw"), "account:" + email);
  EXPECT_EQ(as(s, "GET", "/v1/accounts/" + email, "", email, "pw").status, 200);
  EXPECT_EQ(must(s, "POST", "/v1/accounts", R"({"data":{"id":"Z9","password":"pw"}})", "", {201})["data"]["id"],
            "Z9");
}

// account_create_principals decides who may sign up.
TEST(HttpAccounts, AccountCreatePrincipalsRestrictSignUp) {
  TestServer s([](Settings& st, Registry& r) {
    accounts(st, r);
    st.principals.erase("account_create");
  });
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/accounts/alice", password_body("pw"), ""), 401, 104));
  EXPECT_TRUE(IsError(s.request("POST", "/v1/accounts", R"({"data":{"id":"alice","password":"pw"}})", ""), 401, 104));
  EXPECT_TRUE(IsError(s.request("PUT", "/v1/accounts/alice", password_body("pw"), "alice"), 403, 121));
  // Nobody may create, so the anonymous list is the ordinary refusal.
  EXPECT_TRUE(IsError(s.get("/v1/accounts"), 401, 104));
  EXPECT_EQ(who(s, "alice", "pw"), basicauth_id("alice", "pw"));
}

// The settings as Kinto names them (PROTOCOL.md §11.2), through the same
// parser as the configuration file.
TEST(HttpAccounts, ConfiguredWithKintoSettingNames) {
  TestServer s([](Settings& st, Registry& r) {
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"includes", "default_bucket accounts"},
             {"multiauth.policies", "account basicauth"},
             {"account_create_principals", "system.Everyone"},
             {"account_write_principals", "account:admin"},
             {"account_bcrypt_rounds", "4"},
             {"default_bucket_hmac_secret", "bucket-secret"},
             {"experimental_permissions_endpoint", "true"},
             {"permissions_read_principals", "system.Authenticated"}}) {
      set_setting(st, key, value, r);
    }
  });
  Json capabilities = s.get("/v1/").json()["capabilities"];
  for (const char* c : {"accounts", "default_bucket", "permissions_endpoint", "basicauth"}) {
    EXPECT_TRUE(capabilities.contains(c)) << c << ": " << capabilities;
  }
  Json created = signup(s, "alice");
  EXPECT_TRUE(is_bcrypt(created["data"]["password"])) << created;
  EXPECT_EQ(who(s, "alice", "secret"), "account:alice");
  EXPECT_EQ(who(s, "alice", "nope"), basicauth_id("alice", "nope"));
  EXPECT_EQ(s.get("/v1/buckets/default", "alice").status, 200);
  EXPECT_TRUE(IsError(s.get("/v1/permissions"), 401, 104));
  EXPECT_EQ(s.get("/v1/permissions", "alice").status, 200);
}

// Policies are tried in order and the first that authenticates wins: with
// basicauth first, account credentials never reach the account policy.
TEST(HttpAccounts, PolicyOrderMatters) {
  TestServer s([](Settings& st, Registry& r) {
    accounts(st, r);
    st.multiauth_policies = {"basicauth", "account"};
  });
  signup(s, "alice");
  EXPECT_EQ(who(s, "alice", "secret"), basicauth_id("alice", "secret"));
  EXPECT_TRUE(IsError(s.get("/v1/accounts/alice", "alice"), 403, 121));
}

// Hashes made by Python's bcrypt (what Kinto stores), for known passwords:
// pyca/bcrypt's own test vector (tests/test_bcrypt.py) and a passlib hash
// published in zitadel/passwap (internal/testvalues/bcrypt.go), both checked
// on this machine with Python's crypt module before being written here.
struct KintoHash {
  std::string id, password, hash;
};
const KintoHash kKintoHashes[] = {
    {"legacy", "Kk4DQuMMfZL9o", "$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm"},
    {"legacy12", "password", "$2b$12$bIRGj4QPPoSUMWsJE.4Pk.T1qTpDWz7HhMnuiQhGzGinKPsx/HQdq"},
};

// An account exported from Kinto keeps its hash. Over HTTP a changed
// password is always hashed again, so the import is done as an offline tool
// would: the accounts are created through HTTP (with every index the server
// keeps), the server stops, and only the stored password field of each
// account is replaced by the Kinto hash, directly in the RocksDB store.
TEST(HttpAccounts, AccountsWithKintoHashesAuthenticate) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  auto on_disk = [path](Settings& st, Registry& r) {
    accounts(st, r);
    st.storage_backend = "rocksdb";
    st.storage_path = path;
    st.storage_fsync = false;
  };
  {
    TestServer s(on_disk);
    for (const auto& k : kKintoHashes) signup(s, k.id, "placeholder-pw-0");
  }
  {
    auto engine = open_engine("rocksdb", path);
    auto snapshot = engine->snapshot();
    // Only hashes were stored: the plain password is nowhere in the store.
    auto cursor = snapshot->scan("", std::string(8, '\xff'), false);
    size_t keys = 0;
    for (; cursor->valid(); cursor->next(), ++keys) {
      ASSERT_EQ(cursor->value().find("placeholder-pw-0"), std::string_view::npos) << cursor->key();
      ASSERT_EQ(cursor->key().find("placeholder-pw-0"), std::string_view::npos);
    }
    EXPECT_GT(keys, 0u);
    // Plant Kinto's hashes in place of ours, as a commit of the store.
    ListView accounts(*snapshot, ListId{"", "account"});
    Commit planted;
    for (const auto& k : kKintoHashes) {
      StoredObject stored = accounts.get(k.id);
      ASSERT_TRUE(stored.exists) << k.id;
      std::string& text = stored.text;
      Json doc = Json::parse(text);
      std::string ours = doc["password"];
      ASSERT_TRUE(is_bcrypt(doc["password"])) << text;
      size_t at = text.find(ours);
      ASSERT_NE(at, std::string::npos);
      text.replace(at, ours.size(), k.hash);
      planted.changes.push_back(
          PutObject{accounts.list(), k.id, stored.ts, text, std::nullopt, stored.ts, false});
    }
    engine->write(encode(planted), true);
  }
  TestServer s(on_disk);
  for (const auto& k : kKintoHashes) {
    EXPECT_EQ(who(s, k.id, k.password), "account:" + k.id) << k.hash;
    Reply r = as(s, "GET", "/v1/accounts/" + k.id, "", k.id, k.password);
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(r.json()["data"]["password"], k.hash);  // served as stored
    EXPECT_EQ(who(s, k.id, k.password + "x"), basicauth_id(k.id, k.password + "x"));
    EXPECT_EQ(who(s, k.id, "placeholder-pw-0"), basicauth_id(k.id, "placeholder-pw-0"));
  }
  // Such an account is like any other: its password can change.
  Reply r = as(s, "PATCH", "/v1/accounts/legacy", password_body("fresh"), "legacy", "Kk4DQuMMfZL9o");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(is_bcrypt(r.json()["data"]["password"])) << r.body;
  EXPECT_EQ(who(s, "legacy", "fresh"), "account:legacy");
  EXPECT_EQ(who(s, "legacy", "Kk4DQuMMfZL9o"), basicauth_id("legacy", "Kk4DQuMMfZL9o"));
}

// The default bucket of an account is derived from "account:<id>" (§12.1).
TEST(HttpAccounts, AccountsHaveTheirOwnDefaultBucket) {
  TestServer s([](Settings& st, Registry& r) {
    accounts(st, r);
    st.includes = {"accounts", "default_bucket"};
    st.extra["default_bucket_hmac_secret"] = "bucket-secret";
  });
  signup(s, "alice");
  Json hello = s.get("/v1/", "alice").json();
  std::string h = hmac_sha256_hex("bucket-secret", "account:alice").substr(0, 32);
  std::string id = h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                   h.substr(20);
  EXPECT_EQ(hello["user"]["bucket"], id);
  Reply r = s.get("/v1/buckets/default", "alice");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.json()["data"]["id"], id);
  EXPECT_EQ(r.json()["permissions"], (Json{{"write", {"account:alice"}}}));
}

}  // namespace
}  // namespace ratchet::testing
