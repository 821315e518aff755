// The connections of one protocol server, the same for the HTTP and the milter server:
// accepting on the listening sockets the master bound (net.h Listener), one entry per
// connection, accepting paused at max_connections, at most max_per_ip connections from one
// client address (a connection over that cap is closed at once, with a rate-limited log
// line; unix-socket clients are not counted), drain and stop.
//
//   listen(fd)   accept on one more socket (TCP and unix sockets may be served together)
//   drain(cb)    stop accepting and tell every connection to drain (finish what it is in,
//                then close); `cb` runs from the loop once no connection is left
//   stop()       stop accepting and close every connection now
//
// ConnectionServer is the public face both servers (http/server.h, milter/server.h) share:
// start/drain/stop/connection_count/draining over the ConnectionSet the server owns.
//
// A connection closes itself and then calls release(id): it is destroyed later, from the
// loop (it may be inside one of its own callbacks), and accepting resumes below the limit.
//
// Ownership: owns the connections and the Listeners, not the listening sockets.
// Loop affinity: the Dispatcher's thread. Failure modes: listen() fails (kInvalidInput) for
// an fd that is not a listening socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "core/non_copyable.h"
#include "core/result.h"
#include "proto/net.h"

namespace mw::proto {

class ServerConnection : public core::Deletable {
 public:
  // Begin reading (called once, right after the connection joined the set).
  virtual void start() = 0;
  // The server drains: no new work; close as soon as nothing is in progress.
  virtual void begin_drain() = 0;
  // The server stops: close now (cancelling what is in progress).
  virtual void close_now() = 0;
};

class ConnectionSet {
 public:
  using Factory =
      std::function<std::unique_ptr<ServerConnection>(UniqueFd fd, const PeerAddress& peer,
                                                      uint64_t id)>;

  // `module` names the log lines ("http", "milter") and must outlive the set.
  // `max_connections` 0 counts as 1; `max_per_ip` 0 means no per-address cap.
  ConnectionSet(core::Dispatcher& dispatcher, core::Logger& logger, std::string_view module,
                size_t max_connections, size_t max_per_ip, Factory make);
  ~ConnectionSet();  // closes every connection
  ConnectionSet(const ConnectionSet&) = delete;
  ConnectionSet& operator=(const ConnectionSet&) = delete;

  Status listen(int listen_fd);
  void drain(std::function<void()> on_drained);
  void stop();
  // The connection `id` closed: destroy it from the loop; accept again below the limit.
  void release(uint64_t id);

  size_t size() const { return conns_.size(); }
  bool draining() const { return draining_; }
  // Connections refused because their address had max_per_ip open.
  uint64_t refused_per_ip() const { return refused_per_ip_; }

 private:
  void on_accept(UniqueFd fd, const PeerAddress& peer);
  std::vector<uint64_t> ids() const;
  void close_all();
  void check_drained();

  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  std::string_view module_;
  core::ModuleLog log_;
  size_t max_;
  size_t max_per_ip_;
  Factory make_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<uint64_t, std::unique_ptr<ServerConnection>> conns_;
  std::unordered_map<uint64_t, std::string> conn_ip_;  // TCP connections: id -> address
  std::unordered_map<std::string, size_t> per_ip_;     // open connections per address
  uint64_t refused_per_ip_ = 0;
  double last_refusal_log_ = -1e9;
  uint64_t next_id_ = 1;
  bool draining_ = false;
  bool stopped_ = false;
  std::function<void()> drained_cb_;
};

// Not copyable: a server's connections point back at it.
class ConnectionServer : core::NonCopyable {
 public:
  // Accept connections on `listen_fd` (may be called again for more sockets: TCP and unix).
  // The fd is made non-blocking and is not closed by the server.
  Status start(int listen_fd) { return connections().listen(listen_fd); }
  // Stop accepting, close idle connections, let the others finish what they are in, then
  // call `on_drained` from the loop (at once if nothing is open). A later call replaces the
  // callback.
  void drain(std::function<void()> on_drained) { connections().drain(std::move(on_drained)); }
  // Stop accepting and close every connection now (work in progress is cancelled).
  void stop() { connections().stop(); }

  size_t connection_count() const { return connections().size(); }
  bool draining() const { return connections().draining(); }

 protected:
  ConnectionServer() = default;
  ~ConnectionServer() = default;
  // The server's set (it lives as long as the server).
  virtual ConnectionSet& connections() const = 0;
};

}  // namespace mw::proto
