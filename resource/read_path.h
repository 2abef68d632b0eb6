// Reads served straight from a store snapshot on the calling thread, without
// passing through a list actor (DESIGN.md decision 2). A snapshot taken after
// a write was acknowledged always contains it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "resource/context.h"
#include "ratchet/op.h"
#include "store/engine.h"

namespace ratchet {

// GET or HEAD on an object or a plural endpoint. nullopt when the list has
// no timestamp yet: its writer must assign one first (§2.4 invariant 3).
std::optional<Result> read(Context& ctx, const Snapshot& snapshot, const Op& op);

// Every principal of a user (PROTOCOL.md §7.1): system.Everyone, and when
// authenticated system.Authenticated, the user id and the URIs of the groups
// listing either of them.
std::vector<std::string> principals_of(const Snapshot& snapshot, const std::string& user_id);

}  // namespace ratchet
