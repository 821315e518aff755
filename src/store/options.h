// The `[store]` configuration table and the store factory.
//
// Options (declared by declare_options, documented in the schema):
//   [store]
//   backend          "lmdb" (embedded, default) or "redis"
//   path             "" = "$DBDIR/store": the directory of the embedded store, shared by
//                    every worker of the machine (the app passes its $DBDIR to config_from)
//   map_size         "1G" initial LMDB map (disk space is used as data grows)
//   max_map_size     "4G" the map grows (doubling) up to this when full; <= map_size: fixed
//   max_value_size   "1M" longest key, value, field or member (kLimit beyond)
//   max_distinct     1000 members kept per distinct set (least recently seen evicted)
//   sweep_interval   "10s" how often expired data is removed (0 = never, reads still hide
//                    it); also how often the map is flushed to disk with sync = "periodic"
//                    (with 0, only the kernel's own writeback flushes it)
//   sweep_batch      1000 records and elements examined per sweep tick
//   sync             "periodic" (MDB_NOSYNC + a flush every sweep_interval: a machine crash
//                    loses the last interval) or "commit" (flush at every commit: slower,
//                    the worker waits for the disk); see lmdb_env.h
//   max_readers      256 LMDB reader slots (one per process using the store)
//   [store.redis]
//   servers          ["127.0.0.1:6379"]: "host:port", "[v6]:port" or "/path.sock"; keys
//                    are sharded over several servers
//   password         "" (AUTH when set)        db  0 (SELECT when not 0)
//   prefix           "mw:" prepended to every key
//   timeout          "1s" per command and per connect
//   max_pending      10000 commands in flight per server (kLimit beyond)
//   reconnect_max    "5s" longest wait between reconnect attempts (backoff from 100 ms)
//   sentinels        [] Sentinel "IP:PORT"s: when set, `servers` is ignored and the master
//                    of `master_name` is discovered and followed (redis_store.h)
//   master_name      "" the monitored master's name (required with sentinels)
//   sentinel_check   "1s" how often the sentinels are asked which server is the master
//
// Ownership: plain values. Loop affinity: config_from none; open_store the Dispatcher's
// thread, after fork() (one store per process).
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"
#include "store/lmdb_store.h"
#include "store/redis_store.h"
#include "store/store.h"

namespace mw::store {

enum class Backend { kLmdb, kRedis };

struct StoreConfig {
  Backend backend = Backend::kLmdb;
  LmdbOptions lmdb;  // lmdb.env.path empty: no directory chosen (open_store fails)
  RedisOptions redis;
};

// Declare the `[store]` and `[store.redis]` options (the app calls this once).
void declare_options(core::Schema& schema);

// Read the options. `db_dir` is the app's $DBDIR: an empty store.path becomes
// "<db_dir>/store" and a leading "$DBDIR" in it is replaced (both stay as they are when
// db_dir is empty). The config's schema must have gone through declare_options (kInternal
// otherwise).
// Result on failure: kInvalidInput naming the bad value (with backend = "redis", an empty
// or malformed store.redis.servers).
Result<StoreConfig> config_from(const core::Config& cfg, std::string_view db_dir = {});

// Open the configured backend. Result on failure: kInvalidInput (no path for LMDB, bad
// redis server), kIo / kUnsupported from LmdbStore::open. A Redis store opens even when its
// servers are down (it connects in the background).
Result<StorePtr> open_store(const StoreConfig& config, core::Dispatcher& dispatcher,
                            core::Logger& logger, Clock clock);

}  // namespace mw::store
