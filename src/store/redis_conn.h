// RedisConn: one hiredis asynchronous connection to one Redis server, on the worker's
// libevent loop, that reconnects by itself (private to src/store).
//
// States: connecting -> connected; on a failed connect, a lost connection or a timeout it
// waits (backoff from reconnect_min, doubling up to reconnect_max, reset by the first good
// reply) and connects again. After connecting it sends AUTH (when a password is set) and
// SELECT (when db != 0) before anything else; an error reply to those drops the connection.
//
// send(): commands are pipelined; replies come back in order. While waiting to reconnect,
// or with max_pending commands already in flight, send() fails at once (fail fast: a
// backend that is down never blocks the worker). While connecting, commands are queued and
// go out once connected (or fail if the connect fails). Each command must be answered within
// `timeout` seconds: otherwise it fails with kTimeout and the connection is dropped (a
// server that stopped answering cannot be trusted to answer in order), failing every other
// command in flight with kTimeout too; a connect that takes longer than `timeout` is
// dropped the same way.
//
// The reply callback runs from the Dispatcher (inside hiredis's read handler), or
// synchronously inside send() when it fails at once. It may send() again (RedisStore
// resends a script after NOSCRIPT) but must not destroy the connection; RedisStore only
// converts the reply and posts the result.
//
// Ownership: owns the redisAsyncContext (RAII, freed with redisAsyncFree) and the pending
// requests; borrows the Dispatcher and Logger. Destroying the connection drops pending
// callbacks without calling them. Loop affinity: the Dispatcher's thread.
// REQUIRES: SIGPIPE is ignored in the process (hiredis writes with write(2)); the
// supervisor does so for workers.
#pragma once

#include <hiredis/async.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/c_ptr.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"

namespace mw::store::redis {

using AsyncContextPtr = core::CPtr<redisAsyncContext, redisAsyncFree>;

// "host:port", "[v6]:port", "host" (port 6379) or "/path/to/redis.sock".
struct Endpoint {
  std::string host;
  int port = 6379;
  std::string unix_path;
  std::string to_string() const;
};
Result<Endpoint> parse_endpoint(std::string_view s);

struct ConnOptions {
  double timeout = 1;  // seconds, per command and per connect
  std::string password;
  int db = 0;
  size_t max_pending = 10000;
  double reconnect_min = 0.1;
  double reconnect_max = 5;
};

class RedisConn {
 public:
  // The reply (valid only during the call) or an error (kIo, kTimeout, kLimit).
  using ReplyFn = std::function<void(Result<const redisReply*>)>;

  RedisConn(core::Dispatcher& d, core::Logger& log, Endpoint ep, ConnOptions opts);
  ~RedisConn();
  RedisConn(const RedisConn&) = delete;
  RedisConn& operator=(const RedisConn&) = delete;

  // Start connecting (the constructor does not).
  void start();
  // With a resolver (Sentinel), the endpoint is asked of it before each connect; after
  // connecting, ROLE must say "master" and a READONLY reply drops the connection (the server
  // was demoted): each leads to a new resolve. While resolving, send() fails at once.
  using ResolveFn = std::function<void(std::function<void(Result<Endpoint>)>)>;
  void set_resolver(ResolveFn fn) { resolver_ = std::move(fn); }
  // Connect again now (the master moved): drops an established connection, skips the wait,
  // and with a resolver asks it again (an answer still on its way is ignored).
  void reconnect_now(const std::string& why);

  // Stop for good: fails every command in flight with kIo (`why`) through its callback,
  // then stays idle (send() fails at once). Not from inside one of this connection's own
  // reply callbacks. Used before destroying a connection whose callbacks must all run.
  void close(const std::string& why);

  // Called (from the Dispatcher) each time a connection is established (nullptr) or a
  // connect fails or an established connection is lost (why).
  using StateFn = std::function<void(const Error* why)>;
  void set_on_state(StateFn fn) { on_state_ = std::move(fn); }
  void send(const std::vector<std::string>& argv, ReplyFn fn);

  bool connected() const { return state_ == State::kConnected; }
  size_t in_flight() const { return inflight_.size(); }
  const Endpoint& endpoint() const { return ep_; }

 private:
  enum class State { kIdle, kResolving, kConnecting, kConnected, kWaiting };
  struct Request {
    ReplyFn fn;
    double deadline = 0;
    std::optional<Error> error;  // set when dropped: the NULL reply reports this
  };

  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);

  void connect();
  void connect_to_endpoint();
  void check_role();
  void connected(int status, const char* errstr);
  void disconnected(const redisAsyncContext* ac, const char* errstr);
  void complete(Request* req, const redisReply* reply);
  void send_internal(std::vector<std::string> argv, std::string what);
  void enqueue(const std::vector<std::string>& argv, std::unique_ptr<Request> req);
  void drop(Error why);
  void wait_and_reconnect(std::string_view cause = {});
  void arm_deadline();
  void on_deadline();

  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  Endpoint ep_;
  ConnOptions opts_;
  AsyncContextPtr ctx_;
  State state_ = State::kIdle;
  std::deque<std::unique_ptr<Request>> inflight_;
  core::TimerPtr deadline_timer_;
  core::TimerPtr reconnect_timer_;
  double connect_deadline_ = 0;
  double backoff_ = 0;
  uint64_t resolve_gen_ = 0;
  bool closing_ = false;
  bool logged_down_ = false;
  StateFn on_state_;
  ResolveFn resolver_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mw::store::redis
