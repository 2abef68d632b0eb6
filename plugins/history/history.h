// Kinto's history plugin (PROTOCOL.md §12.2): every create, update and
// delete of a bucket, group, collection or record adds an entry to its
// bucket's history list, /buckets/{bid}/history, served as a read-only
// plural endpoint (filters, _since, _sort, pagination; DELETE purges).
//
// An entry is made in two steps, both durable before the write is answered:
// the write's own commit posts it to the history list's outbox, then the
// history list's one writer turns outbox records into entries, assigning
// their timestamps (so entries commit in timestamp order and _since misses
// none). Outbox records left by a crash are consumed at start-up.
// An entry's ACL gives `read` to the readers and writers of the bucket,
// the collection and the object at the time of the change.
#pragma once

#include "ratchet/registry.h"

namespace ratchet {

Plugin history_plugin();

}  // namespace ratchet
