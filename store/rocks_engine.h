// RocksEngine: the Engine over a RocksDB database (default column family
// only, WAL on).
//
// Thread-safety: as Engine (RocksDB is internally synchronised). Snapshots
// and cursors share ownership of the open DB, so the DB closes when the
// engine and the last snapshot or cursor are gone; until then the directory
// stays locked and cannot be reopened.
#pragma once

#include <memory>
#include <string>

#include "store/engine.h"

namespace ratchet {

class RocksEngine : public Engine {
 public:
  // Opens (creating if missing) the database in directory `path`, which must
  // exist. Throws StoreError naming the path and the RocksDB message.
  explicit RocksEngine(const std::string& path);
  ~RocksEngine() override;
  RocksEngine(const RocksEngine&) = delete;
  RocksEngine& operator=(const RocksEngine&) = delete;

  std::unique_ptr<Snapshot> snapshot() override;
  void write(const Batch& batch, bool sync) override;

  struct Db;  // defined in rocks_engine.cpp

 private:
  std::shared_ptr<Db> db_;
};

}  // namespace ratchet
