// Count tables (store.h: counts_get, counts_add, counts_info, counts_expire), run against
// both backends: LMDB and a real redis-server. The clock is injected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "backends.h"
#include "store/lmdb_env.h"

namespace mw::store {
namespace {

using testing::LmdbBackend;
using testing::RedisBackend;
using Row = Store::CountRow;
using Rows = std::vector<Row>;
using Ids = std::vector<uint64_t>;

constexpr double kT0 = 1'700'000'000.0;
constexpr double kDay = 86400;

template <typename B>
class CountsSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { B::suite_up(); }
  static void TearDownTestSuite() { B::suite_down(); }

  void SetUp() override {
    if (auto why = B::unavailable(); !why.empty()) GTEST_SKIP() << why;
    store_ = backend_.make(d_, log_, [this] { return now_; }, Limits{});
    ASSERT_NE(store_, nullptr);
  }

  // Run one operation to its callback.
  template <typename T, typename Start>
  Result<T> run(Start start) {
    auto r = store::testing::run_op<T>(d_, start);
    EXPECT_TRUE(r.has_value() || r.error().message != "test: no callback") << "no callback";
    return r;
  }
  Result<Rows> get(const std::string& k, Ids ids) {
    return run<Rows>([&](auto cb) { return store_->counts_get(k, ids, cb); });
  }
  Status add(const std::string& k, Ids ids, int64_t da, int64_t db) {
    return run<void>([&](auto cb) { return store_->counts_add(k, ids, da, db, cb); });
  }
  Result<Store::CountsInfo> info(const std::string& k) {
    return run<Store::CountsInfo>([&](auto cb) { return store_->counts_info(k, cb); });
  }
  Result<Store::CountsExpiry> expire(const std::string& k, uint64_t max_total, double older,
                                     std::string cursor, size_t budget) {
    return run<Store::CountsExpiry>([&](auto cb) {
      return store_->counts_expire(k, max_total, older, cursor, budget, cb);
    });
  }
  // A whole expiry pass in steps of `budget`; returns the rows removed.
  uint64_t expire_all(const std::string& k, uint64_t max_total, double older, size_t budget) {
    std::string cursor;
    uint64_t removed = 0;
    for (int steps = 0; steps < 10000; ++steps) {
      auto r = expire(k, max_total, older, cursor, budget);
      EXPECT_TRUE(r.has_value()) << r.error().to_string();
      if (!r) break;
      removed += r->removed;
      cursor = r->cursor;
      if (cursor.empty()) break;
    }
    return removed;
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  double now_ = kT0;
  B backend_;
  StorePtr store_;
};

using testing::BackendNames;
using testing::Backends;
TYPED_TEST_SUITE(CountsSuite, Backends, BackendNames);

TYPED_TEST(CountsSuite, AbsentTableReadsZeros) {
  auto r = this->get("t", {0, 7, UINT64_MAX});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, (Rows{{0, 0}, {0, 0}, {0, 0}}));
  auto i = this->info("t");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->rows, 0u);
}

TYPED_TEST(CountsSuite, AddThenGetInAnyOrder) {
  ASSERT_TRUE(this->add("t", {0, 5, 3, 1ull << 63}, 1, 0));
  ASSERT_TRUE(this->add("t", {0, 3, 9, 9}, 0, 2));  // 9 twice: changed twice
  auto r = this->get("t", {9, 3, 1ull << 63, 4, 5, 0, 3});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, (Rows{{0, 4}, {1, 2}, {1, 0}, {0, 0}, {1, 0}, {1, 2}, {1, 2}}));
  auto i = this->info("t");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->rows, 5u);    // 0, 3, 5, 9, 2^63
  EXPECT_EQ(i->rows_a, 4u);  // 0, 3, 5, 2^63
  EXPECT_EQ(i->rows_b, 3u);  // 0, 3, 9
  EXPECT_GT(i->bytes, 0u);
}

TYPED_TEST(CountsSuite, MovingBetweenColumnsAndSaturation) {
  ASSERT_TRUE(this->add("t", {1, 2}, 3, 0));
  ASSERT_TRUE(this->add("t", {1, 2}, -1, 1));  // a learned message moved from a to b
  auto r = this->get("t", {1, 2});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Rows{{2, 1}, {2, 1}}));
  ASSERT_TRUE(this->add("t", {1}, -10, 0));  // saturates at 0
  ASSERT_TRUE(this->add("t", {1}, 0, int64_t{1} << 32));  // saturates at 2^32-1
  r = this->get("t", {1});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Rows{{0, UINT32_MAX}}));
}

TYPED_TEST(CountsSuite, RowsThatReachZeroAreRemoved) {
  ASSERT_TRUE(this->add("t", {1, 2, 3}, 1, 0));
  ASSERT_TRUE(this->add("t", {1, 2}, -1, 0));
  auto i = this->info("t");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->rows, 1u);
  EXPECT_EQ(i->rows_a, 1u);
  ASSERT_TRUE(this->add("t", {3}, -1, 0));
  i = this->info("t");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->rows, 0u);  // the table is gone
  EXPECT_EQ(i->bytes, 0u);
  ASSERT_TRUE(this->add("t", {4}, 0, 1));  // and can be started again
  auto r = this->get("t", {3, 4});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Rows{{0, 0}, {0, 1}}));
}

