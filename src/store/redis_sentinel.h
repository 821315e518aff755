// SentinelClient: asks Redis Sentinels which server is the master of a name (private to
// src/store; RedisStore uses it as its connection's resolver and to follow failovers).
//
// One RedisConn per sentinel (each reconnects by itself). master() asks them in the order
// configured and answers with the first address a sentinel gives; a sentinel that is down,
// slow or does not know the name is skipped. replicas() does the same for the master's
// healthy replicas. Commands: SENTINEL get-master-addr-by-name, SENTINEL replicas.
//
// Ownership: owns its connections; borrows the Dispatcher and Logger. Destroying it drops
// pending callbacks without calling them. Loop affinity: the Dispatcher's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"
#include "store/redis_conn.h"

struct redisReply;

namespace mw::store::redis {

// The master's address in a reply to SENTINEL get-master-addr-by-name: an array of two
// strings, host (IPv6 without brackets) and port. Result on failure: kNotFound when the reply
// has another shape (the sentinel does not know the master; the caller names it), or
// parse_endpoint's error when the address does not parse. REQUIRES: reply is not null.
Result<Endpoint> parse_sentinel_master(const redisReply* reply);

class SentinelClient {
 public:
  using MasterFn = std::function<void(Result<Endpoint>)>;

  // `sentinels` are parsed endpoints; `opts` (timeout, backoff; no password, db 0).
  SentinelClient(core::Dispatcher& d, core::Logger& log, std::vector<Endpoint> sentinels,
                 std::string master_name, ConnOptions opts);
  ~SentinelClient();
  SentinelClient(const SentinelClient&) = delete;
  SentinelClient& operator=(const SentinelClient&) = delete;

  // The master's address (asked of each sentinel in turn; used by the synchronous
  // redis_sync.h too), or kIo when no sentinel answers with one. `cb` may run inside the
  // call (every sentinel down) or later from the Dispatcher.
  void master(MasterFn cb);

  // The replicas of the master that the first answering sentinel reports healthy: no
  // s_down, o_down or disconnected flag and master-link-status "ok" (an empty list is an
  // answer). kIo when no sentinel answers.
  using ReplicasFn = std::function<void(Result<std::vector<Endpoint>>)>;
  void replicas(ReplicasFn cb);

 private:
  // Sends SENTINEL `command` master_name to the sentinels in order until `read` accepts
  // a reply (its error is the reason to ask the next one); `cb` gets the answer.
  template <typename T>
  using Reader = std::function<Result<T>(const redisReply*)>;
  template <typename T>
  void ask(size_t index, std::string command, std::shared_ptr<Reader<T>> read,
           std::shared_ptr<std::function<void(Result<T>)>> cb, std::string why);

  std::string master_name_;
  std::vector<std::unique_ptr<RedisConn>> conns_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mw::store::redis
