// Kinto's accounts plugin (PROTOCOL.md §12.3) as a resource: /v1/accounts,
// ids like user names or e-mails, a required password stored as a bcrypt
// hash. Anyone in account_create_principals may create an account; a user
// may only create or change the account of their own name unless listed in
// account_write_principals; an account's writer is the account itself.
#pragma once

#include <string>

#include "core/registry.h"
#include "core/settings.h"

namespace ratchet {

inline constexpr char kAccountPrefix[] = "account:";

// Declares the account resource; `settings` must outlive the registry.
void add_accounts(Registry& registry, const Settings& settings);

}  // namespace ratchet
