// POST /v1/batch (PROTOCOL.md §8): sub-requests run one after another
// through the same dispatch as top-level requests; their 4xx answers do not
// stop the batch. Each sub-request commits on its own (lists belong to
// different actors), so a batch is not one transaction.
#pragma once

#include <functional>

#include "ratchet/settings.h"
#include "http/message.h"

namespace ratchet {

using Dispatch = std::function<HttpResponse(const HttpRequest&)>;

HttpResponse run_batch(const HttpRequest& request, const Settings& settings,
                       const Dispatch& dispatch);

}  // namespace ratchet
