// The router and the list actors (DESIGN.md decisions 1, 4 and 7).
//
// The router owns the map from a list -- (parent id, resource) -- to the
// actor that is its only writer. It spawns list actors on first use, stops
// them when idle, and parks Ops for lists below an object being deleted
// until the deletion is committed.
//
// A list actor drives its list's CommitPipeline (commit_pipeline.h): every
// write waiting in its mailbox goes into one store batch (group commit: a
// flush message queued behind them), committed through a Committer (the CommitPool, or in a cluster the
// shard's log) while the
// next batch is built; each requester is answered once its batch is durable.
//
// Their interfaces, router_actor and list_actor, are in messages.h.
#pragma once

#include "actors/messages.h"

namespace ratchet {

struct Context;
class Committer;

router_actor spawn_router(caf::actor_system& system, Context& ctx, Committer& committer);

}  // namespace ratchet
