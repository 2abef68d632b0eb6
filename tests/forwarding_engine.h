// An Engine that passes everything to another one: the base of the test
// engines that hold, count or fail writes.
#pragma once

#include <memory>

#include "store/engine.h"

namespace ratchet::testing {

class ForwardingEngine : public Engine {
 public:
  explicit ForwardingEngine(std::unique_ptr<Engine> inner) : inner_(std::move(inner)) {}
  std::unique_ptr<Snapshot> snapshot() override { return inner_->snapshot(); }
  void write(const Batch& batch, bool sync) override { inner_->write(batch, sync); }

 private:
  std::unique_ptr<Engine> inner_;
};

}  // namespace ratchet::testing
