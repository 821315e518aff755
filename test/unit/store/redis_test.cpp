// RedisStore beyond the shared contract, against real redis-server processes: the server
// going away and coming back, a server that stops answering, one that is not there,
// AUTH and SELECT, the key prefix and layout, sharding, a flushed script cache.
#include <gtest/gtest.h>
#include <signal.h>

#include <optional>
#include <string>
#include <vector>

#include "need_tool.h"
#include "redis_server.h"
#include "store/redis_store.h"
#include "store/redis_sync.h"
#include "test_util.h"

namespace mw::store {
namespace {

using testing::RedisServer;
using testing::run_until;

constexpr double kT0 = 1'700'000'000.0;

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);
    MW_NEED_TOOL(!RedisServer::binary().empty(), "redis-server is not installed");
  }

  std::unique_ptr<RedisServer> server(std::vector<std::string> extra = {}) {
    auto s = std::make_unique<RedisServer>(std::move(extra));
    EXPECT_TRUE(s->start()) << "redis-server did not start";
    return s;
  }

  std::unique_ptr<RedisStore> open(RedisOptions o) {
    o.reconnect_min = 0.05;
    o.reconnect_max = 0.2;
    auto s = RedisStore::open(o, d_, log_, [this] { return now_; });
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }

  template <typename T, typename Start>
  Result<T> wait(Start start, double seconds = 10) {
    std::optional<Result<T>> got;
    OpPtr op = start([&](Result<T> r) { got.emplace(std::move(r)); });
    EXPECT_TRUE(run_until(d_, [&] { return got.has_value(); }, seconds)) << "no callback";
    if (!got) return fail(ErrorCode::kTimeout, "test: no callback");
    return std::move(*got);
  }
  Status set(Store& s, const std::string& k, const std::string& v, double ttl = 0) {
    return wait<void>([&](auto cb) { return s.set(k, v, ttl, cb); });
  }
  Result<std::optional<std::string>> get(Store& s, const std::string& k) {
    return wait<std::optional<std::string>>([&](auto cb) { return s.get(k, cb); });
  }
  Result<int64_t> incr(Store& s, const std::string& k) {
    return wait<int64_t>([&](auto cb) { return s.incr(k, 1, 0, cb); });
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  double now_ = kT0;
};

TEST_F(RedisStoreTest, ServerGoesAwayAndComesBack) {
  auto srv = server();
  RedisOptions o;
  o.servers = {srv->address()};
  o.timeout = 0.5;
  auto store = open(o);
  ASSERT_TRUE(set(*store, "k", "v"));
  EXPECT_EQ(store->connected_servers(), 1u);

  srv->stop();
  // Every operation fails, quickly: none hangs, none crashes.
  int failures = 0;
  for (int i = 0; i < 10; ++i) {
    double start = d_.monotonic();
    auto r = get(*store, "k");
    double took = d_.monotonic() - start;
    EXPECT_LT(took, 1.0);
    if (!r) {
      ++failures;
      EXPECT_TRUE(r.error().code == ErrorCode::kIo || r.error().code == ErrorCode::kTimeout)
          << r.error().message;
    }
    testing::run_for(d_, 0.05);
  }
  EXPECT_EQ(failures, 10);
  EXPECT_EQ(store->connected_servers(), 0u);
  // One outage, every failed operation counted.
  Store::Health h = store->health();
  EXPECT_FALSE(h.available);
  EXPECT_EQ(h.outages, 1u);
  EXPECT_EQ(h.failed, 10u);
  EXPECT_EQ(h.failed_now, 10u);
  EXPECT_EQ(h.down_since, kT0);
  EXPECT_FALSE(h.last_error.empty());

  ASSERT_TRUE(srv->start());  // same port, empty data (no persistence)
  bool back = run_until(d_, [&] { return store->connected_servers() == 1; }, 5);
  ASSERT_TRUE(back) << "did not reconnect";
  EXPECT_TRUE(set(*store, "k", "again"));
  EXPECT_EQ(*get(*store, "k"), std::optional<std::string>("again"));
  EXPECT_EQ(*incr(*store, "n"), 1);  // scripts are loaded again (NOSCRIPT fallback)
  h = store->health();
  EXPECT_TRUE(h.available);
  EXPECT_EQ(h.outages, 1u);
  EXPECT_EQ(h.failed, 10u);
  EXPECT_EQ(h.failed_now, 0u);
}

TEST_F(RedisStoreTest, SetOnceKeepsTheFirstValue) {
  auto srv = server();
  RedisOptions o;
  o.servers = {srv->address()};
  o.prefix = "once:";
  EXPECT_EQ(*redis::get_value(o, "ob:secret"), std::nullopt);
  EXPECT_EQ(*redis::set_once(o, "ob:secret", "first"), "first");
  EXPECT_EQ(*redis::set_once(o, "ob:secret", "second"), "first");
  EXPECT_EQ(*redis::get_value(o, "ob:secret"), std::optional<std::string>("first"));
  // Stored as a store value: the asynchronous store reads it too.
  auto store = open(o);
  EXPECT_EQ(*get(*store, "ob:secret"), std::optional<std::string>("first"));
  srv->stop();
  auto r = redis::set_once(o, "ob:secret", "third");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
}

