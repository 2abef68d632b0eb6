// One accepted connection of a Listener: reads requests (request_reader.h),
// hands each complete one to the handler, writes its answer, and closes
// the connection on a refusal, at a deadline or when the client leaves.
// Every step of a connection runs on its own strand; a connection holds a
// thread only while its handler runs. Internal to the Listener.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <list>
#include <memory>
#include <mutex>

#include "http/body_budget.h"
#include "http/listener.h"

namespace ratchet {

class Connection;

// What the connections of one Listener share. Outlives them.
struct ConnectionHub {
  ConnectionHub(const ListenerOptions& o, Listener::Handler h, Listener::Refusal r);

  const ListenerOptions options;
  const Listener::Handler handler;
  const Listener::Refusal refusal;
  BodyBudget budget;
  std::atomic<size_t> open{0};
  std::atomic<bool> draining{false};  // answer what is in progress, then close
  std::mutex mutex;                   // guards live
  std::list<std::weak_ptr<Connection>> live;
};

// Serves `socket` (whose executor is a strand) until the connection ends.
void serve_connection(boost::asio::ip::tcp::socket socket, ConnectionHub& hub);

// Closes every connection past its deadline (a head, body or write that
// took too long, or an idle keep-alive). Called periodically.
void expire_connections(ConnectionHub& hub);

// Sets hub.draining and closes every idle connection; busy ones close
// after their answer.
void drain_connections(ConnectionHub& hub);

}  // namespace ratchet
