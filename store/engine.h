// The storage engine interface: an ordered key-value store with consistent
// snapshots and atomic batches. Every layer above sees only this.
//
// Thread-safety: an Engine and its Snapshots may be used from any number of
// threads at once. A Cursor belongs to one thread. write() is atomic: a
// snapshot sees all of a batch or none of it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "store/batch.h"

namespace ratchet {

// Raised when the engine cannot read or write (disk full, I/O error, ...).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Iterates keys of one half-open range [begin, end) in order (or in reverse).
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual bool valid() const = 0;
  virtual void next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
};

// Point reads.
class Reader {
 public:
  virtual ~Reader() = default;
  // Returns false when the key is absent.
  virtual bool get(std::string_view key, std::string* value) const = 0;
};

// A frozen view of the store: later writes are invisible to it.
class Snapshot : public Reader {
 public:
  // Keys in [begin, end); reverse walks from the largest key down.
  virtual std::unique_ptr<Cursor> scan(std::string_view begin,
                                       std::string_view end,
                                       bool reverse) const = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::unique_ptr<Snapshot> snapshot() = 0;
  // Applies the whole batch atomically; with sync, returns only once the
  // batch is durable. Throws StoreError on failure (nothing applied).
  virtual void write(const Batch& batch, bool sync) = 0;
};

// Opens the engine named by `backend` ("rocksdb" or "memory"); `path` is the
// RocksDB directory. Throws StoreError.
std::unique_ptr<Engine> open_engine(const std::string& backend,
                                    const std::string& path);

}  // namespace ratchet
