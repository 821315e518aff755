// LmdbStore beyond the shared contract: several processes on one environment, data that
// survives reopening, a full map, map growth, the sweep, stale readers, fork misuse,
// format versions and corrupt records.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "store/lmdb_codec.h"
#include "store/lmdb_store.h"
#include "test_util.h"

namespace mw::store {
namespace {

using testing::run_until;
using testing::TempDir;

constexpr double kT0 = 1'700'000'000.0;

LmdbOptions options(const std::string& dir, uint64_t map = uint64_t{64} << 20,
                    uint64_t max_map = 0) {
  LmdbOptions o;
  o.env.path = dir + "/store";
  o.env.map_size = map;
  o.env.max_map_size = max_map == 0 ? map : max_map;
  o.sweep_interval = 0;
  return o;
}

// A store with its own loop and clock, with blocking helpers.
class Harness {
 public:
  explicit Harness(const LmdbOptions& o) {
    auto s = LmdbStore::open(o, d_, log_, [this] { return now; });
    if (s) store = std::move(*s);
  }

  template <typename T, typename Start>
  Result<T> wait(Start start) {
    std::optional<Result<T>> got;
    OpPtr op = start([&](Result<T> r) { got.emplace(std::move(r)); });
    run_until(d_, [&] { return got.has_value(); }, 10);
    if (!got) return fail(ErrorCode::kTimeout, "test: no callback");
    return std::move(*got);
  }
  Status set(const std::string& k, const std::string& v, double ttl = 0) {
    return wait<void>([&](auto cb) { return store->set(k, v, ttl, cb); });
  }
  Result<std::optional<std::string>> get(const std::string& k) {
    return wait<std::optional<std::string>>([&](auto cb) { return store->get(k, cb); });
  }
  Status del(const std::string& k) {
    return wait<void>([&](auto cb) { return store->del(k, cb); });
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  double now = kT0;
  std::unique_ptr<LmdbStore> store;
};

// In a forked child: `n` increments of `key`, ten in flight at a time. Exit status 0 = ok.
int increment_in_child(const LmdbOptions& o, const std::string& key, int n) {
  core::Dispatcher d;
  core::Logger log(core::LogLevel::kSilent);
  auto s = LmdbStore::open(o, d, log, [] { return kT0; });
  if (!s) return 2;
  int done = 0, failed = 0;
  std::vector<OpPtr> ops;
  for (int i = 0; i < n; i += 10) {
    for (int j = 0; j < 10 && i + j < n; ++j) {
      ops.push_back((*s)->incr(key, 1, 0, [&](Result<int64_t> r) {
        ++done;
        if (!r) ++failed;
      }));
    }
    if (!run_until(d, [&] { return done == std::min(i + 10, n); }, 30)) return 3;
    ops.clear();
  }
  return failed == 0 ? 0 : 1;
}

TEST(LmdbStore, TwoProcessesShareOneCounter) {
  TempDir dir;
  LmdbOptions o = options(dir.path());
  std::vector<pid_t> children;
  for (int c = 0; c < 2; ++c) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(increment_in_child(o, "shared", 1000));
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  Harness h(o);
  ASSERT_NE(h.store, nullptr);
  EXPECT_EQ(*h.get("shared"), std::optional<std::string>("2000"));
}

TEST(LmdbStore, DataSurvivesReopening) {
  TempDir dir;
  LmdbOptions o = options(dir.path());
  {
    Harness h(o);
    ASSERT_NE(h.store, nullptr);
    ASSERT_TRUE(h.set("v", "value"));
    ASSERT_TRUE(h.set("ttl", "soon gone", 10));
    ASSERT_TRUE(h.wait<void>([&](auto cb) { return h.store->list_push("l", "a", 5, 0, cb); }));
    ASSERT_TRUE(h.wait<void>([&](auto cb) { return h.store->list_push("l", "b", 5, 0, cb); }));
    ASSERT_TRUE(h.wait<void>([&](auto cb) { return h.store->map_set("m", "f", "x", 0, cb); }));
    ASSERT_TRUE(h.wait<Store::DistinctResult>(
        [&](auto cb) { return h.store->distinct_add("d", "m1", 3600, cb); }));
  }
  Harness h(o);
  ASSERT_NE(h.store, nullptr);
  EXPECT_EQ(*h.get("v"), std::optional<std::string>("value"));
  EXPECT_EQ(*h.get("ttl"), std::optional<std::string>("soon gone"));
  EXPECT_EQ(*h.wait<std::vector<std::string>>(
                [&](auto cb) { return h.store->list_range("l", 0, 10, cb); }),
            (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(*h.wait<std::optional<std::string>>(
                [&](auto cb) { return h.store->map_get("m", "f", cb); }),
            std::optional<std::string>("x"));
  auto d = h.wait<Store::DistinctResult>(
      [&](auto cb) { return h.store->distinct_add("d", "m1", 3600, cb); });
  EXPECT_FALSE(d->was_new);
  h.now += 11;
  EXPECT_EQ(*h.get("ttl"), std::nullopt);
}

TEST(LmdbStore, FullMapGivesAnErrorNotACrash) {
  TempDir dir;
  Harness h(options(dir.path(), 256 << 10));
  ASSERT_NE(h.store, nullptr);
  std::string value(8000, 'v');
  int ok = 0;
  std::optional<Error> err;
  for (int i = 0; i < 200 && !err; ++i) {
    auto s = h.set("k" + std::to_string(i), value);
    if (s) {
      ++ok;
    } else {
      err = s.error();
    }
  }
  ASSERT_TRUE(err.has_value()) << "never filled the map";
  EXPECT_EQ(err->code, ErrorCode::kLimit);
  EXPECT_GT(ok, 5);
  EXPECT_GT(h.store->info().full_errors, 0u);
  // Reads still work, and small writes may still fit.
  EXPECT_EQ(*h.get("k0"), std::optional<std::string>(value));
  // In one batch, operations that fit succeed and the others fail alone.
  int done = 0, failed = 0;
  std::vector<OpPtr> ops;
  for (int i = 0; i < 20; ++i) {
    ops.push_back(h.store->set("more" + std::to_string(i), value, 0, [&](Status s) {
      ++done;
      if (!s) ++failed;
    }));
  }
  ops.push_back(h.store->get("k1", [&](Result<std::optional<std::string>> r) {
    ++done;
    if (!r || !*r) ++failed;
  }));
  ASSERT_TRUE(run_until(h.d_, [&] { return done == 21; }));
  EXPECT_GE(failed, 1);
  EXPECT_LE(failed, 20);  // the read succeeded
  // Deleting still works when full, and makes room again.
  for (int i = 0; i < ok; ++i) ASSERT_TRUE(h.del("k" + std::to_string(i))) << i;
  for (int i = 0; i < ok / 2; ++i) ASSERT_TRUE(h.set("again" + std::to_string(i), value)) << i;
}

TEST(LmdbStore, FullMapReclaimsExpiredData) {
  TempDir dir;
  Harness h(options(dir.path(), 256 << 10));
  ASSERT_NE(h.store, nullptr);
  std::string value(8000, 'v');
  int stored = 0;
  for (int i = 0; i < 200; ++i) {
    if (!h.set("old" + std::to_string(i), value, 60)) break;
    ++stored;
  }
  ASSERT_LT(stored, 200);
  h.now += 61;  // everything expired: the next write that does not fit sweeps first
  for (int i = 0; i < stored / 2; ++i) {
    auto st = h.set("new" + std::to_string(i), value);
    ASSERT_TRUE(st) << i << " of " << stored << ": " << st.error().message;
  }
}

TEST(LmdbStore, MapGrowsUpToTheCap) {
  TempDir dir;
  Harness h(options(dir.path(), 256 << 10, 8 << 20));
  ASSERT_NE(h.store, nullptr);
  std::string value(8000, 'v');
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(h.set("k" + std::to_string(i), value)) << i;
  auto info = h.store->info();
  EXPECT_GT(info.map_size, uint64_t{256} << 10);
  EXPECT_LE(info.map_size, uint64_t{8} << 20);
  EXPECT_GT(info.used_bytes, uint64_t{2} << 20);
  // Another process (here: a reopened store) adopts the grown map.
  h.store.reset();
  Harness again(options(dir.path(), 256 << 10, 8 << 20));
  ASSERT_NE(again.store, nullptr);
  EXPECT_EQ(*again.get("k299"), std::optional<std::string>(value));
}

TEST(LmdbStore, SweepRemovesExpiredDataInBoundedSteps) {
  TempDir dir;
  Harness h(options(dir.path()));
  ASSERT_NE(h.store, nullptr);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(h.set("t" + std::to_string(i), "x", 10));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(h.set("p" + std::to_string(i), "x"));
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(h.wait<void>(
        [&](auto cb) { return h.store->map_set("m", "f" + std::to_string(i), "v", 10, cb); }));
  }
  ASSERT_TRUE(h.wait<void>([&](auto cb) { return h.store->map_set("m", "keep", "v", 0, cb); }));
  EXPECT_EQ(*h.store->sweep_now(1000), 0u);  // nothing expired yet
  h.now += 11;
  size_t total = 0;
  for (int round = 0; round < 100; ++round) {
    auto r = h.store->sweep_now(10);
    ASSERT_TRUE(r);
    EXPECT_LE(*r, 20u);  // at most `budget` records and `budget` elements per step
    total += *r;
  }
  EXPECT_EQ(total, 150u);
  EXPECT_EQ(*h.get("p3"), std::optional<std::string>("x"));
  auto all = h.wait<std::vector<std::pair<std::string, std::string>>>(
      [&](auto cb) { return h.store->map_all("m", cb); });
  EXPECT_EQ(*all, (std::vector<std::pair<std::string, std::string>>{{"keep", "v"}}));
}

TEST(LmdbStore, SweepTimerRuns) {
  TempDir dir;
  LmdbOptions o = options(dir.path());
  o.sweep_interval = 0.05;
  Harness h(o);
  ASSERT_NE(h.store, nullptr);
  ASSERT_TRUE(h.set("t", "x", 1));
  h.now += 2;
  testing::run_for(h.d_, 0.3);
  // Gone from the file, not only hidden: a raw read finds nothing.
  lmdb::EnvOptions eo = o.env;
  core::Logger log(core::LogLevel::kSilent);
  h.store.reset();
  auto env = lmdb::Env::open(eo, log);
  ASSERT_TRUE(env);
  MDB_txn* txn = nullptr;
  ASSERT_EQ((*env)->begin_read(&txn), 0);
  std::string ekey = lmdb::make_key("t").ekey;
  MDB_val k = lmdb::to_val(ekey), v;
  EXPECT_EQ(mdb_get(txn, (*env)->main(), &k, &v), MDB_NOTFOUND);
  (*env)->end_read();
}

TEST(LmdbStore, ReaderSlotsOfDeadProcessesAreCleared) {
  TempDir dir;
  LmdbOptions o = options(dir.path());
  // Open in the parent first: the last process to close an environment resets its reader
  // table, so a dead reader is visible only while someone else has it open.
  Harness h(o);
  ASSERT_NE(h.store, nullptr);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Harness child(o);  // its own environment, as a worker would open after fork()
    auto r = child.get("x");  // takes a reader slot
    ::_exit(r ? 0 : 1);       // and dies without releasing it
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(h.store->check_readers(), 1);
  EXPECT_EQ(h.store->check_readers(), 0);
  EXPECT_TRUE(h.set("x", "y"));
}

TEST(LmdbStore, UsingAStoreAcrossForkFails) {
  TempDir dir;
  Harness h(options(dir.path()));
  ASSERT_NE(h.store, nullptr);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    h.d_.reinit_after_fork();
    auto r = h.get("x");
    ::_exit(!r && r.error().code == ErrorCode::kInternal ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(h.set("x", "parent still works"));
}

TEST(LmdbStore, RefusesANewerFormat) {
  TempDir dir;
  LmdbOptions o = options(dir.path());
  { Harness h(o); }
  {
    core::Logger log(core::LogLevel::kSilent);
    auto env = lmdb::Env::open(o.env, log);
    ASSERT_TRUE(env);
    lmdb::TxnPtr txn;
    ASSERT_EQ((*env)->begin_write(&txn), 0);
    MDB_dbi info = 0;
    ASSERT_EQ(mdb_dbi_open(txn.get(), "info", 0, &info), 0);
    std::string key = "format", val("\x63\0\0\0", 4);
    MDB_val k = lmdb::to_val(key), v = lmdb::to_val(val);
    ASSERT_EQ(mdb_put(txn.get(), info, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn.release()), 0);
  }
  core::Dispatcher d;
  core::Logger log(core::LogLevel::kSilent);
  auto s = LmdbStore::open(o, d, log, [] { return kT0; });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
}

TEST(LmdbStore, CorruptRecordIsAnErrorAndCanBeReplaced) {
  TempDir dir;
  LmdbOptions o = options(dir.path());
  {
    Harness h(o);
    ASSERT_TRUE(h.set("bad", "fine"));
  }
  {
    core::Logger log(core::LogLevel::kSilent);
    auto env = lmdb::Env::open(o.env, log);
    ASSERT_TRUE(env);
    lmdb::TxnPtr txn;
    ASSERT_EQ((*env)->begin_write(&txn), 0);
    std::string ekey = lmdb::make_key("bad").ekey, junk = "\x07junk";
    MDB_val k = lmdb::to_val(ekey), v = lmdb::to_val(junk);
    ASSERT_EQ(mdb_put(txn.get(), (*env)->main(), &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn.release()), 0);
  }
  Harness h(o);
  auto r = h.get("bad");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  ASSERT_TRUE(h.set("bad", "replaced"));
  EXPECT_EQ(*h.get("bad"), std::optional<std::string>("replaced"));
}

TEST(LmdbStore, OpenFailsCleanly) {
  core::Dispatcher d;
  core::Logger log(core::LogLevel::kSilent);
  LmdbOptions o;
  o.env.path = "/proc/mailward-store-cannot-exist";
  auto s = LmdbStore::open(o, d, log, [] { return kT0; });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  TempDir dir;
  auto no_clock = LmdbStore::open(options(dir.path()), d, log, nullptr);
  EXPECT_FALSE(no_clock);
}

}  // namespace
}  // namespace mw::store
