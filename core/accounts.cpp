#include "core/accounts.h"

#include <algorithm>
#include <cctype>

#include "core/op.h"
#include "core/password.h"
#include "core/permissions.h"

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

}  // namespace

void add_accounts(Registry& registry, const Settings& settings) {
  const Settings* s = &settings;
  registry.add({
      .name = "account",
      .plural = "accounts",
      .ids = {is_account_id, nullptr},
      .check = check_account,
      // The password is stored as a bcrypt hash, hashed again only when it changes.
      .process =
          [s](Json& data, const Json* old) {
            const std::string& password = data["password"].get_ref<const std::string&>();
            if (old && old->value("password", "") == password) return;
            data["password"] = hash_password(password, s->account_bcrypt_rounds);
          },
      .before_write = [s](const Op& op, const std::string& id,
                          std::string& author) -> std::optional<Error> {
        bool admin = granted_by_setting(*s, op.principals, "account", "write");
        if (op.user_id.empty() || admin) {
          author = kAccountPrefix + id;  // the account writes itself
          return std::nullopt;
        }
        if (op.user_id != kAccountPrefix + id) {
          return errors::invalid("body", std::string("id"), "Username and account ID do not match.");
        }
        return std::nullopt;
      },
      .anonymous_list_refusal = Error{401, kUndefined, "Cannot read accounts.", "", ""},
  });
}

}  // namespace ratchet
