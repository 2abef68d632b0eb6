// GET /buckets/{bid}/snapshot/collections/{cid}@{timestamp} (PROTOCOL.md
// §12.2): the collection's records as they were at `timestamp`, newest
// first -- the live ones not changed since, and for the others their last
// history entry up to then. For whoever may read the bucket or the
// collection (401/403 otherwise); every read is made as the caller.
#pragma once

#include "ratchet/plugin.h"

namespace ratchet {

Page collection_snapshot(Objects& objects, const PageRequest& request);

}  // namespace ratchet
