// Store throughput per operation kind, for both backends (src/store).
//
//   store_bench [ops]         default 20000 operations per kind
//
// For each backend and operation: "pipelined" keeps 256 operations in flight (what a busy
// worker does), "one by one" waits for each answer (latency). LMDB runs in a temporary
// directory with the default sync mode (periodic); Redis on a private redis-server started
// here (skipped when redis-server is not installed). Keys are spread over 1,000 names.
#include <signal.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "../test/unit/store/redis_server.h"
#include "../test/unit/store/test_util.h"
#include "store/lmdb_store.h"
#include "store/redis_store.h"

namespace mw::store {
namespace {

using testing::run_until;

double wall_now() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Start operation number i; call done(ok) when it completes.
using Starter = std::function<OpPtr(Store&, int i, std::function<void(bool)> done)>;

struct Kind {
  const char* name;
  Starter start;
};

std::string key(const char* prefix, int i) { return prefix + std::to_string(i % 1000); }

std::vector<Kind> kinds() {
  std::string value(100, 'v');
  return {
      {"set", [value](Store& s, int i, auto done) {
         return s.set(key("s", i), value, 3600, [done](Status r) { done(bool(r)); });
       }},
      {"get", [](Store& s, int i, auto done) {
         return s.get(key("s", i), [done](auto r) { done(bool(r)); });
       }},
      {"incr", [](Store& s, int i, auto done) {
         return s.incr(key("c", i), 1, 3600, [done](auto r) { done(bool(r)); });
       }},
      {"window_add", [](Store& s, int i, auto done) {
         return s.window_add(key("w", i), 1, 3600, [done](auto r) { done(bool(r)); });
       }},
      {"distinct_add", [](Store& s, int i, auto done) {
         return s.distinct_add(key("d", i), "member" + std::to_string(i % 97), 3600,
                               [done](auto r) { done(bool(r)); });
       }},
      {"distinct_members", [](Store& s, int i, auto done) {
         return s.distinct_members(key("d", i), 3600, 20, [done](auto r) { done(bool(r)); });
       }},
      {"list_push", [value](Store& s, int i, auto done) {
         return s.list_push(key("l", i), value, 100, 0, [done](Status r) { done(bool(r)); });
       }},
      {"list_range(10)", [](Store& s, int i, auto done) {
         return s.list_range(key("l", i), 0, 10, [done](auto r) { done(bool(r)); });
       }},
      {"map_set", [value](Store& s, int i, auto done) {
         return s.map_set(key("m", i), "f" + std::to_string(i % 10), value, 3600,
                          [done](Status r) { done(bool(r)); });
       }},
      {"map_get", [](Store& s, int i, auto done) {
         return s.map_get(key("m", i), "f" + std::to_string(i % 10),
                          [done](auto r) { done(bool(r)); });
       }},
      {"map_all(10)", [](Store& s, int i, auto done) {
         return s.map_all(key("m", i), [done](auto r) { done(bool(r)); });
       }},
  };
}

// Operations per second with `window` in flight; failures are counted in *failed.
double measure(core::Dispatcher& d, Store& s, const Starter& start, int n, int window,
               int* failed) {
  int issued = 0, completed = 0;
  std::vector<OpPtr> ops;
  ops.reserve(static_cast<size_t>(n));
  std::function<void()> top_up;
  auto done = [&](bool ok) {
    ++completed;
    if (!ok) ++(*failed);
  };
  auto t0 = std::chrono::steady_clock::now();
  while (completed < n) {
    while (issued < n && issued - completed < window) ops.push_back(start(s, issued++, done));
    int target = std::min(n, completed + 1);
    if (!run_until(d, [&] { return completed >= target; }, 30)) break;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return completed / secs;
}

void run_backend(const char* name, core::Dispatcher& d, Store& s, int n) {
  std::printf("\n%s\n%-18s %14s %14s\n", name, "operation", "pipelined/s", "one by one/s");
  for (const auto& k : kinds()) {
    int failed = 0;
    double piped = measure(d, s, k.start, n, 256, &failed);
    double serial = measure(d, s, k.start, std::max(n / 10, 100), 1, &failed);
    std::printf("%-18s %14.0f %14.0f%s\n", k.name, piped, serial,
                failed > 0 ? "  (failures!)" : "");
  }
}

}  // namespace
}  // namespace mw::store

int main(int argc, char** argv) {
  using namespace mw;
  using namespace mw::store;
  ::signal(SIGPIPE, SIG_IGN);
  int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  core::Dispatcher d;
  core::Logger log(core::LogLevel::kWarn);
  {
    testing::TempDir dir;
    LmdbOptions o;
    o.env.path = dir.path() + "/store";
    auto s = LmdbStore::open(o, d, log, wall_now);
    if (!s) {
      std::fprintf(stderr, "lmdb: %s\n", s.error().message.c_str());
      return 1;
    }
    run_backend("lmdb (sync = periodic)", d, **s, n);
  }
  if (testing::RedisServer::binary().empty()) {
    std::printf("\nredis: skipped (redis-server is not installed)\n");
    return 0;
  }
  testing::RedisServer server;
  if (!server.start()) {
    std::fprintf(stderr, "redis: the server did not start\n");
    return 1;
  }
  RedisOptions o;
  o.servers = {server.address()};
  auto s = RedisStore::open(o, d, log, wall_now);
  if (!s) {
    std::fprintf(stderr, "redis: %s\n", s.error().message.c_str());
    return 1;
  }
  run_backend("redis (one local server, TCP)", d, **s, n);
  return 0;
}
