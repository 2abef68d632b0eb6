#include "resource/failure.h"

#include <spdlog/spdlog.h>

#include "store/engine.h"

namespace ratchet {

Result failure_result(std::string_view during) {
  try {
    throw;
  } catch (const NodeStopping&) {
    return Result::of(errors::backend_unavailable());
  } catch (const StoreError& e) {
    spdlog::error("{}: the store failed: {}", during, e.what());
    return Result::of(errors::backend_unavailable());
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", during, e.what());
    return Result::of(errors::internal());
  }
}

}  // namespace ratchet
