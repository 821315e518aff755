// RedisStore read replicas against real redis-server processes (one master, one replica
// started with --replicaof): which reads a replica serves, that a key only the replica holds
// is what the store reads, fallback to the master when the replica is down; and the
// +switch-master subscription used to follow Sentinel failovers (a plain redis-server
// stands in for the sentinel: the watch only subscribes, and PUBLISH delivers the message).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "need_tool.h"
#include "redis_server.h"
#include "store/redis_scripts.h"
#include "store/redis_store.h"
#include "store/redis_watch.h"
#include "test_util.h"

namespace mw::store {
namespace {

using testing::RedisServer;
using testing::run_until;

constexpr double kT0 = 1'700'000'000.0;

// Calls of one command on a server, from INFO commandstats (0 when never called).
long calls(const RedisServer& s, const std::string& cmd) {
  std::string info = s.command({"INFO", "commandstats"});
  std::string tag = "cmdstat_" + cmd + ":calls=";
  size_t at = info.find(tag);
  return at == std::string::npos ? 0 : std::stol(info.substr(at + tag.size()));
}

class RedisReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);
    MW_NEED_TOOL(!RedisServer::binary().empty(), "redis-server is not installed");
    // No 5 s wait before the replica's first sync.
    master_ = std::make_unique<RedisServer>(
        std::vector<std::string>{"--repl-diskless-sync-delay", "0"});
    ASSERT_TRUE(master_->start());
    // Writable, so that a key can be put on the replica alone; replication still runs.
    replica_ = std::make_unique<RedisServer>(std::vector<std::string>{
        "--replicaof", "127.0.0.1", std::to_string(master_->port()), "--replica-read-only",
        "no"});
    ASSERT_TRUE(replica_->start());
    wait_for_sync();
  }

  // Polled: the replica's state is not an event on our loop.
  void wait_for_sync() {
    for (int i = 0; i < 200; ++i) {
      if (replica_->command({"INFO", "replication"}).find("master_link_status:up") !=
          std::string::npos) {
        return;
      }
      ::usleep(50000);
    }
    FAIL() << "the replica did not sync";
  }

  std::unique_ptr<RedisStore> open(std::vector<std::string> replica_keys = {"bayes1:", "hist"}) {
    RedisOptions o;
    o.servers = {master_->address()};
    o.replicas = {replica_->address()};
    o.replica_keys = std::move(replica_keys);
    o.reconnect_min = 0.05;
    o.reconnect_max = 0.2;
    auto s = RedisStore::open(o, d_, log_, [this] { return now_; });
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    if (!s) return nullptr;
    if (!o.replica_keys.empty()) {
      EXPECT_TRUE(run_until(d_, [&] { return (*s)->connected_replicas() == 1; }, 10));
    }
    return std::move(*s);
  }

  template <typename T, typename Start>
  Result<T> wait(Start start) {
    std::optional<Result<T>> got;
    OpPtr op = start([&](Result<T> r) { got.emplace(std::move(r)); });
    EXPECT_TRUE(run_until(d_, [&] { return got.has_value(); }, 10)) << "no callback";
    if (!got) return fail(ErrorCode::kTimeout, "test: no callback");
    return std::move(*got);
  }
  std::optional<std::string> get(Store& s, const std::string& k) {
    auto r = wait<std::optional<std::string>>([&](auto cb) { return s.get(k, cb); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::nullopt;
  }
  // Wait until the store key `key` reached the replica (WAIT would not do: it waits for
  // the writes of its own connection, and each command() is a new one).
  void replicate(const std::string& key) {
    for (int i = 0; i < 200; ++i) {
      if (replica_->command({"EXISTS", "mw:" + key}) == "1") return;
      ::usleep(20000);
    }
    ADD_FAILURE() << key << " did not reach the replica";
  }
  // Put a store value on the replica only.
  void on_replica_only(const std::string& key, const std::string& value) {
    EXPECT_EQ(replica_->command({"SET", "mw:" + key, redis::encode_entry(0, value)}), "OK");
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  double now_ = kT0;
  std::unique_ptr<RedisServer> master_;
  std::unique_ptr<RedisServer> replica_;
};

TEST_F(RedisReplicaTest, ReadsOfReplicaKeysAreServedByTheReplica) {
  auto store = open();
  ASSERT_TRUE(store);
  // A key only the replica holds: the store reads it there.
  on_replica_only("bayes1:only", "from the replica");
  on_replica_only("ob:only", "from the replica");
  EXPECT_EQ(get(*store, "bayes1:only"), std::optional<std::string>("from the replica"));
  EXPECT_EQ(store->replica_reads(), 1u);
  // Keys outside replica_keys are read from the master, which does not have it.
  EXPECT_EQ(get(*store, "ob:only"), std::nullopt);
  EXPECT_EQ(store->replica_reads(), 1u);

  // Written through the master (replicated), read on the replica: counts, lists.
  ASSERT_TRUE(wait<void>([&](auto cb) { return store->counts_add("bayes1:t", {7, 9}, 2, 1, cb); }));
  ASSERT_TRUE(wait<void>([&](auto cb) { return store->list_push("hist", "row1", 10, 0, cb); }));
  ASSERT_TRUE(wait<void>([&](auto cb) { return store->list_push("hist", "row2", 10, 0, cb); }));
  replicate("bayes1:t");
  for (int i = 0; i < 200 && replica_->command({"LLEN", "mw:hist"}) != "2"; ++i) ::usleep(20000);
  long master_hmget = calls(*master_, "hmget"), master_lrange = calls(*master_, "lrange");
  auto rows = wait<std::vector<Store::CountRow>>(
      [&](auto cb) { return store->counts_get("bayes1:t", {7, 8}, cb); });
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].a, 2u);
  EXPECT_EQ((*rows)[1].a, 0u);
  auto list = wait<std::vector<std::string>>(
      [&](auto cb) { return store->list_range("hist", 0, 10, cb); });
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<std::string>{"row2", "row1"}));
  EXPECT_EQ(store->replica_reads(), 3u);
  EXPECT_GE(calls(*replica_, "hmget"), 1);
  EXPECT_GE(calls(*replica_, "lrange"), 1);
  EXPECT_EQ(calls(*master_, "hmget"), master_hmget);
  EXPECT_EQ(calls(*master_, "lrange"), master_lrange);
  // A list from an offset and map reads stay on the master (scripts, the hold list).
  list = wait<std::vector<std::string>>(
      [&](auto cb) { return store->list_range("hist", 1, 10, cb); });
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<std::string>{"row1"}));
  EXPECT_EQ(store->replica_reads(), 3u);
}

