// A Commit (commit.h) as bytes, to ship to replicas and keep in their log.
// decode(encode_bytes(c)) == c; decode refuses any other input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/commit.h"

namespace ratchet {

std::string commit_to_bytes(const Commit& commit);

// nullopt when `bytes` is not a whole commit of this format.
std::optional<Commit> commit_from_bytes(std::string_view bytes);

// Whether the commit changes group membership (principals must be recomputed).
bool changes_membership(const Commit& commit);

}  // namespace ratchet
