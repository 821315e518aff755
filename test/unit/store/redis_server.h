// A real redis-server for tests and benchmarks: started on a free 127.0.0.1 port with a
// private temporary directory and no persistence (--save "", --appendonly no), stopped by
// its own PID (never by name). The child dies with the test process (PR_SET_PDEATHSIG).
//
// Ownership: owns the server process and its directory (removed on destruction).
// Failure modes: start() returns false when redis-server is missing or does not come up.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mw::store::testing {

class RedisServer {
 public:
  // Path of redis-server found on PATH (empty when not installed).
  static std::string binary();

  // extra: more "--option value" arguments (e.g. {"--requirepass", "secret"}).
  explicit RedisServer(std::vector<std::string> extra = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Start; the first start picks a free port, later ones (a restart) reuse it.
  bool start();
  // SIGTERM, wait (SIGKILL after 5 s).
  void stop();
  // SIGSTOP / SIGCONT: a server that accepts but never answers.
  void pause();
  void resume();

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Run one command on a fresh synchronous connection; the reply as text (integers in
  // decimal, arrays joined by '\n'), or "ERR:<message>" / "" when it fails.
  std::string command(const std::vector<std::string>& argv) const;

 private:
  bool launch();
  bool wait_ready();

  std::vector<std::string> extra_;
  std::string password_;
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace mw::store::testing