TEST_F(RedisReplicaTest, ExpiredListsAreEmptyOnTheReplicaToo) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(wait<void>([&](auto cb) { return store->list_push("hist", "old", 10, 60, cb); }));
  replicate("hist");
  now_ += 120;  // past the entries' expiry, which Redis has not applied yet (PX is 60 s)
  auto list = wait<std::vector<std::string>>(
      [&](auto cb) { return store->list_range("hist", 0, 10, cb); });
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(store->replica_reads(), 1u);
}

TEST_F(RedisReplicaTest, ReplicaDownFallsBackToTheMaster) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(wait<void>([&](auto cb) { return store->set("bayes1:k", "v", 0, cb); }));
  replicate("bayes1:k");
  EXPECT_EQ(get(*store, "bayes1:k"), std::optional<std::string>("v"));
  EXPECT_EQ(store->replica_reads(), 1u);
  replica_->stop();
  // Whether the store noticed yet or not, every read is answered, by the master.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get(*store, "bayes1:k"), std::optional<std::string>("v"));
  EXPECT_EQ(store->replica_reads(), 1u);
  EXPECT_TRUE(store->health().available);  // a replica is not the store
  // A replica that does not answer (stopped process): the read times out there and the
  // master answers.
  ASSERT_TRUE(replica_->start());
  wait_for_sync();
  ASSERT_TRUE(run_until(d_, [&] { return store->connected_replicas() == 1; }, 10));
  EXPECT_EQ(get(*store, "bayes1:k"), std::optional<std::string>("v"));
  EXPECT_EQ(store->replica_reads(), 2u);
  replica_->pause();
  EXPECT_EQ(get(*store, "bayes1:k"), std::optional<std::string>("v"));
  EXPECT_EQ(store->replica_reads(), 2u);
  replica_->resume();
}

