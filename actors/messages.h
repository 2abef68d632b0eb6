// CAF message types and atoms of the actor layer. Include only from the few
// .cpp files that define or talk to actors (CAF templates compile slowly).
#pragma once

#include <caf/all.hpp>

#include "core/list_id.h"
#include "core/op.h"

namespace ratchet {

using close_atom = caf::atom_constant<caf::atom("close")>;    // close subtrees / close a list
using reopen_atom = caf::atom_constant<caf::atom("reopen")>;  // subtrees may take writes again
using flush_atom = caf::atom_constant<caf::atom("flush")>;    // a batch is ready / committed
using idle_atom = caf::atom_constant<caf::atom("idle")>;      // a list actor offers to stop
using stop_atom = caf::atom_constant<caf::atom("stop")>;

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

// Registers the types above with an actor system configuration.
inline void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<ListId>("ratchet::ListId");
  cfg.add_message_type<Op>("ratchet::Op");
  cfg.add_message_type<Result>("ratchet::Result");
}

}  // namespace ratchet
