#include "store/commit.h"

#include "store/change_keys.h"

namespace ratchet {

Batch encode(const Commit& commit) {
  Batch batch;
  encode(commit, batch);
  return batch;
}

void encode(const Commit& commit, Batch& out) {
  for (const Change& change : commit.changes) write_change(change, out);
}

}  // namespace ratchet
