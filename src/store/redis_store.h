// RedisStore: the Store backend for a fleet of scanners (hiredis, asynchronous, on the
// worker's libevent loop).
//
// Keys are sharded over `servers` by a consistent hash of the key (FNV-1a, then jump
// consistent hashing), one connection per server and per process; with one server every
// key goes there. Each connection reconnects by itself with backoff (redis_conn.h): while a
// server is away the operations on its keys fail at once with kIo, those in flight when it
// went away fail with kIo or kTimeout, and nothing blocks or waits. Hostnames in `servers`
// are resolved with a blocking lookup at each connect: use IP addresses or socket paths.
//
// Sentinel: with `sentinels`, there is one connection, to the master the sentinels name for
// `master_name` (redis_sentinel.h), asked before each connect and checked with ROLE. A
// failover is followed the moment a sentinel publishes it on `+switch-master` (one Pub/Sub
// connection per sentinel, redis_watch.h); as a fallback every `sentinel_check` seconds
// the sentinels are asked again and a moved master is followed at once; a lost connection
// or a READONLY reply (a demoted master) leads to a new resolve.
// Operations in flight during a failover fail (kIo, kTimeout) and are not retried.
//
// Read replicas: with one server (or Sentinel) and `replicas` (or, with Sentinel, the
// healthy replicas the sentinels list, asked at start, after a switch and every
// `sentinel_check`), the plain reads get, counts_get, distinct_members and list_range from
// index 0, of keys starting with one of `replica_keys`, go to a connected replica (round
// robin). A replica that is not connected, fails, times out or answers an error is skipped
// and the read goes to the master, so a replica never makes a read fail; its failures do
// not count as store outages. Every write, script and map read (the hold list is a map)
// goes to the master whatever the key. Replica reads may be stale by the replication lag.
//
// Health (store.h): operations that fail with kIo / kTimeout and lost or refused connections
// start an outage; an answer or all connections established end it (health.h).
//
// Each operation is one command or one Lua script (atomic on the server); the layout and
// the scripts are in redis_scripts.h. Semantics are those of store.h and the same as
// LmdbStore's (a shared test suite runs against both). Differences: a map whose only field
// without expiry was overwritten or deleted keeps its Redis TTL off until the next map_all
// (memory only, reads are right); Redis >= 6.2 is required (HRANDFIELD, KEEPTTL).
//
// Callbacks are posted on the Dispatcher (never run inside the call nor inside hiredis).
//
// Ownership: owns its connections; borrows the Dispatcher and Logger. Destroying the store
// drops pending callbacks. Loop affinity: the Dispatcher's thread. Failure modes: open()
// fails with kInvalidInput for a bad server address or an empty server list (it does not
// wait for the servers: connecting is asynchronous); operations fail as store.h says.
// REQUIRES: SIGPIPE is ignored in the process.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "store/common.h"
#include "store/health.h"
#include "store/pending.h"
#include "store/redis_conn.h"
#include "store/redis_replicas.h"
#include "store/redis_scripts.h"
#include "store/redis_sentinel.h"
#include "store/redis_watch.h"
#include "store/store.h"

namespace mw::store {

struct RedisOptions {
  std::vector<std::string> servers = {"127.0.0.1:6379"};
  // Sentinel: when `sentinels` is not empty, `servers` is ignored and the one master of
  // `master_name` is asked of the sentinels (in order) before each connect, and again every
  // `sentinel_check` seconds and after any error; a failover is followed at once through the
  // sentinels' +switch-master channel, the periodic check being the fallback.
  std::vector<std::string> sentinels;
  std::string master_name;
  double sentinel_check = 1;
  // Read replicas: addresses (with one server only; with sentinels they are discovered) and
  // the key prefixes whose reads they may serve (empty: no replica reads).
  std::vector<std::string> replicas;
  std::vector<std::string> replica_keys = {"bayes1:", "stat:", "hist", "errors", "ob:events"};
  std::string password;
  int db = 0;
  std::string prefix = "mw:";
  double timeout = 1;  // seconds, per command and per connect
  size_t max_pending = 10000;  // commands in flight per server
  double reconnect_min = 0.1;  // backoff between connects, doubling up to reconnect_max
  double reconnect_max = 5;
  Limits limits;
};

class RedisStore final : public Store {
 public:
  static Result<std::unique_ptr<RedisStore>> open(const RedisOptions& opts,
                                                  core::Dispatcher& dispatcher,
                                                  core::Logger& logger, Clock clock);
  ~RedisStore() override;
  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;

