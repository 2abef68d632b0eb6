// How each Change of commit.h is written in keys (store/keys.h), into a
// Batch or a Pending overlay: the one place a change becomes key writes.
// Private to store/.
#pragma once

#include <type_traits>

#include "store/catalog.h"
#include "store/commit.h"
#include "store/keys.h"

namespace ratchet {

template <class Writes>  // Batch or Pending: put, del, del_range
void write_change(const Change& change, Writes& out) {
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, PutObject>) {
          std::string lp = keys::list_prefix(c.list.parent, c.list.resource);
          if (c.replaced_ts) {
            if (c.replaced_tombstone) out.del(keys::tombstone(lp, c.id));
            out.del(keys::change(lp, *c.replaced_ts, c.id));
          }
          out.put(keys::change(lp, c.ts, c.id), "");
          out.put(keys::object(lp, c.id), c.text);
          if (c.acl) out.put(keys::acl(lp, c.id), *c.acl);
        } else if constexpr (std::is_same_v<T, RemoveObject>) {
          std::string lp = keys::list_prefix(c.list.parent, c.list.resource);
          out.del(keys::object(lp, c.id));
          out.del(keys::acl(lp, c.id));
          out.del(keys::change(lp, c.replaced_ts, c.id));
          out.put(keys::tombstone(lp, c.id), catalog::encode_int(c.ts));
          out.put(keys::change(lp, c.ts, c.id), "d");
        } else if constexpr (std::is_same_v<T, RemoveSubtree>) {
          for (auto& [begin, end] : keys::subtree(c.uri)) out.del_range(begin, end);
        } else if constexpr (std::is_same_v<T, IndexEntry>) {
          std::string key = c.index == IndexEntry::Index::kGrant ? keys::grant(c.principal, c.uri)
                                                                 : keys::member(c.principal, c.uri);
          if (c.present) {
            out.put(std::move(key), "");
          } else {
            out.del(std::move(key));
          }
        } else if constexpr (std::is_same_v<T, OutboxRecord>) {
          std::string key = keys::outbox(keys::list_prefix(c.list.parent, c.list.resource), c.key);
          if (c.present) {
            out.put(std::move(key), c.payload);
          } else {
            out.del(std::move(key));
          }
        } else {
          static_assert(std::is_same_v<T, ListState>);
          std::string lp = keys::list_prefix(c.list.parent, c.list.resource);
          out.put(keys::timestamp(lp), catalog::encode_int(c.timestamp));
          out.put(keys::count(lp), catalog::encode_int(c.count));
        }
      },
      change);
}

}  // namespace ratchet
