// Kinto's accounts plugin (PROTOCOL.md §12.3): the account resource at
// /v1/accounts -- ids like user names or e-mails, a required password stored
// as a bcrypt hash; anyone in account_create_principals may create an
// account, a user may only create or change the account of their own name
// unless listed in account_write_principals, an account's writer is the
// account itself -- and the "account" authentication policy: Basic
// credentials whose password matches the account's hash. Checks (failed
// ones too: bcrypt is slow on purpose) are remembered for
// account_cache_ttl_seconds, and forgotten as soon as the account changes.
// Settings: account_bcrypt_rounds (12), account_cache_ttl_seconds (30).
// The policy and its cache are thread-safe.
#pragma once

#include "ratchet/registry.h"

namespace ratchet {

Plugin accounts_plugin();

}  // namespace ratchet
