// How a handler answers one request: now or later, from any thread, without
// holding a thread while it waits. Either respond() once, or stream: begin()
// with the status and headers, write() body pieces as they come (chunked
// transfer coding on HTTP/1.1), then end(). A responder dropped without an
// answer answers 500, so a connection never waits forever.
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

  // Starts a streamed answer; `head.body`, if any, is its first piece.
  virtual void begin(HttpResponse head) = 0;
  // Queues one piece of a streamed body. False when the client is gone or
  // reads too slowly (more than a megabyte waits): the stream is over.
  virtual bool write(std::string piece) = 0;
  virtual void end() = 0;
};

}  // namespace ratchet
