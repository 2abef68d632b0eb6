// The protocol frontend: one HTTP request in, one response out. Routes the
// request, negotiates content, authenticates, turns resource requests into
// Ops for the node and renders their Results with Kinto's headers, and logs
// one summary line per request. Knows nothing of sockets (see server.h).
//
// Thread-safety: handle() may run on any number of threads at once.
#pragma once

#include <string>

#include "actors/node.h"
#include "http/authentication.h"
#include "http/message.h"
#include "http/routes.h"

namespace ratchet {

class Frontend {
 public:
  explicit Frontend(Node& node) : node_(node), authenticator_(node) {}

  // A top-level request: logged as request.summary.
  HttpResponse handle(const HttpRequest& request);
  // A request the socket layer refused before it could be handled (for
  // instance a body over max_body_bytes): answered and logged like others.
  HttpResponse refuse(const HttpRequest& request, const Error& error);

 private:
  // Who sent the request and how it went, for the summary log line.
  struct Exchange {
    std::string user_id;
    std::vector<std::string> principals;
    // Access-Control-Expose-Headers of the answer (§10.4); null: none.
    const char* exposed = nullptr;
  };

  template <class Respond>
  HttpResponse logged(const HttpRequest& request, const char* log_type, Respond respond);
  // The default bucket's rewrite (when included), then serve().
  HttpResponse dispatch(const HttpRequest& request, Exchange& exchange);
  HttpResponse serve(const HttpRequest& request, Exchange& exchange);
  HttpResponse resource(const Route& route, Verb verb, const HttpRequest& request,
                        Exchange& exchange);
  HttpResponse preflight(const Route& route, const HttpRequest& request);
  HttpResponse render(const Op& op, const HttpRequest& request, Result result);
  void finish(const HttpRequest& request, const Exchange& exchange, HttpResponse& response) const;

  Node& node_;
  Authenticator authenticator_;
};

}  // namespace ratchet
