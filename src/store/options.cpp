#include "store/options.h"

#include <algorithm>

#include "core/option_table.h"

namespace mw::store {

namespace {

constexpr char kPrefix[] = "store";
constexpr char kRedisPrefix[] = "store.redis";
constexpr char kBackend[] = "store.backend";
constexpr char kPath[] = "store.path";
constexpr char kSync[] = "store.sync";

constexpr double kMiB = 1024.0 * 1024.0;

using S = StoreConfig;
using L = LmdbOptions;
using E = lmdb::EnvOptions;
using R = RedisOptions;

// Rows with a null reader are read by config_from. Nothing here is reloadable: the store is
// opened once, by the master.
core::OptionTable<S> table() {
  using core::bind;
  using core::OptType;
  return {kPrefix, "Shared state: statistics, history, outbound counters, hold list", {
      {nullptr,
       {"backend", OptType::kString, "\"lmdb\"",
        "Where state lives: \"lmdb\" (embedded, one file shared by the machine's workers) "
        "or \"redis\" (shared by a fleet of scanners)",
        {}, {}, {"lmdb", "redis"}, false}},
      {nullptr,
       {"path", OptType::kString, "\"\"",
        "Directory of the embedded store (empty: $DBDIR/store); created if missing", {}, {},
        {}, false}},
      {bind<&S::lmdb, &L::env, &E::map_size>,
       {"map_size", OptType::kSize, "\"1G\"",
        "Initial size of the embedded store's map (disk is used only as data grows)", kMiB,
        1024.0 * 1024 * kMiB, {}, false}},
      {bind<&S::lmdb, &L::env, &E::max_map_size>,
       {"max_map_size", OptType::kSize, "\"4G\"",
        "The map grows (doubling) up to this size when full; at or below map_size it never "
        "grows",
        kMiB, 1024.0 * 1024 * kMiB, {}, false}},
      {bind<&S::lmdb, &L::limits, &Limits::max_value_size>,
       {"max_value_size", OptType::kSize, "\"1M\"",
        "Longest key, value, map field or distinct member; longer ones fail", 16, 512 * kMiB,
        {}, false}},
      {bind<&S::lmdb, &L::limits, &Limits::max_distinct>,
       {"max_distinct", OptType::kInt, "1000",
        "Members kept per distinct set; beyond, the least recently seen are evicted", 1,
        10000000, {}, false}},
      {bind<&S::lmdb, &L::sweep_interval>,
       {"sweep_interval", OptType::kDuration, "\"10s\"",
        "How often expired data is removed from the embedded store (0: never; reads hide it "
        "anyway), and how often it is flushed to disk with sync = \"periodic\"",
        0, 3600, {}, false}},
      {bind<&S::lmdb, &L::sweep_batch>,
       {"sweep_batch", OptType::kInt, "1000",
        "Records and elements the sweep examines per tick (bounds its work)", 1, 10000000, {},
        false}},
      {nullptr,
       {"sync", OptType::kString, "\"periodic\"",
        "Embedded store durability: \"periodic\" (flush every sweep_interval; a machine "
        "crash loses the last interval) or \"commit\" (flush at every commit; slower)",
        {}, {}, {"periodic", "commit"}, false}},
      {bind<&S::lmdb, &L::env, &E::max_readers>,
       {"max_readers", OptType::kInt, "256",
        "Reader slots of the embedded store (one per process that uses it)", 8, 65536, {},
        false}},
      {bind<&S::lmdb, &L::mirror_rows>,
       {"counts_memory_rows", OptType::kInt, "1000000",
        "Rows of count tables (the Bayes statistics) each process of the embedded store "
        "keeps in memory, kept exact through the tables' change logs: a classification then "
        "reads no LMDB rows (16 to 32 bytes a row; larger tables are read from LMDB; 0: "
        "never)",
        0, 1e9, {}, false}},
  }};
}

core::OptionTable<R> redis_table() {
  using core::OptType;
  return {kRedisPrefix, "Redis servers, when store.backend = \"redis\"", {
      {&R::servers,
       {"servers", OptType::kStringList, "[\"127.0.0.1:6379\"]",
        "Redis servers: \"IP:PORT\", \"[IPv6]:PORT\" or a unix socket path; keys are "
        "sharded over several servers. Host names are resolved with a blocking lookup at "
        "each connect",
        {}, {}, {}, false}},
      {&R::password,
       {"password", OptType::kString, "\"\"", "Password sent with AUTH (empty: none)", {}, {},
        {}, false}},
      {&R::db,
       {"db", OptType::kInt, "0", "Database index selected after connecting", 0, 1000000, {},
        false}},
      {&R::prefix,
       {"prefix", OptType::kString, "\"mw:\"", "Prepended to every key", {}, {}, {}, false}},
      {&R::timeout,
       {"timeout", OptType::kDuration, "\"1s\"",
        "Longest wait for a reply or a connect; then the connection is dropped and retried",
        0.001, 60, {}, false}},
      {&R::max_pending,
       {"max_pending", OptType::kInt, "10000", "Commands in flight per server; more fail at once",
        1, 10000000, {}, false}},
      {&R::reconnect_max,
       {"reconnect_max", OptType::kDuration, "\"5s\"",
        "Longest wait between reconnect attempts (the wait doubles from 100 ms)", 0.1, 300, {},
        false}},
      {&R::sentinels,
       {"sentinels", OptType::kStringList, "[]",
        "Redis Sentinel addresses (\"IP:PORT\"): when set, servers is ignored and the "
        "master of master_name is asked of them, and followed through failovers",
        {}, {}, {}, false}},
      {&R::master_name,
       {"master_name", OptType::kString, "\"\"",
        "Name of the master the sentinels monitor (required with sentinels)", {}, {}, {},
        false}},
      {&R::sentinel_check,
       {"sentinel_check", OptType::kDuration, "\"1s\"",
        "How often the sentinels are asked which server is the master (a failover is "
        "followed within about this; errors ask at once)",
        0.1, 60, {}, false}},
      {&R::replicas,
       {"replicas", OptType::kStringList, "[]",
        "Read replicas of the one server (\"IP:PORT\"); with sentinels they are discovered "
        "instead. Reads of replica_keys go there, falling back to the master",
        {}, {}, {}, false}},
      {&R::replica_keys,
       {"replica_keys", OptType::kStringList,
        "[\"bayes1:\", \"stat:\", \"hist\", \"errors\", \"ob:events\"]",
        "Key prefixes (without prefix) whose plain reads a replica may serve, being harmless "
        "when stale by the replication lag: Bayes tokens, /stat counters, history, errors, "
        "outbound events. Hold list, rate counters and profiles always use the master. Empty: "
        "no replica reads",
        {}, {}, {}, false}},
  }};
}


// Every address of `list` parses as a Redis endpoint; the error names the option.
Status check_endpoints(const std::vector<std::string>& list, std::string_view option) {
  for (const auto& s : list) {
    auto ep = redis::parse_endpoint(s);
    if (!ep) return fail(ErrorCode::kInvalidInput, std::string(option) + ": " + ep.error().message);
  }
  return {};
}

}  // namespace

void declare_options(core::Schema& s) {
  table().declare(s);
  redis_table().declare(s);
}

Result<StoreConfig> config_from(const core::Config& cfg, std::string_view db_dir) {
  if (cfg.schema().find(kBackend) == nullptr) {
    return fail(ErrorCode::kInternal,
                "[store] options are not declared (the app must call store::declare_options)");
  }
  StoreConfig out = table().read(cfg);
  redis_table().read(cfg, out.redis);
  out.backend = cfg.get_string(kBackend) == "redis" ? Backend::kRedis : Backend::kLmdb;

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
  l.env.max_map_size = std::max(l.env.max_map_size, l.env.map_size);
  l.env.sync = cfg.get_string(kSync) == "commit" ? lmdb::Sync::kCommit : lmdb::Sync::kPeriodic;

  RedisOptions& r = out.redis;
  r.limits = l.limits;
  if (out.backend == Backend::kRedis && !r.sentinels.empty()) {
    if (r.master_name.empty()) {
      return fail(ErrorCode::kInvalidInput, "store.redis.sentinels needs store.redis.master_name");
    }
    MW_TRY(check_endpoints(r.sentinels, "store.redis.sentinels"));
    if (!r.replicas.empty()) {
      return fail(ErrorCode::kInvalidInput,
                  "store.redis.replicas: not with sentinels (their replicas are discovered)");
    }
  } else if (out.backend == Backend::kRedis) {
    if (r.servers.empty()) {
      return fail(ErrorCode::kInvalidInput, "store.redis.servers is empty");
    }
    MW_TRY(check_endpoints(r.servers, "store.redis.servers"));
  }
  if (out.backend == Backend::kRedis && !r.replicas.empty()) {
    if (r.servers.size() != 1) {
      return fail(ErrorCode::kInvalidInput,
                  "store.redis.replicas: only with one server (sharded servers have none)");
    }
    MW_TRY(check_endpoints(r.replicas, "store.redis.replicas"));
  }
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
