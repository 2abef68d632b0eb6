// A store written before format versions were recorded keeps its data, served
// by a node, and gets the version when opened (store/format.h).
#include <gtest/gtest.h>

#include "actors/node.h"
#include "ratchet/registry.h"
#include "store/format.h"
#include "store/rocks_engine.h"
#include "tests/node_ops.h"
#include "tests/temp_dir.h"

namespace ratchet {
namespace {

using testing::node_op;
using testing::TempDir;
using testing::with_data;

std::string format_of(Engine& engine) { return recorded_format(engine).value_or("(none)"); }

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

}  // namespace
}  // namespace ratchet
