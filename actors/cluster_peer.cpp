#include "actors/cluster_peer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ratchet/settings.h"

namespace ratchet {
namespace {

constexpr auto kProbeTimeout = std::chrono::milliseconds(500);
constexpr auto kReconnectEvery = std::chrono::milliseconds(200);

std::pair<std::string, uint16_t> split_address(const std::string& address) {
  size_t colon = address.rfind(':');
  int port = colon == std::string::npos ? -1 : std::atoi(address.c_str() + colon + 1);
  if (port <= 0 || port > 65535) throw ConfigError("not host:port: '" + address + "'");
  return {address.substr(0, colon), static_cast<uint16_t>(port)};
}

// Whether a TCP connection to host:port opens within kProbeTimeout (IPv4).
bool reachable(const std::string& host, uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return true;  // let CAF resolve it
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(kProbeTimeout.count())) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      ok = err == 0;
    }
  }
  close(fd);
  return ok;
}

}  // namespace

struct ClusterPeer::Impl {
  Impl(caf::actor_system& sys, std::string self_id, std::string advertise_at)
      : system(sys), self(std::move(self_id)), advertise(std::move(advertise_at)) {}

  caf::actor_system& system;
  const std::string self;
  const std::string advertise;
  caf::actor endpoint;  // the published actor
  std::mutex mu;
  std::condition_variable stop_cv;
  std::map<std::string, std::string> wanted;  // node -> address
  std::map<std::string, caf::actor> handles;  // connected peers
  std::map<std::string, std::thread> keepers;
  bool stopping = false;

  std::optional<caf::actor> handle(const std::string& node) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = handles.find(node);
    if (it == handles.end()) return std::nullopt;
    return it->second;
  }

  template <class... Ts>
  void send(const std::string& to, Ts&&... xs) {
    if (auto h = handle(to)) caf::anon_send(*h, std::forward<Ts>(xs)...);
  }

  // Keeps a connection to `node` while it is wanted.
  void keep(const std::string& node) {
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping && wanted.count(node)) {
      if (!handles.count(node)) {
        std::string address = wanted[node];
        lock.unlock();
        connect(node, address);
        lock.lock();
      }
      stop_cv.wait_for(lock, kReconnectEvery);
    }
  }

  void connect(const std::string& node, const std::string& address) {
    try {
      auto [host, port] = split_address(address);
      if (!reachable(host, port)) return;
      auto remote = system.middleman().remote_actor(host, port);
      if (!remote) {
        spdlog::debug("cluster: cannot connect to {} at {}: {}", node, address,
                      system.render(remote.error()));
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stopping) return;
        handles[node] = *remote;
      }
      caf::anon_send(endpoint, watch_atom::value, node, *remote);
      spdlog::info("cluster: connected to {} at {}", node, address);
    } catch (const ConfigError& e) {
      spdlog::error("cluster: peer {}: {}", node, e.what());
    }
  }

  void lost(const std::string& node, const caf::actor_addr& who) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = handles.find(node);
    if (it != handles.end() && it->second.address() == who) {
      handles.erase(it);
      spdlog::warn("cluster: lost the connection to {}", node);
    }
  }
};

namespace {

struct EndpointState {
  std::map<caf::actor_addr, std::string> watched;
  static constexpr const char* name = "cluster_endpoint";
};

caf::behavior endpoint_behavior(caf::stateful_actor<EndpointState>* self, ClusterPeer::Impl* impl,
                                Inbox* inbox, ClusterPeer::Serve serve) {
  self->set_down_handler([=](caf::down_msg& down) {
    auto it = self->state.watched.find(down.source);
    if (it == self->state.watched.end()) return;
    impl->lost(it->second, down.source);
    self->state.watched.erase(it);
  });
  self->set_default_handler(caf::drop);
  return {
      [=](Op& op) -> caf::result<Result> {
        auto rp = self->make_response_promise<Result>();
        serve(rp, std::move(op));
        return rp;
      },
      [=](watch_atom, const std::string& node, caf::actor& peer) {
        self->monitor(peer);
        self->state.watched[peer.address()] = node;
      },
      [=](entries_atom, const std::string& from, int64_t epoch, std::vector<LogEntry>& e) {
        inbox->on_entries(from, epoch, std::move(e));
      },
      [=](ack_atom, const std::string& from, int64_t epoch, int64_t seq) {
        inbox->on_ack(from, epoch, seq);
      },
      [=](join_atom, const std::string& from, int64_t epoch, int64_t pe, int64_t ps) {
        inbox->on_join(from, epoch, LogPosition{pe, ps});
      },
      [=](copy_needed_atom, const std::string& from, int64_t epoch) {
        inbox->on_copy_needed(from, epoch);
      },
      [=](copy_request_atom, const std::string& from, int64_t epoch, std::string& after) {
        inbox->on_copy_request(from, epoch, std::move(after));
      },
      [=](copy_chunk_atom, const std::string& from, int64_t epoch, std::vector<std::string>& pairs,
          bool last, int64_t pe, int64_t ps) {
        inbox->on_copy_chunk(from, epoch, std::move(pairs), last, LogPosition{pe, ps});
      },
  };
}

}  // namespace