TYPED_TEST(CountsSuite, ExpiryRemovesRareStaleRowsButNeverRowZero) {
  Ids old_rare, old_common, fresh_rare;
  for (uint64_t i = 1; i <= 150; ++i) old_rare.push_back(i * 7919);
  for (uint64_t i = 1; i <= 40; ++i) old_common.push_back(i * 104729);
  for (uint64_t i = 1; i <= 30; ++i) fresh_rare.push_back(i * 1299709);
  ASSERT_TRUE(this->add("t", {0}, 1, 0));
  ASSERT_TRUE(this->add("t", old_rare, 1, 0));
  ASSERT_TRUE(this->add("t", old_common, 2, 1));
  this->now_ += 40 * kDay;
  ASSERT_TRUE(this->add("t", fresh_rare, 0, 1));
  // Rare (a + b <= 1) and not changed for 30 days.
  uint64_t removed = this->expire_all("t", 1, this->now_ - 30 * kDay, 16);
  EXPECT_EQ(removed, old_rare.size());
  auto i = this->info("t");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->rows, 1 + old_common.size() + fresh_rare.size());
  EXPECT_EQ(i->rows_a, 1 + old_common.size());
  EXPECT_EQ(i->rows_b, old_common.size() + fresh_rare.size());
  auto r = this->get("t", {0, old_rare[0], old_common[0], fresh_rare[0]});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Rows{{1, 0}, {0, 0}, {2, 1}, {0, 1}}));
  // Row 0 stays even when it qualifies.
  this->now_ += 365 * kDay;
  this->expire_all("t", 1000, this->now_, 1000);
  r = this->get("t", {0});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Rows{{1, 0}}));
  i = this->info("t");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->rows, 1u);
}

TYPED_TEST(CountsSuite, ExpiryOfAnAbsentTable) {
  auto r = this->expire("none", 1, kT0, "", 10);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->examined, 0u);
  EXPECT_TRUE(r->cursor.empty());
}

TYPED_TEST(CountsSuite, OtherKindsAreRefused) {
  ASSERT_TRUE(this->template run<void>([&](auto cb) { return this->store_->set("v", "x", 0, cb); }));
  auto r = this->get("v", {1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  auto a = this->add("v", {1}, 1, 0);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidInput);
  ASSERT_TRUE(
      this->template run<void>([&](auto cb) { return this->store_->map_set("m", "f", "v", 0, cb); }));
  a = this->add("m", {1}, 1, 0);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidInput);
  // A count table is removed whole by del.
  ASSERT_TRUE(this->add("t", {1, 2}, 1, 0));
  ASSERT_TRUE(this->template run<void>([&](auto cb) { return this->store_->del("t", cb); }));
  auto g = this->get("t", {1, 2});
  ASSERT_TRUE(g);
  EXPECT_EQ(*g, (Rows{{0, 0}, {0, 0}}));
}

TYPED_TEST(CountsSuite, Limits) {
  Ids many(Store::kMaxCountIds + 1, 1);
  auto r = this->get("t", many);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
  auto a = this->add("t", {1}, (int64_t{1} << 32) + 1, 0);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::kLimit);
  auto e = this->expire("t", 1, kT0, "", 0);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::kInvalidInput);
  // A large batch in one operation.
  Ids big;
  for (uint64_t i = 0; i < 20000; ++i) big.push_back(i * 0x9e3779b97f4a7c15ull);
  ASSERT_TRUE(this->add("t", big, 1, 1));
  auto g = this->get("t", big);
  ASSERT_TRUE(g);
  EXPECT_TRUE(std::all_of(g->begin(), g->end(), [](const Row& x) { return x == Row{1, 1}; }));
}

TEST(LmdbOrder, SameAsMemcmp) {
  // The comparator set on the store's databases must order keys exactly as LMDB's default.
  std::mt19937 rng(5);
  auto key = [&rng] {
    std::string k(rng() % 24, '\0');
    for (char& c : k) c = static_cast<char>(rng() % 4 == 0 ? 0xff : rng() % 4);
    return k;
  };
  auto sign = [](int v) { return (v > 0) - (v < 0); };
  for (int i = 0; i < 20000; ++i) {
    std::string a = key(), b = rng() % 3 == 0 ? a.substr(0, rng() % (a.size() + 1)) : key();
    MDB_val va{a.size(), a.data()}, vb{b.size(), b.data()};
    int want = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    if (want == 0) want = (a.size() > b.size()) - (a.size() < b.size());
    ASSERT_EQ(sign(lmdb::bytewise_compare(&va, &vb)), sign(want)) << i;
  }
}

}  // namespace
}  // namespace mw::store
