// ReplicaSet: the read replicas of a Redis master (private to src/store; RedisStore sends
// the reads its `replica_keys` allow here and falls back to the master).
//
// One RedisConn per replica, each reconnecting by itself. pick() answers a connected
// replica, round robin, or nullptr when none is connected (the caller then reads from the
// master: nothing waits for a replica). update() replaces the set (Sentinel discovery):
// replicas still listed keep their connection; the others are closed, failing their
// commands in flight so that each caller falls back to the master.
//
// Ownership: owns the connections; borrows the Dispatcher and Logger. Destroying it drops
// pending callbacks without calling them. Loop affinity: the Dispatcher's thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "store/redis_conn.h"

namespace mw::store::redis {

class ReplicaSet {
 public:
  ReplicaSet(core::Dispatcher& d, core::Logger& log, ConnOptions opts)
      : dispatcher_(d), logger_(log), opts_(std::move(opts)) {}
  ReplicaSet(const ReplicaSet&) = delete;
  ReplicaSet& operator=(const ReplicaSet&) = delete;

  // Use exactly these replicas (started at once). Not from inside one of their callbacks.
  void update(const std::vector<Endpoint>& replicas);
  RedisConn* pick();

  size_t size() const { return conns_.size(); }
  size_t connected() const;
  // "host:port" of each replica, in the order given.
  std::vector<std::string> addresses() const;

 private:
  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  ConnOptions opts_;
  std::vector<std::unique_ptr<RedisConn>> conns_;
  size_t next_ = 0;
};

// Whether `key` starts with one of `prefixes`.
bool matches_prefix(std::string_view key, const std::vector<std::string>& prefixes);

}  // namespace mw::store::redis
