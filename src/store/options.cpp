#include "store/options.h"

#include <algorithm>

namespace mw::store {

namespace {

constexpr char kBackend[] = "store.backend";
constexpr char kPath[] = "store.path";
constexpr char kMapSize[] = "store.map_size";
constexpr char kMaxMapSize[] = "store.max_map_size";
constexpr char kMaxValueSize[] = "store.max_value_size";
constexpr char kMaxDistinct[] = "store.max_distinct";
constexpr char kSweepInterval[] = "store.sweep_interval";
constexpr char kSweepBatch[] = "store.sweep_batch";
constexpr char kSync[] = "store.sync";
constexpr char kMaxReaders[] = "store.max_readers";
constexpr char kServers[] = "store.redis.servers";
constexpr char kPassword[] = "store.redis.password";
constexpr char kDb[] = "store.redis.db";
constexpr char kPrefix[] = "store.redis.prefix";
constexpr char kTimeout[] = "store.redis.timeout";
constexpr char kMaxPending[] = "store.redis.max_pending";
constexpr char kReconnectMax[] = "store.redis.reconnect_max";
constexpr char kSentinels[] = "store.redis.sentinels";
constexpr char kMasterName[] = "store.redis.master_name";
constexpr char kSentinelCheck[] = "store.redis.sentinel_check";
constexpr char kReplicas[] = "store.redis.replicas";
constexpr char kReplicaKeys[] = "store.redis.replica_keys";

constexpr double kMiB = 1024.0 * 1024.0;

}  // namespace

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("store", "Shared state: statistics, history, outbound counters, hold list");
  s.add({kBackend, OptType::kString, "\"lmdb\"",
         "Where state lives: \"lmdb\" (embedded, one file shared by the machine's workers) "
         "or \"redis\" (shared by a fleet of scanners)",
         {}, {}, {"lmdb", "redis"}, false});
  s.add({kPath, OptType::kString, "\"\"",
         "Directory of the embedded store (empty: $DBDIR/store); created if missing", {}, {},
         {}, false});
  s.add({kMapSize, OptType::kSize, "\"1G\"",
         "Initial size of the embedded store's map (disk is used only as data grows)", kMiB,
         1024.0 * 1024 * kMiB, {}, false});
  s.add({kMaxMapSize, OptType::kSize, "\"4G\"",
         "The map grows (doubling) up to this size when full; at or below map_size it never "
         "grows",
         kMiB, 1024.0 * 1024 * kMiB, {}, false});
  s.add({kMaxValueSize, OptType::kSize, "\"1M\"",
         "Longest key, value, map field or distinct member; longer ones fail", 16,
         512 * kMiB, {}, false});
  s.add({kMaxDistinct, OptType::kInt, "1000",
         "Members kept per distinct set; beyond, the least recently seen are evicted", 1,
         10000000, {}, false});
  s.add({kSweepInterval, OptType::kDuration, "\"10s\"",
         "How often expired data is removed from the embedded store (0: never; reads hide it "
         "anyway), and how often it is flushed to disk with sync = \"periodic\"",
         0, 3600, {}, false});
  s.add({kSweepBatch, OptType::kInt, "1000",
         "Records and elements the sweep examines per tick (bounds its work)", 1, 10000000,
         {}, false});
  s.add({kSync, OptType::kString, "\"periodic\"",
         "Embedded store durability: \"periodic\" (flush every sweep_interval; a machine "
         "crash loses the last interval) or \"commit\" (flush at every commit; slower)",
         {}, {}, {"periodic", "commit"}, false});
  s.add({kMaxReaders, OptType::kInt, "256",
         "Reader slots of the embedded store (one per process that uses it)", 8, 65536, {},
         false});
  s.section("store.redis", "Redis servers, when store.backend = \"redis\"");
  s.add({kServers, OptType::kStringList, "[\"127.0.0.1:6379\"]",
         "Redis servers: \"IP:PORT\", \"[IPv6]:PORT\" or a unix socket path; keys are "
         "sharded over several servers. Host names are resolved with a blocking lookup at "
         "each connect",
         {}, {}, {}, false});
  s.add({kPassword, OptType::kString, "\"\"", "Password sent with AUTH (empty: none)", {}, {},
         {}, false});
  s.add({kDb, OptType::kInt, "0", "Database index selected after connecting", 0, 1000000, {},
         false});
  s.add({kPrefix, OptType::kString, "\"mw:\"", "Prepended to every key", {}, {}, {}, false});
  s.add({kTimeout, OptType::kDuration, "\"1s\"",
         "Longest wait for a reply or a connect; then the connection is dropped and retried",
         0.001, 60, {}, false});
  s.add({kMaxPending, OptType::kInt, "10000",
         "Commands in flight per server; more fail at once", 1, 10000000, {}, false});
  s.add({kReconnectMax, OptType::kDuration, "\"5s\"",
         "Longest wait between reconnect attempts (the wait doubles from 100 ms)", 0.1, 300, {},
         false});
  s.add({kSentinels, OptType::kStringList, "[]",
         "Redis Sentinel addresses (\"IP:PORT\"): when set, servers is ignored and the "
         "master of master_name is asked of them, and followed through failovers",
         {}, {}, {}, false});
  s.add({kMasterName, OptType::kString, "\"\"",
         "Name of the master the sentinels monitor (required with sentinels)", {}, {}, {},
         false});
  s.add({kSentinelCheck, OptType::kDuration, "\"1s\"",
         "How often the sentinels are asked which server is the master (a failover is "
         "followed at once through +switch-master; this check is the fallback, and also "
         "finds the master's replicas)",
         0.1, 3600, {}, false});
  s.add({kReplicas, OptType::kStringList, "[]",
         "Read replicas of the one server (\"IP:PORT\"); with sentinels they are "
         "discovered instead. Reads of replica_keys go there, falling back to the master",
         {}, {}, {}, false});
  s.add({kReplicaKeys, OptType::kStringList,
         "[\"bayes1:\", \"stat:\", \"hist\", \"errors\", \"ob:events\"]",
         "Key prefixes (without prefix) whose plain reads a replica may serve, being "
         "harmless when stale by the replication lag: Bayes tokens, /stat counters, history, "
         "errors, outbound events. Hold list, rate counters and profiles always use the "
         "master. Empty: no replica reads",
         {}, {}, {}, false});
}

