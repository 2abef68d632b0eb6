// Configuration: the .ini file, RATCHET_* environment overrides, and how a
// bad setting stops start-up.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>

#include "plugins/accounts/accounts.h"
#include "plugins/default_bucket/default_bucket.h"
#include "plugins/schema/schema_validation.h"
#include "plugins/history/history.h"
#include "plugins/admin/admin.h"
#include "ratchet/registry.h"
#include "ratchet/settings.h"
#include "tests/test_server.h"

namespace ratchet {
namespace {

using testing::TempDir;

class SettingsTest : public ::testing::Test {
 protected:
  SettingsTest() {
    add_kinto_resources(registry_);
    registry_.offer(accounts_plugin());
    registry_.offer(default_bucket_plugin());
    registry_.offer(schema_validation_plugin());
    registry_.offer(history_plugin());
    registry_.offer(admin_plugin());
  }
  std::string write(const std::string& text) {
    std::string path = dir_.path() + "/ratchet.ini";
    std::ofstream(path) << text;
    return path;
  }
  Settings load(const std::string& path, std::vector<std::string> env = {}) {
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    return load_settings(path, envp.data(), registry_);
  }
  std::string error_of(const std::string& path, std::vector<std::string> env = {}) {
    try {
      load(path, env);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  TempDir dir_;
  Registry registry_;
};

TEST_F(SettingsTest, DefaultsFollowKinto) {
  Settings s = load("", {"RATCHET_USERID_HMAC_SECRET=k"});
  EXPECT_EQ(s.http_port, 8888);
  EXPECT_EQ(s.storage_backend, "rocksdb");
  EXPECT_TRUE(s.storage_fsync);
  EXPECT_EQ(s.batch_max_requests, 25);
  EXPECT_EQ(s.grants("bucket", "create"), std::vector<std::string>{"system.Authenticated"});
}

TEST_F(SettingsTest, FileValuesAndEnvironmentOverrides) {
  std::string path = write(
      "[ratchet]\nhttp_port = 9001\npaginate_by = 50\nstorage_fsync = false\nuserid_hmac_secret = k\n"
      "bucket_create_principals = account:admin basicauth:x\n"
      "record_cache_expires_seconds = 30\n");
  Settings s = load(path, {"RATCHET_HTTP_PORT=9000", "OTHER=1"});
  EXPECT_EQ(s.http_port, 9000);
  EXPECT_EQ(s.paginate_by, 50);
  EXPECT_FALSE(s.storage_fsync);
  EXPECT_EQ(s.grants("bucket", "create"),
            (std::vector<std::string>{"account:admin", "basicauth:x"}));
  EXPECT_EQ(s.cache_expires.at("record"), 30);
  EXPECT_EQ(s.config_path, path);
}

TEST_F(SettingsTest, UnknownKeysAndBadValuesNameTheKey) {
  EXPECT_NE(error_of(write("[ratchet]\nhttp_prot = 1\n")).find("http_prot"), std::string::npos);
  EXPECT_NE(error_of(write("[ratchet]\nhttp_port = lots\n")).find("http_port"), std::string::npos);
  EXPECT_NE(error_of(write("[ratchet]\nstorage_backend = postgres\n")).find("storage_backend"),
            std::string::npos);
  EXPECT_NE(error_of(write("[ratchet]\nstorage_fsync = maybe\n")).find("storage_fsync"),
            std::string::npos);
  EXPECT_NE(error_of("", {"RATCHET_PAGINATE_BY=-3"}).find("RATCHET_PAGINATE_BY"),
            std::string::npos);
  EXPECT_NE(error_of("", {"RATCHET_NO_SUCH_THING=1"}).find("no_such_thing"), std::string::npos);
  EXPECT_NE(error_of(write("[other]\nhttp_port = 1\n")).find("other"), std::string::npos);
  EXPECT_NE(error_of(dir_.path() + "/missing.ini").find("missing.ini"), std::string::npos);
}

// An empty secret would let anyone compute other users' ids: a policy or
// plugin that needs one refuses to start without it, naming the setting.
TEST_F(SettingsTest, PoliciesAndPluginsNeedTheirSecrets) {
  EXPECT_NE(error_of("").find("'userid_hmac_secret'"), std::string::npos) << error_of("");
  EXPECT_NE(error_of("", {"RATCHET_USERID_HMAC_SECRET="}).find("'userid_hmac_secret'"), std::string::npos);
  std::string plugin = write("[ratchet]\nuserid_hmac_secret = k\nincludes = default_bucket\n");
  EXPECT_NE(error_of(plugin).find("'default_bucket_hmac_secret'"), std::string::npos) << error_of(plugin);
  EXPECT_EQ(error_of(plugin, {"RATCHET_DEFAULT_BUCKET_HMAC_SECRET=b"}), "");
  // The account policy needs no HMAC secret; basicauth after it does.
  std::string accounts = write("[ratchet]\nincludes = accounts\nmultiauth.policies = account\n");
  EXPECT_EQ(error_of(accounts), "");
  EXPECT_NE(error_of(accounts, {"RATCHET_MULTIAUTH_POLICIES=account basicauth"}).find("'userid_hmac_secret'"),
            std::string::npos);
}

// Runs the binary with `args`; a node that starts serving is killed after 20 s.
int run(const std::string& args, std::string* output = nullptr) {
  std::string cmd = std::string("timeout -s KILL 20 ") + RATCHET_BINARY + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = pclose(p);
  if (output) *output = out;
  return WEXITSTATUS(status);
}

// A Kinto 26 ini (tests/fixtures/kinto26.ini): [app:main] with or without
// the kinto. prefix, plugins by module, the rest listed as ignored.
TEST_F(SettingsTest, AKintoIniIsRead) {
  std::ifstream in(std::string(RATCHET_SOURCE_DIR) + "/tests/fixtures/kinto26.ini");
  std::string kinto((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Settings s = load(write(kinto));
  EXPECT_EQ(s.includes, (std::vector<std::string>{"default_bucket", "admin", "accounts"}));
  EXPECT_TRUE(s.experimental_permissions_endpoint);  // as Kinto, for the admin UI
  EXPECT_EQ(s.multiauth_policies, (std::vector<std::string>{"account"}));
  EXPECT_EQ(s.grants("bucket", "create"), (std::vector<std::string>{"account:admin"}));
  EXPECT_EQ(s.grants("account", "write"), (std::vector<std::string>{"account:admin"}));
  EXPECT_EQ(s.userid_hmac_secret.size(), 64u);
  EXPECT_EQ(s.storage_backend, "rocksdb");  // Kinto's backends mean nothing here
  for (const char* ignored : {"[server:main]", "[app:main] use", "[app:main] kinto.storage_backend",
                              "[app:main] multiauth.policy.account.use", "[loggers]",
                              "[logger_kinto]", "[formatter_json]"}) {
    EXPECT_NE(std::find(s.ignored.begin(), s.ignored.end(), ignored), s.ignored.end()) << ignored;
  }
  // The prefix is optional, as in Kinto.
  EXPECT_EQ(load(write("[app:main]\nuserid_hmac_secret = k\nkinto.paginate_by = 7\n")).paginate_by, 7);
}

// Kinto's usual plugins and schema validation, in a Kinto ini.
TEST_F(SettingsTest, KintosPluginsAndSchemaValidationStart) {
  Settings s = load(write(
      "[app:main]\nkinto.userid_hmac_secret = k\nkinto.default_bucket_hmac_secret = d\n"
      "kinto.includes = kinto.plugins.default_bucket kinto.plugins.history\n"
      "  kinto.plugins.accounts kinto.plugins.admin\n"
      "kinto.experimental_collection_schema_validation = true\n"
      "kinto.history.exclude_user_ids = account:robot\n"));
  EXPECT_EQ(s.includes,
            (std::vector<std::string>{"default_bucket", "history", "accounts", "admin"}));
  EXPECT_EQ(s.extra_or("experimental_collection_schema_validation", ""), "true");
  Registry running = registry_;
  running.include_plugins(s);
  for (const char* capability : {"default_bucket", "history", "accounts", "admin", "schema"}) {
    EXPECT_TRUE(running.capabilities().contains(capability)) << capability;
  }
  EXPECT_NE(error_of(write("[ratchet]\nuserid_hmac_secret = k\n"
                           "experimental_collection_schema_validation = maybe\n"))
                .find("experimental_collection_schema_validation"),
            std::string::npos);
}

TEST_F(SettingsTest, AKintoSettingRatchetDoesNotSupportIsNamed) {
  for (const char* line : {"kinto.signer.resources = /buckets/a", "kinto.includes = kinto_attachment",
                           "kinto.includes = kinto.plugins.quotas"}) {
    std::string error = error_of(write(std::string("[app:main]\nkinto.userid_hmac_secret = k\n") + line + "\n"));
    std::string name = std::string(line).substr(0, std::string(line).find(' '));
    EXPECT_FALSE(error.empty()) << line;
    EXPECT_TRUE(error.find(name) != std::string::npos || error.find("quotas") != std::string::npos)
        << line << ": " << error;
  }
  EXPECT_NE(error_of(write("[app:other]\nx = 1\n")).find("unknown section [app:other]"), std::string::npos);
}

TEST_F(SettingsTest, TheBinaryExitsWithCode2OnABadSetting) {
  std::string out;
  EXPECT_EQ(run("serve --config " + write("[ratchet]\nhttp_prot = 1\n"), &out), 2);
  EXPECT_NE(out.find("http_prot"), std::string::npos) << out;
  EXPECT_EQ(run("serve --config " + dir_.path() + "/nope.ini", &out), 2);
  // No secret: the binary stops at once.
  std::string data = " --port 0 --data " + dir_.path() + "/data";
  EXPECT_EQ(run("serve --config " + write("[ratchet]\nstorage_backend = memory\n") + data, &out), 2);
  EXPECT_NE(out.find("userid_hmac_secret"), std::string::npos) << out;
  EXPECT_EQ(run("serve --config " + write("[ratchet]\nuserid_hmac_secret = k\nincludes = default_bucket\n") + data,
                &out),
            2);
  EXPECT_NE(out.find("default_bucket_hmac_secret"), std::string::npos) << out;
  EXPECT_EQ(run("--version", &out), 0);
  EXPECT_NE(out.find("ratchet "), std::string::npos);
  EXPECT_EQ(run("--help", &out), 0);
  EXPECT_NE(out.find("serve"), std::string::npos);
}

}  // namespace
}  // namespace ratchet
