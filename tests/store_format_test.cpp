// The store's format version (store/format.h): recorded in a new store and
// in one written before versions were recorded, whose data is kept; a store
// of a newer format is refused with a message naming both versions.
#include "store/format.h"

#include <gtest/gtest.h>

#include "actors/node.h"
#include "core/registry.h"
#include "store/batch.h"
#include "store/keys.h"
#include "store/rocks_engine.h"
#include "tests/node_ops.h"
#include "tests/test_server.h"

namespace ratchet {
namespace {

using testing::node_op;
using testing::TempDir;
using testing::with_data;

std::string format_of(Engine& engine) {
  std::string text;
  return engine.snapshot()->get(keys::kFormat, &text) ? text : "(none)";
}

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

TEST(StoreFormat, AStoreWrittenBeforeVersionsKeepsItsDataAndGetsOne) {
  TempDir dir;
  Registry registry;
  add_kinto_resources(registry);
  Settings settings;
  {
    // As a build before versions: the engine opened without open_store.
    auto engine = std::make_unique<RocksEngine>(dir.path());
    ASSERT_EQ(format_of(*engine), "(none)");
    Node node(registry, settings, std::move(engine));
    ASSERT_EQ(node.execute(node_op(kPut, "bucket", "", "b")).status, 201);
    ASSERT_EQ(node.execute(node_op(kPut, "collection", "/buckets/b", "c")).status, 201);
    Op put = with_data(node_op(kPut, "record", "/buckets/b/collections/c", "r"), R"({"n":1})");
    ASSERT_EQ(node.execute(put).status, 201);
  }
  auto engine = open_store("rocksdb", dir.path());
  EXPECT_EQ(format_of(*engine), std::to_string(kStoreFormat));
  Node node(registry, settings, std::move(engine));
  Result read = node.execute(node_op(kGet, "record", "/buckets/b/collections/c", "r"));
  ASSERT_EQ(read.status, 200);
  EXPECT_NE(read.body.find(R"("n":1)"), std::string::npos) << read.body;
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