ClusterPeer::ClusterPeer(caf::actor_system& system, std::string self, std::string advertise)
    : impl_(std::make_unique<Impl>(system, std::move(self), std::move(advertise))) {}

ClusterPeer::~ClusterPeer() { stop(); }

void ClusterPeer::stop() {
  std::map<std::string, std::thread> keepers;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
    impl_->wanted.clear();
    keepers.swap(impl_->keepers);
  }
  impl_->stop_cv.notify_all();
  for (auto& [node, t] : keepers) t.join();
  if (impl_->endpoint) caf::anon_send_exit(impl_->endpoint, caf::exit_reason::user_shutdown);
  impl_->endpoint = nullptr;
}

void ClusterPeer::start(Inbox& inbox, Serve serve) {
  auto [host, port] = split_address(impl_->advertise);
  impl_->endpoint = impl_->system.spawn(endpoint_behavior, impl_.get(), &inbox, std::move(serve));
  auto published = impl_->system.middleman().publish(impl_->endpoint, port, host.c_str(), true);
  if (!published) {
    throw ConfigError("setting 'cluster_advertise': cannot listen on " + impl_->advertise + ": " +
                      impl_->system.render(published.error()));
  }
}

Result ClusterPeer::forward(const std::string& to, const Op& op, std::chrono::milliseconds timeout) {
  auto h = impl_->handle(to);
  if (!h) return Result::of(errors::backend_unavailable());
  Result out = Result::of(errors::backend_unavailable());
  caf::scoped_actor self{impl_->system};  // fresh: a timeout must not outlive it (DEPENDENCIES §2a)
  self->request(*h, timeout, op)
      .receive([&](Result& r) { out = std::move(r); },
               [&](caf::error& err) {
                 spdlog::warn("cluster: forwarding to {} failed: {}", to,
                              impl_->system.render(err));
               });
  return out;
}

void ClusterPeer::peers(const std::map<std::string, std::string>& addresses) {
  std::vector<std::thread> finished;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->stopping || addresses == impl_->wanted) return;
    for (auto& [node, address] : addresses) {
      auto old = impl_->wanted.find(node);
      if (old != impl_->wanted.end() && old->second != address) impl_->handles.erase(node);
    }
    impl_->wanted = addresses;
    for (auto it = impl_->keepers.begin(); it != impl_->keepers.end();) {
      if (addresses.count(it->first)) {
        ++it;
      } else {
        impl_->handles.erase(it->first);
        finished.push_back(std::move(it->second));
        it = impl_->keepers.erase(it);
      }
    }
    for (const auto& [node, address] : addresses) {
      if (!impl_->keepers.count(node)) {
        impl_->keepers[node] = std::thread([impl = impl_.get(), node = node] { impl->keep(node); });
      }
    }
  }
  impl_->stop_cv.notify_all();
  for (auto& t : finished) t.join();
}

void ClusterPeer::entries(const std::string& to, int64_t epoch, std::vector<LogEntry> entries) {
  impl_->send(to, entries_atom::value, impl_->self, epoch, std::move(entries));
}

void ClusterPeer::ack(const std::string& to, int64_t epoch, int64_t seq) {
  impl_->send(to, ack_atom::value, impl_->self, epoch, seq);
}

void ClusterPeer::join(const std::string& to, int64_t epoch, LogPosition position) {
  impl_->send(to, join_atom::value, impl_->self, epoch, position.epoch, position.seq);
}

void ClusterPeer::copy_needed(const std::string& to, int64_t epoch) {
  impl_->send(to, copy_needed_atom::value, impl_->self, epoch);
}

void ClusterPeer::copy_request(const std::string& to, int64_t epoch, std::string after) {
  impl_->send(to, copy_request_atom::value, impl_->self, epoch, std::move(after));
}

void ClusterPeer::copy_chunk(const std::string& to, int64_t epoch, std::vector<std::string> pairs,
                             bool last, LogPosition position) {
  impl_->send(to, copy_chunk_atom::value, impl_->self, epoch, std::move(pairs), last,
              position.epoch, position.seq);
}

}  // namespace ratchet
