// The two store backends as test parameters: each makes a fresh, isolated store.
//   LmdbBackend   a new environment in a private temporary directory, no sweep timer
//   RedisBackend  one real redis-server per test suite, a fresh key prefix per store
// unavailable() says why a backend cannot run here (the test then skips).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <string>

#include "redis_server.h"
#include "store/lmdb_store.h"
#include "store/redis_store.h"
#include "test_util.h"

namespace mw::store::testing {

class LmdbBackend {
 public:
  static constexpr const char* kName = "lmdb";
  static void suite_up() {}
  static void suite_down() {}
  static std::string unavailable() { return ""; }

  StorePtr make(core::Dispatcher& d, core::Logger& log, Clock clock, Limits limits) {
    LmdbOptions o;
    o.env.path = dir_.path() + "/store";
    o.env.map_size = uint64_t{64} << 20;
    o.env.max_map_size = o.env.map_size;
    o.sweep_interval = 0;
    o.limits = limits;
    auto s = LmdbStore::open(o, d, log, std::move(clock));
    return s ? StorePtr(std::move(*s)) : nullptr;
  }

 private:
  TempDir dir_;
};

class RedisBackend {
 public:
  static constexpr const char* kName = "redis";
  static void suite_up() {
    ::signal(SIGPIPE, SIG_IGN);
    if (RedisServer::binary().empty()) return;
    server() = std::make_unique<RedisServer>();
    if (!server()->start()) server().reset();
  }
  static void suite_down() { server().reset(); }
  static std::string unavailable() {
    if (RedisServer::binary().empty()) return "redis-server is not installed";
    if (!server()) return "redis-server could not be started";
    return "";
  }

  StorePtr make(core::Dispatcher& d, core::Logger& log, Clock clock, Limits limits) {
    RedisOptions o;
    o.servers = {server()->address()};
    o.prefix = "t" + std::to_string(++counter()) + ":";
    o.timeout = 2;
    o.limits = limits;
    auto s = RedisStore::open(o, d, log, std::move(clock));
    return s ? StorePtr(std::move(*s)) : nullptr;
  }

 private:
  // One server for the whole suite (test-only state, set up and torn down by gtest).
  static std::unique_ptr<RedisServer>& server() {
    static std::unique_ptr<RedisServer> s;
    return s;
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

// The type list of typed test suites running on both backends, named after them.
using Backends = ::testing::Types<LmdbBackend, RedisBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

}  // namespace mw::store::testing
