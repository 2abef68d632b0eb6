#include "store/commit.h"

#include "store/change_keys.h"

namespace ratchet {

Batch encode(const Commit& commit) {
  Batch batch;
  for (const Change& change : commit.changes) write_change(change, batch);
  return batch;
}

}  // namespace ratchet
