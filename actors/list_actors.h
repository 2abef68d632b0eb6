// The router and the list actors (DESIGN.md decisions 1, 4 and 7).
//
// The router owns the map from a list -- (parent id, resource) -- to the
// actor that is its only writer. It spawns list actors on first use, stops
// them when idle, and parks Ops for lists below an object being deleted
// until the deletion is committed.
//
// A list actor applies each Op to its ListWriter and commits every write
// waiting in its mailbox in one store batch (group commit: a flush message
// queued behind them). Commits run on a CommitPool while the actor goes on
// applying the next writes into the next batch (one batch in flight at a
// time); each requester is answered only once its batch is durable.
//
// Their interfaces, router_actor and list_actor, are in messages.h.
#pragma once

#include "actors/messages.h"

namespace ratchet {

struct Context;
class CommitPool;

router_actor spawn_router(caf::actor_system& system, Context& ctx, CommitPool& pool);

}  // namespace ratchet
