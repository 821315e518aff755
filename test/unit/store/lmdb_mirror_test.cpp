// The in-memory copies of count tables (store/lmdb_mirror.h): the hash table against a
// std::map under random puts and removals, and a reader process whose copy follows the
// changes another process makes (through the change log, a reload when too far behind, a
// table removed and made again, expiry, a table larger than the budget).
#include "store/lmdb_mirror.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/lmdb_store.h"
#include "test_util.h"

namespace mw::store {
namespace {

using lmdb::CountsMirror;
using testing::run_op;
using testing::TempDir;
using Row = Store::CountRow;
using Rows = std::vector<Row>;
using Ids = std::vector<uint64_t>;

constexpr double kT0 = 1'700'000'000.0;

TEST(CountsMirror, MatchesAMapUnderRandomChanges) {
  CountsMirror m;
  m.reset(0);
  std::map<uint64_t, Row> ref;
  std::mt19937_64 rng(7);
  // Few distinct ids, many of them sharing their top bits: long probe runs, removals in
  // the middle of runs (backward shift), growth.
  std::vector<uint64_t> pool;
  for (int i = 0; i < 3000; ++i) pool.push_back(i % 3 == 0 ? rng() : (rng() & 0xffff) + 1);
  pool.push_back(0);  // row 0 lives apart
  for (int step = 0; step < 200000; ++step) {
    uint64_t id = pool[rng() % pool.size()];
    bool remove = rng() % 3 == 0;
    uint32_t a = remove ? 0 : static_cast<uint32_t>(rng() % 5);
    uint32_t b = remove ? 0 : static_cast<uint32_t>(rng() % 5);
    m.put(id, a, b);
    if (a == 0 && b == 0) {
      ref.erase(id);
    } else {
      ref[id] = Row{a, b};
    }
  }
  EXPECT_EQ(m.rows(), ref.size());
  Rows got;
  m.get(pool, got);
  for (size_t i = 0; i < pool.size(); ++i) {
    auto it = ref.find(pool[i]);
    EXPECT_EQ(got[i], it == ref.end() ? Row{} : it->second) << "id " << pool[i];
  }
}

// A reader's store in this process; writers run in forked children with stores of their
// own, as the controller and the workers do.
class MirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_.env.path = dir_.path() + "/store";
    opts_.env.map_size = uint64_t{64} << 20;
    opts_.env.max_map_size = opts_.env.map_size;
    opts_.sweep_interval = 0;
    auto s = LmdbStore::open(opts_, d_, log_, [] { return kT0; });
    ASSERT_TRUE(s.has_value());
    store_ = std::move(*s);
  }

  Rows read(const Ids& ids) {
    auto r = run_op<Rows>(d_, [&](auto cb) { return store_->counts_get("t", ids, cb); });
    EXPECT_TRUE(r.has_value()) << r.error().to_string();
    return r ? *r : Rows{};
  }

  // Run `fn` on a store opened in a child process; fails the test if it reports failure.
  void in_child(const std::function<bool(Store&, core::Dispatcher&)>& fn) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      core::Dispatcher d;
      core::Logger log(core::LogLevel::kSilent);
      auto s = LmdbStore::open(opts_, d, log, [] { return kT0 + 86400 * 10; });
      ::_exit(s && fn(**s, d) ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
  }
  static bool add(Store& s, core::Dispatcher& d, const Ids& ids, int64_t da, int64_t db) {
    return run_op<void>(d, [&](auto cb) { return s.counts_add("t", ids, da, db, cb); })
        .has_value();
  }

  TempDir dir_;
  LmdbOptions opts_;
  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  std::unique_ptr<LmdbStore> store_;
};

TEST_F(MirrorTest, FollowsAnotherProcessThroughTheLog) {
  in_child([](Store& s, core::Dispatcher& d) { return add(s, d, {0, 5, 9}, 1, 0); });
  EXPECT_EQ(read({0, 5, 9, 7}), (Rows{{1, 0}, {1, 0}, {1, 0}, {0, 0}}));
  EXPECT_EQ(store_->info().mirror_loads, 1u);
  EXPECT_EQ(store_->info().mirror_rows, 3u);
  // Two more changes elsewhere: applied from the log, no reload.
  in_child([](Store& s, core::Dispatcher& d) {
    return add(s, d, {0, 7, 9}, 0, 2) && add(s, d, {5}, -1, 0);
  });
  EXPECT_EQ(read({0, 5, 9, 7}), (Rows{{1, 2}, {0, 0}, {1, 2}, {0, 2}}));
  EXPECT_EQ(store_->info().mirror_loads, 1u);
  EXPECT_EQ(store_->info().mirror_log_entries, 2u);
  EXPECT_EQ(store_->info().mirror_rows, 3u);  // 0, 9, 7 (5 went to {0, 0})
}