  OpPtr get(std::string key, Callback<std::optional<std::string>> cb) override;
  OpPtr set(std::string key, std::string value, double ttl, Done cb) override;
  OpPtr del(std::string key, Done cb) override;
  OpPtr incr(std::string key, int64_t delta, double ttl, Callback<int64_t> cb) override;
  OpPtr window_add(std::string key, double amount, double window,
                   Callback<double> cb) override;
  OpPtr distinct_add(std::string key, std::string member, double window,
                     Callback<DistinctResult> cb) override;
  OpPtr distinct_members(std::string key, double window, size_t limit,
                         Callback<std::vector<std::string>> cb) override;
  OpPtr list_push(std::string key, std::string value, size_t cap, double ttl,
                  Done cb) override;
  OpPtr list_range(std::string key, size_t start, size_t count,
                   Callback<std::vector<std::string>> cb) override;
  OpPtr map_set(std::string key, std::string field, std::string value, double ttl,
                Done cb) override;
  OpPtr map_get(std::string key, std::string field,
                Callback<std::optional<std::string>> cb) override;
  OpPtr map_del(std::string key, std::string field, Done cb) override;
  OpPtr map_all(std::string key,
                Callback<std::vector<std::pair<std::string, std::string>>> cb) override;
  OpPtr counts_get(std::string key, std::vector<uint64_t> ids,
                   Callback<std::vector<CountRow>> cb) override;
  OpPtr counts_add(std::string key, std::vector<uint64_t> ids, int64_t da, int64_t db,
                   Done cb) override;
  OpPtr counts_info(std::string key, Callback<CountsInfo> cb) override;
  OpPtr counts_expire(std::string key, uint64_t max_total, double older_than,
                      std::string cursor, size_t budget, Callback<CountsExpiry> cb) override;
  std::string_view backend() const override { return "redis"; }
  Health health() const override { return health_.health(); }

  // Servers with an established connection (for /stat and tests).
  size_t connected_servers() const;
  // Replicas in use, connected ones, and reads they answered (tests, /stat).
  size_t replicas() const { return replicas_ ? replicas_->size() : 0; }
  size_t connected_replicas() const { return replicas_ ? replicas_->connected() : 0; }
  uint64_t replica_reads() const { return replica_reads_; }
  // Sentinels whose +switch-master subscription is confirmed (tests).
  size_t watching_sentinels() const { return switch_watch_ ? switch_watch_->subscribed() : 0; }
  // The server index a key is sharded to (tests).
  size_t shard_of(std::string_view key) const;
  // The same for `servers` servers (redis_sync.h shards the same way).
  static size_t shard_for(std::string_view key, size_t servers);

 private:
  RedisStore(const RedisOptions& opts, core::Dispatcher& d, core::Logger& log, Clock clock);
  redis::RedisConn& conn_for(std::string_view key);
  template <typename T, typename Decode>
  OpPtr command(std::string_view key, std::vector<std::string> argv, Callback<T> cb,
                Decode decode);
  template <typename T, typename Decode>
  OpPtr script(redis::ScriptId id, std::string_view key, std::vector<std::string> args,
               Callback<T> cb, Decode decode);
  // A read of `key` that a replica may serve (replica_keys), else command() on the master.
  template <typename T, typename Decode>
  OpPtr read(std::string_view key, std::vector<std::string> argv, Callback<T> cb,
             Decode decode);
  template <typename T>
  OpPtr reject(const Status& why, Callback<T> cb);
  template <typename T>
  OpPtr ready(T value, Callback<T> cb);
  std::string full_key(std::string_view key) const { return opts_.prefix + std::string(key); }
  void check_master();
  void switch_master(const redis::Endpoint& master, const redis::Endpoint& sentinel);
  void discover_replicas();

  RedisOptions opts_;
  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  Clock clock_;
  std::array<redis::Script, redis::kScriptCount> scripts_;
  std::vector<std::unique_ptr<redis::RedisConn>> conns_;
  std::unique_ptr<redis::SentinelClient> sentinel_;  // with [store.redis] sentinels
  std::vector<redis::Endpoint> sentinel_endpoints_;
  std::unique_ptr<redis::SwitchWatch> switch_watch_;  // +switch-master subscriptions
  core::TimerPtr sentinel_timer_;
  std::unique_ptr<redis::ReplicaSet> replicas_;  // with replicas or sentinels
  uint64_t replica_reads_ = 0;
  detail::HealthTracker health_;
  detail::AliveToken alive_ = detail::make_alive();
};

}  // namespace mw::store
