#include "store/rocks_engine.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

namespace ratchet {

// The open database; closed when the last owner (engine, snapshot, cursor)
// lets go.
struct RocksEngine::Db {
  explicit Db(rocksdb::DB* d) : db(d) {}
  ~Db() {
    db->Close();  // nothing useful to do with a failure here
    delete db;
  }
  rocksdb::DB* const db;
};

namespace {

using Db = RocksEngine::Db;

[[noreturn]] void fail(const char* what, const rocksdb::Status& s) {
  throw StoreError(std::string("rocksdb: ") + what + ": " + s.ToString());
}

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

// A RocksDB snapshot, released when the last Snapshot or Cursor using it is
// destroyed.
struct Pinned {
  Pinned(std::shared_ptr<Db> d)
      : db(std::move(d)), snap(db->db->GetSnapshot()) {}
  ~Pinned() { db->db->ReleaseSnapshot(snap); }
  std::shared_ptr<Db> db;
  const rocksdb::Snapshot* const snap;
};

class RocksCursor : public Cursor {
 public:
  RocksCursor(std::shared_ptr<Pinned> pinned, std::string_view begin,
              std::string_view end, bool reverse)
      : pinned_(std::move(pinned)), begin_(begin), end_(end),
        lower_(begin_), upper_(end_), reverse_(reverse) {
    if (begin_ >= end_) return;  // empty range: never valid
    rocksdb::ReadOptions ro;
    ro.snapshot = pinned_->snap;
    ro.iterate_lower_bound = &lower_;  // lower_/upper_ point into begin_/end_
    ro.iterate_upper_bound = &upper_;  // and live as long as it_
    it_.reset(pinned_->db->db->NewIterator(ro));
    if (reverse_) {
      it_->SeekToLast();
    } else {
      it_->Seek(lower_);
    }
    check();
  }

  bool valid() const override { return it_ != nullptr && it_->Valid(); }
  void next() override {
    if (!valid()) return;
    if (reverse_) {
      it_->Prev();
    } else {
      it_->Next();
    }
    check();
  }
  std::string_view key() const override {
    rocksdb::Slice k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    rocksdb::Slice v = it_->value();
    return {v.data(), v.size()};
  }

 private:
  void check() {
    if (!it_->Valid() && !it_->status().ok()) fail("scan", it_->status());
  }

  std::shared_ptr<Pinned> pinned_;
  const std::string begin_, end_;
  const rocksdb::Slice lower_, upper_;
  const bool reverse_;
  std::unique_ptr<rocksdb::Iterator> it_;  // declared last: destroyed first
};

class RocksSnapshot : public Snapshot {
 public:
  explicit RocksSnapshot(std::shared_ptr<Db> db)
      : pinned_(std::make_shared<Pinned>(std::move(db))) {}

  bool get(std::string_view key, std::string* value) const override {
    rocksdb::ReadOptions ro;
    ro.snapshot = pinned_->snap;
    std::string scratch;
    rocksdb::Status s = pinned_->db->db->Get(
        ro, pinned_->db->db->DefaultColumnFamily(), slice(key),
        value != nullptr ? value : &scratch);
    if (s.IsNotFound()) return false;
    if (!s.ok()) fail("get", s);
    return true;
  }

  std::unique_ptr<Cursor> scan(std::string_view begin, std::string_view end,
                               bool reverse) const override {
    return std::make_unique<RocksCursor>(pinned_, begin, end, reverse);
  }

 private:
  std::shared_ptr<Pinned> pinned_;
};

}  // namespace

RocksEngine::RocksEngine(const std::string& path) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  o.OptimizeLevelStyleCompaction();
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.block_cache = rocksdb::NewLRUCache(128 << 20);
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));

  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, path, &db);
  if (!s.ok()) {
    delete db;
    throw StoreError("cannot open RocksDB at '" + path + "': " + s.ToString());
  }
  db_ = std::make_shared<Db>(db);
}

RocksEngine::~RocksEngine() = default;

std::unique_ptr<Snapshot> RocksEngine::snapshot() {
  return std::make_unique<RocksSnapshot>(db_);
}

void RocksEngine::write(const Batch& batch, bool sync) {
  rocksdb::WriteBatch wb;
  rocksdb::Status s;
  for (const Batch::Entry& e : batch.entries()) {
    switch (e.kind) {
      case Batch::Kind::kPut:
        s = wb.Put(slice(e.key), slice(e.value));
        break;
      case Batch::Kind::kDelete:
        s = wb.Delete(slice(e.key));
        break;
      case Batch::Kind::kDeleteRange:
        // An empty or inverted range deletes nothing (RocksDB would reject
        // an inverted one).
        if (e.key < e.value) s = wb.DeleteRange(slice(e.key), slice(e.value));
        break;
    }
    if (!s.ok()) fail("write", s);
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  s = db_->db->Write(wo, &wb);
  if (!s.ok()) fail("write", s);
}

}  // namespace ratchet