TEST_F(MirrorTest, ReloadsWhenTooFarBehindOrTheTableWasMadeAgain) {
  in_child([](Store& s, core::Dispatcher& d) { return add(s, d, {0, 1}, 1, 0); });
  EXPECT_EQ(read({1}), (Rows{{1, 0}}));
  // More changes than the log keeps.
  in_child([](Store& s, core::Dispatcher& d) {
    for (uint64_t i = 0; i < lmdb::kCountsLogKeep + 5; ++i) {
      if (!add(s, d, {0, 100 + i}, 0, 1)) return false;
    }
    return true;
  });
  Ids ids = {0, 1, 100, 100 + lmdb::kCountsLogKeep + 4};
  Rows want = {{1, lmdb::kCountsLogKeep + 5}, {1, 0}, {0, 1}, {0, 1}};
  EXPECT_EQ(read(ids), want);
  EXPECT_EQ(store_->info().mirror_loads, 2u);
  // Removed and made again with as many changes: another serial, so a reload.
  in_child([](Store& s, core::Dispatcher& d) {
    if (!run_op<void>(d, [&](auto cb) { return s.del("t", cb); })) return false;
    for (uint64_t i = 0; i < lmdb::kCountsLogKeep + 6; ++i) {
      if (!add(s, d, {0}, 1, 0)) return false;
    }
    return add(s, d, {42}, 3, 0);
  });
  EXPECT_EQ(read({0, 1, 42}), (Rows{{lmdb::kCountsLogKeep + 6, 0}, {0, 0}, {3, 0}}));
  EXPECT_EQ(store_->info().mirror_loads, 3u);
}

TEST_F(MirrorTest, TheLogStaysSmallBesideItsTable) {
  // Learns of 5000 rows into a table of about 15000: beyond the newest entry the log keeps
  // at most half the table's rows (kCountsLogMinRows at least), so a reader three learns
  // behind reloads, and one learn behind applies the entry.
  auto learn = [](uint64_t base) {
    return [base](Store& s, core::Dispatcher& d) {
      Ids ids = {0};
      for (uint64_t i = 1; i <= 5000; ++i) ids.push_back(base + i);
      return add(s, d, ids, 1, 0);
    };
  };
  in_child(learn(0));
  EXPECT_EQ(read({0, 1}), (Rows{{1, 0}, {1, 0}}));
  in_child(learn(10000));
  in_child(learn(20000));
  in_child(learn(30000));
  EXPECT_EQ(read({0, 1, 10001, 30005}), (Rows{{4, 0}, {1, 0}, {1, 0}, {1, 0}}));
  EXPECT_EQ(store_->info().mirror_loads, 2u);
  EXPECT_EQ(store_->info().mirror_log_entries, 0u);
  in_child(learn(40000));
  EXPECT_EQ(read({0, 45000}), (Rows{{5, 0}, {1, 0}}));
  EXPECT_EQ(store_->info().mirror_loads, 2u);
  EXPECT_EQ(store_->info().mirror_log_entries, 1u);
}

TEST_F(MirrorTest, KeepsCopiesWithinTheBudgetLeastRecentlyReadFirst) {
  store_.reset();
  opts_.mirror_rows = 5;
  auto s = LmdbStore::open(opts_, d_, log_, [] { return kT0; });
  ASSERT_TRUE(s.has_value());
  store_ = std::move(*s);
  auto read_key = [&](const std::string& key) {
    auto r = run_op<Rows>(d_, [&](auto cb) { return store_->counts_get(key, {1}, cb); });
    return r ? *r : Rows{};
  };
  for (const char* key : {"t", "u"}) {
    ASSERT_TRUE(run_op<void>(d_, [&](auto cb) { return store_->counts_add(key, {0, 1, 2}, 1, 0, cb); }));
  }
  EXPECT_EQ(read_key("t"), (Rows{{1, 0}}));
  EXPECT_EQ(store_->info().mirror_rows, 3u);
  EXPECT_EQ(read_key("u"), (Rows{{1, 0}}));  // 6 rows would exceed 5: "t" goes
  EXPECT_EQ(store_->info().mirror_rows, 3u);
  EXPECT_EQ(read_key("u"), (Rows{{1, 0}}));
  EXPECT_EQ(store_->info().mirror_loads, 2u);
  EXPECT_EQ(read_key("t"), (Rows{{1, 0}}));  // copied again, "u" goes
  EXPECT_EQ(store_->info().mirror_loads, 3u);
  EXPECT_EQ(store_->info().mirror_rows, 3u);
}

TEST_F(MirrorTest, SeesExpiryAndReadsLargeTablesFromLmdb) {
  in_child([](Store& s, core::Dispatcher& d) { return add(s, d, {0, 1, 2, 3}, 1, 0); });
  EXPECT_EQ(read({1, 2, 3}), (Rows{{1, 0}, {1, 0}, {1, 0}}));
  // The child's clock is ten days on: every row but row 0 is stale and rare.
  in_child([](Store& s, core::Dispatcher& d) {
    return add(s, d, {2}, 1, 0) &&
           run_op<Store::CountsExpiry>(d, [&](auto cb) {
             return s.counts_expire("t", 1, kT0 + 86400 * 11, "", 100, cb);
           }).has_value();
  });
  EXPECT_EQ(read({0, 1, 2, 3}), (Rows{{1, 0}, {0, 0}, {2, 0}, {0, 0}}));
  EXPECT_EQ(store_->info().mirror_loads, 1u);
  // A budget smaller than the table: no copy, the same answers from LMDB.
  store_.reset();
  opts_.mirror_rows = 1;
  auto s = LmdbStore::open(opts_, d_, log_, [] { return kT0; });
  ASSERT_TRUE(s.has_value());
  store_ = std::move(*s);
  EXPECT_EQ(read({0, 1, 2, 3}), (Rows{{1, 0}, {0, 0}, {2, 0}, {0, 0}}));
  EXPECT_EQ(store_->info().mirror_rows, 0u);
  EXPECT_EQ(store_->info().mirror_loads, 0u);
}

}  // namespace
}  // namespace mw::store
