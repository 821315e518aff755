#include "outbound/fleet_secret.h"

#include <filesystem>

#include "outbound/secret.h"
#include "store/options.h"
#include "store/redis_sync.h"

namespace mw::outbound {

namespace {

constexpr char kOption[] = "outbound.secret";

std::string file_of(const std::string& db_dir) { return db_dir + "/outbound.secret"; }

// Whether the store is Redis (a schema without [store] options, as in module tests, has
// no shared store).
bool uses_redis(const core::Config& cfg) {
  return cfg.schema().find("store.backend") != nullptr &&
         cfg.get_string("store.backend") == "redis";
}

}  // namespace

Result<std::string> resolve_secret(const core::Config& cfg, const std::string& db_dir) {
  if (std::string s = cfg.get_string(kOption); !s.empty()) return s;
  if (!uses_redis(cfg)) {
    std::error_code ec;
    std::filesystem::create_directories(db_dir, ec);
    return load_or_create_secret(file_of(db_dir));
  }
  auto sc = store::config_from(cfg, db_dir);
  if (!sc) return fail(sc.error());
  std::string seed = read_secret(file_of(db_dir));
  if (seed.empty()) {
    auto fresh = random_secret();
    if (!fresh) return fail(fresh.error());
    seed = std::move(*fresh);
  }
  auto shared = store::redis::set_once(sc->redis, kRedisSecretKey, seed);
  if (!shared) {
    return fail(ErrorCode::kIo,
                "[outbound] the fleet's secret is kept in Redis, which did not answer (" +
                    shared.error().message +
                    "); start once Redis is up, or set [outbound] secret on every scanner");
  }
  if (shared->size() < 32) {
    return fail(ErrorCode::kIo, "[outbound] the fleet's secret in Redis (" +
                                    sc->redis.prefix + std::string(kRedisSecretKey) +
                                    ") is shorter than 32 characters");
  }
  return std::move(*shared);
}

std::vector<std::string> secret_warnings(const core::Config& cfg, const std::string& db_dir) {
  std::vector<std::string> out;
  std::string configured = cfg.get_string(kOption);
  std::string file = read_secret(file_of(db_dir));
  if (!uses_redis(cfg)) {
    if (!configured.empty() && !file.empty() && file != configured) {
      out.push_back("outbound.secret differs from " + file_of(db_dir) +
                    " (the configured one is used)");
    }
    return out;
  }
  auto sc = store::config_from(cfg, db_dir);
  if (!sc) return out;  // start-up reports bad [store] options itself
  std::string key = sc->redis.prefix + std::string(kRedisSecretKey);
  auto shared = store::redis::get_value(sc->redis, kRedisSecretKey);
  if (!shared) {
    out.push_back("cannot compare the outbound secret with the fleet's in Redis (" + key +
                  "): " + shared.error().message);
    return out;
  }
  if (!configured.empty()) {
    if (*shared && **shared != configured) {
      out.push_back("outbound.secret differs from the fleet's secret in Redis (" + key +
                    "): this scanner hashes users, recipients and IPs to other keys than "
                    "scanners without outbound.secret");
    }
    return out;
  }
  if (*shared && !file.empty() && **shared != file) {
    out.push_back(file_of(db_dir) + " differs from the fleet's secret in Redis (" + key +
                  "), which is used: profiles made with the file's secret are not found");
  }
  return out;
}

}  // namespace mw::outbound
