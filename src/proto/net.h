// Socket plumbing shared by the protocol servers: peer addresses, non-blocking reads and
// writes, and the accept loop on an inherited listening socket.
//
// Ownership: UniqueFd (core/fd.h) owns its descriptor. A Listener does NOT own the listening
// socket (the master bound it and every worker shares it); it owns only its event
// registration.
// Loop affinity: a Listener belongs to the Dispatcher it was created with.
// Failure modes: I/O helpers report errors as IoResult values (never throw, never raise
// SIGPIPE). Listener::start() fails with kInvalidInput when the fd is not a listening
// socket. Accept errors are handled inside the Listener: EAGAIN (another pre-forked worker
// won the race) is normal; descriptor exhaustion (EMFILE/ENFILE/ENOBUFS/ENOMEM) pauses
// accepting for a second with a rate-limited warning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/fd.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"

namespace mw::proto {

using core::UniqueFd;  // core/fd.h

struct PeerAddress {
  std::string ip;      // textual IPv4/IPv6 address; empty for unix sockets
  uint16_t port = 0;
  bool unix_socket = false;

  // "192.0.2.1:25", "[2001:db8::1]:25" or "unix".
  std::string to_string() const;
};

// Address of the peer of a connected socket (unix-socket peer when not AF_INET/AF_INET6).
PeerAddress peer_address(int fd);
// Our own address on a connected socket (what the client connected to), in the same form.
PeerAddress local_address(int fd);

Status set_nonblocking(int fd);

enum class IoStatus { kOk, kWouldBlock, kEof, kError };
struct IoResult {
  IoStatus status = IoStatus::kOk;
  size_t bytes = 0;  // bytes transferred when kOk
  int error = 0;     // errno when kError
};

// Read up to `max` bytes, appending them to `buf`. kEof when the peer closed its side.
IoResult read_some(int fd, std::string& buf, size_t max);
// Write as much of `data` as the socket takes now (send(2) with MSG_NOSIGNAL).
IoResult write_some(int fd, std::string_view data);

// Pending output of a connection: appended at the back, written from the front.
class OutBuffer {
 public:
  void append(std::string_view data) { buf_.append(data); }
  bool empty() const { return pos_ == buf_.size(); }
  size_t size() const { return buf_.size() - pos_; }
  // Write what the socket takes now. kOk when everything was written, kWouldBlock when
  // something is left, kError on a socket error.
  IoStatus flush(int fd);
  void clear() {
    buf_.clear();
    pos_ = 0;
  }

 private:
  std::string buf_;
  size_t pos_ = 0;
};

// Accept loop on a listening socket shared with other worker processes.
class Listener {
 public:
  using AcceptCallback = std::function<void(UniqueFd fd, const PeerAddress& peer)>;

  // `module` names the log lines (e.g. "http", "milter"); it must outlive the Listener.
  Listener(core::Dispatcher& dispatcher, core::Logger& logger, std::string_view module,
           int listen_fd, AcceptCallback on_accept);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Check the socket (it must be listening), make it non-blocking and start accepting.
  Status start();
  // Stop / restart watching the socket. pause() is idempotent.
  void pause();
  void resume();
  bool accepting() const { return watching_; }

 private:
  void on_readable();
  void update_watch();
  void backoff(int err);

  core::Dispatcher& dispatcher_;
  core::ModuleLog log_;
  int fd_;
  AcceptCallback on_accept_;
  core::FdEventPtr event_;
  core::TimerPtr backoff_timer_;
  bool started_ = false;
  bool paused_ = false;      // by the owner
  bool watching_ = false;    // event registered
  bool backing_off_ = false;
  double last_warning_ = -1e9;
};

}  // namespace mw::proto