TEST_F(RedisReplicaTest, NoReplicaKeysNoReplicaReads) {
  auto store = open({});
  ASSERT_TRUE(store);
  EXPECT_EQ(store->replicas(), 0u);
  on_replica_only("bayes1:only", "from the replica");
  EXPECT_EQ(get(*store, "bayes1:only"), std::nullopt);
}

TEST_F(RedisReplicaTest, ReplicasNeedOneServer) {
  RedisOptions o;
  o.servers = {master_->address(), replica_->address()};
  o.replicas = {replica_->address()};
  auto s = RedisStore::open(o, d_, log_, [this] { return now_; });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
}

TEST(SwitchWatch, HearsSwitchesForItsMasterAndResubscribes) {
  ::signal(SIGPIPE, SIG_IGN);
  MW_NEED_TOOL(!RedisServer::binary().empty(), "redis-server is not installed");
  RedisServer sentinel;
  ASSERT_TRUE(sentinel.start());
  core::Dispatcher d;
  core::Logger log(core::LogLevel::kSilent);
  auto ep = redis::parse_endpoint(sentinel.address());
  ASSERT_TRUE(ep);
  redis::ConnOptions opts;
  opts.reconnect_min = 0.05;
  opts.reconnect_max = 0.2;
  std::vector<std::string> heard;
  redis::SwitchWatch watch(d, log, {*ep}, "mw", opts,
                           [&](redis::Endpoint m, const redis::Endpoint& from) {
                             heard.push_back(m.to_string() + " from " + from.to_string());
                           });
  ASSERT_TRUE(run_until(d, [&] { return watch.subscribed() == 1; }, 10));
  auto publish = [&](const std::string& msg) {
    EXPECT_EQ(sentinel.command({"PUBLISH", "+switch-master", msg}), "1");
  };
  publish("other 127.0.0.1 6379 127.0.0.9 6380");  // another master: ignored
  publish("mw 127.0.0.1 6379 127.0.0.2 6380");
  ASSERT_TRUE(run_until(d, [&] { return !heard.empty(); }, 10));
  EXPECT_EQ(heard, (std::vector<std::string>{"127.0.0.2:6380 from " + sentinel.address()}));
  // The sentinel restarts: the watch subscribes again and hears the next switch.
  sentinel.stop();
  ASSERT_TRUE(run_until(d, [&] { return watch.subscribed() == 0; }, 10));
  ASSERT_TRUE(sentinel.start());
  ASSERT_TRUE(run_until(d, [&] { return watch.subscribed() == 1; }, 10));
  publish("mw 127.0.0.2 6380 127.0.0.3 6381");
  ASSERT_TRUE(run_until(d, [&] { return heard.size() == 2; }, 10));
  EXPECT_EQ(heard[1], "127.0.0.3:6381 from " + sentinel.address());
}

TEST(SwitchMaster, ParsesTheMessageForOurMaster) {
  auto ep = redis::parse_switch_master("mw 127.0.0.1 6379 127.0.0.2 6380", "mw");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->to_string(), "127.0.0.2:6380");
  ep = redis::parse_switch_master("mw ::1 6379 2001:db8::5 26379", "mw");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->to_string(), "[2001:db8::5]:26379");
  EXPECT_FALSE(redis::parse_switch_master("other 127.0.0.1 6379 127.0.0.2 6380", "mw"));
  EXPECT_FALSE(redis::parse_switch_master("mw 127.0.0.1 6379 127.0.0.2", "mw"));
  EXPECT_FALSE(redis::parse_switch_master("mw 127.0.0.1 6379 127.0.0.2 6380 x", "mw"));
  EXPECT_FALSE(redis::parse_switch_master("mw 127.0.0.1 6379 127.0.0.2 99999", "mw"));
  EXPECT_FALSE(redis::parse_switch_master("", "mw"));
}

}  // namespace
}  // namespace mw::store
