// The actors' interfaces (typed, so that the protocol is checked by the
// compiler) and the message types they exchange. Include only from the few
// .cpp files that define or talk to actors (CAF templates compile slowly).
#pragma once

#include <caf/all.hpp>

#include <string>
#include <vector>

#include "cluster/log_entry.h"
#include "core/list_id.h"
#include "ratchet/op.h"

namespace ratchet {

using close_atom = caf::atom_constant<caf::atom("close")>;
using reopen_atom = caf::atom_constant<caf::atom("reopen")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
// Between nodes (actors/cluster_peer.h, cluster/transport.h).
using entries_atom = caf::atom_constant<caf::atom("entries")>;
using ack_atom = caf::atom_constant<caf::atom("ack")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using copy_needed_atom = caf::atom_constant<caf::atom("copyneed")>;
using copy_request_atom = caf::atom_constant<caf::atom("copyreq")>;
using copy_chunk_atom = caf::atom_constant<caf::atom("copychunk")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;

// The router: owns the map from a list to its actor (list_actors.h).
using router_actor = caf::typed_actor<
    // Delegated to the list's actor, spawned on first use; parked while the
    // list lies below an object being deleted.
    caf::replies_to<Op>::with<Result>,
    // Lists below these object URIs stop (their writes committed); Ops for
    // them are parked until reopened. true once all have stopped.
    caf::replies_to<close_atom, std::vector<std::string>>::with<bool>,
    // Parked Ops for lists below these URIs resume.
    caf::reacts_to<reopen_atom, std::vector<std::string>>,
    // A list actor that was handed `received` Ops and has nothing pending
    // offers to stop; the router stops it unless an Op is on its way.
    caf::reacts_to<idle_atom, ListId, uint64_t>,
    // Answers parked Ops 503, stops every list actor (each commits what it
    // holds), then itself.
    caf::reacts_to<stop_atom>>;

// A list actor: the only writer of one list.
using list_actor = caf::typed_actor<
    // Answered once the batch holding its write is durable.
    caf::replies_to<Op>::with<Result>,
    // 0 from itself: a batch is ready to commit; n from the commit pool:
    // batch n is durable.
    caf::reacts_to<flush_atom, uint64_t>,
    // Commits what it holds, refuses what waits (the parent is going), stops.
    caf::replies_to<close_atom>::with<bool>,
    // Commits what it holds, refuses what waits (503), stops.
    caf::reacts_to<stop_atom>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ListId& x) {
  return f(caf::meta::type_name("ListId"), x.parent, x.resource);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Precondition& x) {
  return f(caf::meta::type_name("Precondition"), x.kind, x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Error& x) {
  return f(caf::meta::type_name("Error"), x.status, x.errno_, x.error, x.message, x.details);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Op& x) {
  return f(caf::meta::type_name("Op"), x.verb, x.resource, x.parent, x.id, x.plural, x.user_id,
           x.principals, x.implicit, x.if_match, x.if_none_match, x.has_data, x.data, x.has_permissions,
           x.permissions, x.patch_format, x.response_behavior, x.has_client_ts, x.client_ts,
           x.params, x.has_error, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Result& x) {
  return f(caf::meta::type_name("Result"), x.status, x.errno_, x.timestamp, x.body, x.next_token, x.page_size,
           x.total, x.alert, x.cache_expires);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, LogEntry& x) {
  return f(caf::meta::type_name("LogEntry"), x.epoch, x.seq, x.commit);
}

// Registers the types above with an actor system configuration.
inline void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<ListId>("ratchet::ListId");
  cfg.add_message_type<LogEntry>("ratchet::LogEntry");
  cfg.add_message_type<Op>("ratchet::Op");
  cfg.add_message_type<Result>("ratchet::Result");
}

}  // namespace ratchet
