#include "store/engine.h"

#include <filesystem>
#include <system_error>

#include "store/memory_engine.h"
#include "store/rocks_engine.h"

namespace ratchet {

std::unique_ptr<Engine> open_engine(const std::string& backend,
                                    const std::string& path) {
  if (backend == "rocksdb") {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) {
      throw StoreError("cannot create RocksDB directory '" + path +
                       "': " + ec.message());
    }
    return std::make_unique<RocksEngine>(path);
  }
  if (backend == "memory") return std::make_unique<MemoryEngine>();
  throw StoreError("unknown storage_backend '" + backend +
                   "' (expected \"rocksdb\" or \"memory\")");
}

}  // namespace ratchet
