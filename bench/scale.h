// scale: read-list and sync measured on one collection grown through the
// given sizes (1k, 100k, 1M records by default), to show how the cost of a
// page and of a sync poll grows with the list. Sizes are reached by
// prefilling the difference, so each size costs only the records it adds.
//
// Thread-safety: blocks its caller.
#pragma once

#include <functional>
#include <ostream>
#include <vector>

#include "bench/options.h"
#include "bench/report.h"

namespace bench {

// Throws TransportError, ProtocolError, or std::invalid_argument when the
// server does not speak Kinto. Progress goes to `err`.
std::vector<ScaleRow> measure_scale(const Options& options, std::ostream& err);

}  // namespace bench
