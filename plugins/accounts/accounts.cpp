#include "plugins/accounts/accounts.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/crypto.h"
#include "core/permissions.h"
#include "core/timestamp.h"
#include "plugins/accounts/password.h"
#include "ratchet/op.h"
#include "ratchet/plugin.h"
#include "ratchet/settings.h"

namespace ratchet {
namespace {

// ^[a-zA-Z0-9][+.@a-zA-Z0-9_-]*$
bool is_account_id(std::string_view id) {
  auto plain = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (id.empty() || !plain(id[0])) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return plain(c) || c == '+' || c == '.' || c == '@' || c == '_' || c == '-';
  });
}

void check_account(const Json& data, std::vector<ErrorDetail>& problems) {
  auto password = data.find("password");
  if (password == data.end()) {
    problems.push_back({"body", std::string("data.password"), "Required"});
  } else if (!password->is_string() || password->get_ref<const std::string&>().empty()) {
    problems.push_back({"body", std::string("data.password"), "password should be a non-empty string"});
  } else if (!password_fits(password->get_ref<const std::string&>())) {
    problems.push_back({"body", std::string("data.password"),
                        "password should be at most " + std::to_string(kMaxPasswordBytes) +
                            " bytes long, without NUL characters"});
  }
}

constexpr char kAccountPrefix[] = "account:";

int bcrypt_rounds(const Settings& s) {
  return static_cast<int>(setting_int("account_bcrypt_rounds",
                                      s.extra_or("account_bcrypt_rounds", "12"), 4, 31));
}

int64_t cache_ttl_ms(const Settings& s) {
  return setting_int("account_cache_ttl_seconds", s.extra_or("account_cache_ttl_seconds", "30"),
                     0, 86400) * 1000;
}

// The "account" policy: the user's account exists and its hash matches.
class AccountPolicy {
 public:
  explicit AccountPolicy(int64_t ttl_ms) : ttl_ms_(ttl_ms) {}

  std::optional<std::string> operator()(Objects& objects, const std::string& user,
                                        const std::string& password,
                                        const std::string& authorization) {
    auto text = objects.stored("account", "", user);
    if (!text) return std::nullopt;
    std::string key = sha256_hex(authorization);
    int64_t now = now_ms();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = checked_.find(key);
      if (it != checked_.end() && it->second.account_text == *text && it->second.expires_ms > now) {
        return it->second.matched ? std::optional(user) : std::nullopt;
      }
    }
    Json account = try_parse_json(*text).value_or(Json());
    bool matched = account.is_object() && account.contains("password") &&
                   account["password"].is_string() &&
                   verify_password(password, account["password"].get<std::string>());
    std::lock_guard<std::mutex> lock(mu_);
    if (checked_.size() > 10000) checked_.clear();
    checked_[key] = {*text, matched, now + ttl_ms_};
    return matched ? std::optional(user) : std::nullopt;
  }

 private:
  struct Checked {
    std::string account_text;  // the account as it was when checked
    bool matched;
    int64_t expires_ms;
  };
  const int64_t ttl_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, Checked> checked_;  // by SHA-256 of the Authorization header
};

void add_account_type(Registry& registry, const Settings& settings) {
  const Settings* s = &settings;
  int rounds = bcrypt_rounds(settings);
  registry.add({
      .name = "account",
      .plural = "accounts",
      .ids = {is_account_id, nullptr},
      .check = check_account,
      // The password is stored as a bcrypt hash, hashed again only when it changes.
      .process =
          [rounds](Json& data, const Json* old) {
            const std::string& password = data["password"].get_ref<const std::string&>();
            if (old && old->value("password", "") == password) return;
            data["password"] = hash_password(password, rounds);
          },
      .before_write = [s](const Op& op, const std::string& id,
                          std::string& author) -> std::optional<Error> {
        bool admin = granted_by_setting(*s, op.principals, "account", "write");
        if (op.user_id.empty() || admin) {
          author = kAccountPrefix + id;  // the account writes itself
          return std::nullopt;
        }
        if (id.empty()) return errors::invalid("body", std::string("data.id"), "Accounts must have an ID.");
        if (op.user_id != kAccountPrefix + id) {
          return errors::invalid("body", std::string("data.id"), "Username and account ID do not match.");
        }
        return std::nullopt;
      },
      .list_all_grants = {"read", "write"},
      .anonymous_list_refusal = Error{401, kUndefined, "Cannot read accounts.", "", ""},
  });
}

}  // namespace

Plugin accounts_plugin() {
  return {
      .name = "accounts",
      .keys = {{"account_bcrypt_rounds",
                [](const std::string& v) { setting_int("account_bcrypt_rounds", v, 4, 31); }},
               {"account_cache_ttl_seconds",
                [](const std::string& v) { setting_int("account_cache_ttl_seconds", v, 0, 86400); }}},
      .auth_policies = {"account"},
      .includeme =
          [](Registry& registry, const Settings& settings) {
            add_account_type(registry, settings);
            auto policy = std::make_shared<AccountPolicy>(cache_ttl_ms(settings));
            registry.add_auth_policy(
                "account", [policy](Objects& objects, const std::string& user,
                                    const std::string& password, const std::string& authorization) {
                  return (*policy)(objects, user, password, authorization);
                });
            Json capability = {
                {"description", "Manage user accounts."},
                {"url", "https://kinto.readthedocs.io/en/latest/api/1.x/accounts.html"},
                {"validation_enabled", false}};
            registry.add_capability("accounts", std::move(capability));
          },
  };
}

}  // namespace ratchet
