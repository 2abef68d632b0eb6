// How a handler answers one request: now or later, from any thread, without
// holding a thread while it waits; respond() once (later calls are ignored).
// A responder dropped without an answer answers 500, so a connection never
// waits forever.
//
// Thread-safety: every method may be called from any thread; calls are
// applied in the order they were made.
#pragma once

#include <string>

#include "http/message.h"

namespace ratchet {

class Responder {
 public:
  virtual ~Responder() = default;

  virtual void respond(HttpResponse response) = 0;
};

}  // namespace ratchet
