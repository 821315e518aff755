// A trivial scan-protocol server for the load driver's self-test (`--self-test`).
//
// It listens on 127.0.0.1 on an ephemeral port, reads HTTP/1.x requests with a
// Content-Length body, ignores the body and answers every request with the same small /checkv2
// JSON reply (HTTP 200, keep-alive unless the request asked for Connection: close; every third
// reply chunked; zstd-compressed when the request carried Compression: zstd, like Rspamd). It
// does no scanning at all, so a run against it measures the driver and the loopback path: the
// driver is fit for purpose when it goes well past the throughput of any real scanner.
//
// Ownership: the server owns its thread, its Dispatcher and its sockets; stop() (or the
// destructor) ends the thread and closes everything.
// Loop affinity: the server runs its own Dispatcher on its own thread; the object's methods
// are called from the thread that created it.
// Failure modes: start() fails with kIo if the socket cannot be set up.
#pragma once

#include <cstdint>
#include <memory>
#include <thread>

#include "core/result.h"

namespace mw::bench {

class EchoServer {
 public:
  static Result<std::unique_ptr<EchoServer>> start();
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  uint16_t port() const { return port_; }
  // Stop the loop and join the thread. Idempotent.
  void stop();

 private:
  EchoServer() = default;
  void serve();

  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // pipe: a byte on [1] stops the loop
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace mw::bench
