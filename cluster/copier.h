// The primary's side of a whole-store copy: each replica that copies pulls
// chunks of one snapshot, in key order, one request per chunk (the replica
// paces it). The last chunk carries the snapshot's log position.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/transport.h"
#include "store/engine.h"

namespace ratchet {

class Copier {
 public:
  Copier(Engine& engine, Transport& transport, size_t chunk_bytes = 1 << 20)
      : engine_(engine), transport_(transport), chunk_bytes_(chunk_bytes) {}

  // The chunk after key `after` of the copy `to` makes ("": a new copy).
  void on_request(const std::string& to, int64_t epoch, const std::string& after);

 private:
  Engine& engine_;
  Transport& transport_;
  const size_t chunk_bytes_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Snapshot>> copies_;
};

}  // namespace ratchet
