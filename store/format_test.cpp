// The store's format version (store/format.h): recorded in a new store; a
// store of a newer format is refused with a message naming both versions.
// (A store written before versions: tests/store_format_test.cpp.)
#include "store/format.h"

#include <gtest/gtest.h>

#include "store/batch.h"
#include "store/keys.h"
#include "store/rocks_engine.h"
#include "tests/temp_dir.h"

namespace ratchet {
namespace {

using testing::TempDir;

std::string format_of(Engine& engine) { return recorded_format(engine).value_or("(none)"); }

void put_format(const std::string& path, const std::string& text) {
  RocksEngine engine(path);
  Batch batch;
  batch.put(keys::kFormat, text);
  engine.write(batch, true);
}

TEST(StoreFormat, ANewStoreRecordsTheFormat) {
  TempDir dir;
  EXPECT_EQ(format_of(*open_store("rocksdb", dir.path())), std::to_string(kStoreFormat));
  EXPECT_EQ(format_of(*open_store("memory", "")), std::to_string(kStoreFormat));
}

TEST(StoreFormat, ANewerFormatIsRefusedNamingBothVersions) {
  TempDir dir;
  put_format(dir.path(), std::to_string(kStoreFormat + 1));
  try {
    open_store("rocksdb", dir.path());
    FAIL() << "opened";
  } catch (const StoreError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("format " + std::to_string(kStoreFormat + 1)), std::string::npos)
        << message;
    EXPECT_NE(message.find("format " + std::to_string(kStoreFormat) + ")"), std::string::npos)
        << message;
  }
  // Refused, not rewritten.
  RocksEngine engine(dir.path());
  EXPECT_EQ(format_of(engine), std::to_string(kStoreFormat + 1));
}

TEST(StoreFormat, AnUnreadableVersionIsRefused) {
  for (const char* text : {"", "x", "1x", "0", "-1"}) {
    TempDir dir;
    put_format(dir.path(), text);
    EXPECT_THROW(open_store("rocksdb", dir.path()), StoreError) << text;
  }
}

}  // namespace
}  // namespace ratchet