Result<StoreConfig> config_from(const core::Config& cfg, std::string_view db_dir) {
  if (cfg.schema().find(kBackend) == nullptr) {
    return fail(ErrorCode::kInternal,
                "[store] options are not declared (the app must call store::declare_options)");
  }
  StoreConfig out;
  out.backend = cfg.get_string(kBackend) == "redis" ? Backend::kRedis : Backend::kLmdb;

  Limits limits;
  limits.max_value_size = static_cast<size_t>(cfg.get_size(kMaxValueSize));
  limits.max_distinct = static_cast<size_t>(std::max<int64_t>(cfg.get_int(kMaxDistinct), 1));

  std::string path = cfg.get_string(kPath);
  if (!db_dir.empty()) {
    if (path.empty()) {
      path = std::string(db_dir) + "/store";
    } else if (path.starts_with("$DBDIR")) {
      path = std::string(db_dir) + path.substr(6);
    }
  }
  LmdbOptions& l = out.lmdb;
  l.env.path = path;
  l.env.map_size = cfg.get_size(kMapSize);
  l.env.max_map_size = std::max(cfg.get_size(kMaxMapSize), l.env.map_size);
  l.env.max_readers = static_cast<unsigned>(cfg.get_int(kMaxReaders));
  l.env.sync = cfg.get_string(kSync) == "commit" ? lmdb::Sync::kCommit : lmdb::Sync::kPeriodic;
  l.sweep_interval = cfg.get_duration(kSweepInterval);
  l.sweep_batch = static_cast<size_t>(std::max<int64_t>(cfg.get_int(kSweepBatch), 1));
  l.limits = limits;

  RedisOptions& r = out.redis;
  r.servers = cfg.get_strings(kServers);
  r.sentinels = cfg.get_strings(kSentinels);
  r.master_name = cfg.get_string(kMasterName);
  r.sentinel_check = cfg.get_duration(kSentinelCheck);
  if (out.backend == Backend::kRedis && !r.sentinels.empty()) {
    if (r.master_name.empty()) {
      return fail(ErrorCode::kInvalidInput, "store.redis.sentinels needs store.redis.master_name");
    }
    for (const auto& s : r.sentinels) {
      auto ep = redis::parse_endpoint(s);
      if (!ep) {
        return fail(ErrorCode::kInvalidInput, "store.redis.sentinels: " + ep.error().message);
      }
    }
    if (!cfg.get_strings(kReplicas).empty()) {
      return fail(ErrorCode::kInvalidInput,
                  "store.redis.replicas: not with sentinels (their replicas are discovered)");
    }
  } else if (out.backend == Backend::kRedis) {
    if (r.servers.empty()) {
      return fail(ErrorCode::kInvalidInput, "store.redis.servers is empty");
    }
    for (const auto& s : r.servers) {
      auto ep = redis::parse_endpoint(s);
      if (!ep) {
        return fail(ErrorCode::kInvalidInput, "store.redis.servers: " + ep.error().message);
      }
    }
  }
  r.replicas = cfg.get_strings(kReplicas);
  r.replica_keys = cfg.get_strings(kReplicaKeys);
  if (out.backend == Backend::kRedis && !r.replicas.empty()) {
    if (r.sentinels.empty() && r.servers.size() != 1) {
      return fail(ErrorCode::kInvalidInput,
                  "store.redis.replicas: only with one server (sharded servers have none)");
    }
    for (const auto& s : r.replicas) {
      auto ep = redis::parse_endpoint(s);
      if (!ep) {
        return fail(ErrorCode::kInvalidInput, "store.redis.replicas: " + ep.error().message);
      }
    }
  }
  r.password = cfg.get_string(kPassword);
  r.db = static_cast<int>(cfg.get_int(kDb));
  r.prefix = cfg.get_string(kPrefix);
  r.timeout = cfg.get_duration(kTimeout);
  r.max_pending = static_cast<size_t>(std::max<int64_t>(cfg.get_int(kMaxPending), 1));
  r.reconnect_max = cfg.get_duration(kReconnectMax);
  r.limits = limits;
  return out;
}

Result<StorePtr> open_store(const StoreConfig& config, core::Dispatcher& dispatcher,
                            core::Logger& logger, Clock clock) {
  if (config.backend == Backend::kRedis) {
    auto s = RedisStore::open(config.redis, dispatcher, logger, std::move(clock));
    if (!s) return fail(s.error());
    return StorePtr(std::move(*s));
  }
  if (config.lmdb.env.path.empty()) {
    return fail(ErrorCode::kInvalidInput,
                "store.path is empty and no $DBDIR was given to choose one");
  }
  auto s = LmdbStore::open(config.lmdb, dispatcher, logger, std::move(clock));
  if (!s) return fail(s.error());
  return StorePtr(std::move(*s));
}

}  // namespace mw::store