TEST_F(RedisStoreTest, ServerThatStopsAnsweringTimesOut) {
  auto srv = server();
  RedisOptions o;
  o.servers = {srv->address()};
  o.timeout = 0.3;
  auto store = open(o);
  ASSERT_TRUE(set(*store, "k", "v"));
  srv->pause();
  double start = d_.monotonic();
  auto r = get(*store, "k");
  double took = d_.monotonic() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_GE(took, 0.25);
  EXPECT_LT(took, 2.0);
  // Meanwhile operations fail at once or time out; never hang.
  auto r2 = get(*store, "k");
  EXPECT_FALSE(r2);
  srv->resume();
  bool ok = run_until(
      d_,
      [&] {
        auto again = get(*store, "k");
        return again && *again == std::optional<std::string>("v");
      },
      5);
  EXPECT_TRUE(ok);
}

TEST_F(RedisStoreTest, NoServerFailsFast) {
  RedisOptions o;
  o.servers = {"127.0.0.1:1"};  // nothing listens on port 1
  o.timeout = 0.5;
  auto store = open(o);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 5; ++i) {
    double start = d_.monotonic();
    auto r = set(*store, "k", "v");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kIo) << r.error().message;
    EXPECT_LT(d_.monotonic() - start, 0.6);
  }
}

TEST_F(RedisStoreTest, PasswordAndDatabase) {
  auto srv = server({"--requirepass", "s3cret"});
  RedisOptions o;
  o.servers = {srv->address()};
  o.password = "s3cret";
  o.prefix = "p:";
  o.db = 3;
  auto db3 = open(o);
  o.db = 0;
  auto db0 = open(o);
  ASSERT_TRUE(set(*db3, "k", "in three"));
  EXPECT_EQ(*get(*db3, "k"), std::optional<std::string>("in three"));
  EXPECT_EQ(*get(*db0, "k"), std::nullopt);
  EXPECT_EQ(srv->command({"DBSIZE"}), "0");  // the test client uses db 0

  o.password = "wrong";
  auto bad = open(o);
  auto r = set(*bad, "k", "v");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  o.password = "";
  auto none = open(o);
  EXPECT_FALSE(set(*none, "k", "v"));
}

TEST_F(RedisStoreTest, PrefixAndLayout) {
  auto srv = server();
  RedisOptions o;
  o.servers = {srv->address()};
  o.prefix = "pfx:";
  auto store = open(o);
  ASSERT_TRUE(set(*store, "k", "v"));
  EXPECT_EQ(srv->command({"GET", "pfx:k"}), std::string("\x01" "0:v"));
  ASSERT_TRUE(set(*store, "t", "v", 100));
  int64_t pttl = std::stoll(srv->command({"PTTL", "pfx:t"}));
  EXPECT_GT(pttl, 99000);
  EXPECT_LE(pttl, 101000);  // stored expiry + 1 s of slack
  // A value written by something else is not read as ours.
  srv->command({"SET", "pfx:foreign", "plain"});
  auto r = get(*store, "foreign");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  // Windows and distinct sets get Redis TTLs too.
  ASSERT_TRUE(wait<double>([&](auto cb) { return store->window_add("w", 1, 60, cb); }));
  EXPECT_GT(std::stoll(srv->command({"PTTL", "pfx:w"})), 0);
  ASSERT_TRUE(wait<Store::DistinctResult>(
      [&](auto cb) { return store->distinct_add("d", "m", 60, cb); }));
  EXPECT_GT(std::stoll(srv->command({"PTTL", "pfx:d"})), 0);
  EXPECT_EQ(srv->command({"TYPE", "pfx:d"}), "zset");
}

TEST_F(RedisStoreTest, KeysAreShardedOverServers) {
  auto a = server();
  auto b = server();
  RedisOptions o;
  o.servers = {a->address(), b->address()};
  o.prefix = "";
  auto store = open(o);
  size_t on_a = 0;
  for (int i = 0; i < 200; ++i) {
    std::string k = "key" + std::to_string(i);
    ASSERT_TRUE(set(*store, k, std::to_string(i)));
    if (store->shard_of(k) == 0) ++on_a;
  }
  EXPECT_EQ(a->command({"DBSIZE"}), std::to_string(on_a));
  EXPECT_EQ(b->command({"DBSIZE"}), std::to_string(200 - on_a));
  EXPECT_GT(on_a, 50u);
  EXPECT_LT(on_a, 150u);
  for (int i = 0; i < 200; ++i) {
    std::string k = "key" + std::to_string(i);
    EXPECT_EQ(*get(*store, k), std::optional<std::string>(std::to_string(i)));
  }
  // One server down: its keys fail, the others still work.
  b->stop();
  int failed = 0, worked = 0;
  for (int i = 0; i < 40; ++i) {
    std::string k = "key" + std::to_string(i);
    if (get(*store, k)) {
      ++worked;
      EXPECT_EQ(store->shard_of(k), 0u);
    } else {
      ++failed;
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(worked, 0);
}

TEST_F(RedisStoreTest, FlushedScriptCacheIsReloaded) {
  auto srv = server();
  RedisOptions o;
  o.servers = {srv->address()};
  auto store = open(o);
  EXPECT_EQ(*incr(*store, "c"), 1);
  EXPECT_EQ(srv->command({"SCRIPT", "FLUSH"}), "OK");
  EXPECT_EQ(*incr(*store, "c"), 2);
  EXPECT_EQ(*incr(*store, "c"), 3);
}

TEST_F(RedisStoreTest, BadServerAddressesAreRejected) {
  RedisOptions o;
  o.servers = {"127.0.0.1:99999"};
  EXPECT_FALSE(RedisStore::open(o, d_, log_, [] { return kT0; }));
  o.servers = {};
  EXPECT_FALSE(RedisStore::open(o, d_, log_, [] { return kT0; }));
  o.servers = {"[::1"};
  EXPECT_FALSE(RedisStore::open(o, d_, log_, [] { return kT0; }));
}

}  // namespace
}  // namespace mw::store
