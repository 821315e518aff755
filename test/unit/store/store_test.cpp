// The Store contract (store.h), run against both backends: LMDB and a real redis-server.
// The clock is injected: expiry and windows are tested by moving `now_`, never by sleeping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backends.h"
#include "need_tool.h"

namespace mw::store {
namespace {

using testing::LmdbBackend;
using testing::RedisBackend;
using testing::run_for;
using testing::run_until;
using Pairs = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

constexpr double kT0 = 1'700'000'000.0;

template <typename B>
class StoreSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { B::suite_up(); }
  static void TearDownTestSuite() { B::suite_down(); }

  void SetUp() override {
    std::string why = B::unavailable();
    MW_NEED_TOOL(why.empty(), why);
    limits_.max_distinct = 5;
    limits_.max_value_size = 4096;
    store_ = backend_.make(d_, log_, [this] { return now_; }, limits_);
    ASSERT_NE(store_, nullptr);
  }

  // Start an operation, check that its callback does not run inside the call, and wait
  // for it.
  template <typename T, typename Start>
  Result<T> wait(Start start) {
    std::optional<Result<T>> got;
    bool returned = false;
    bool ran_inline = false;
    OpPtr op = start([&](Result<T> r) {
      if (!returned) ran_inline = true;
      got.emplace(std::move(r));
    });
    returned = true;
    EXPECT_FALSE(ran_inline) << "callback ran inside the call";
    EXPECT_TRUE(run_until(d_, [&] { return got.has_value(); }, 10)) << "no callback";
    if (!got) return fail(ErrorCode::kTimeout, "test: no callback");
    return std::move(*got);
  }

  Result<std::optional<std::string>> get(std::string k) {
    return wait<std::optional<std::string>>([&](auto cb) { return store_->get(k, cb); });
  }
  Status set(std::string k, std::string v, double ttl = 0) {
    return wait<void>([&](auto cb) { return store_->set(k, v, ttl, cb); });
  }
  Status del(std::string k) {
    return wait<void>([&](auto cb) { return store_->del(k, cb); });
  }
  Result<int64_t> incr(std::string k, int64_t d, double ttl = 0) {
    return wait<int64_t>([&](auto cb) { return store_->incr(k, d, ttl, cb); });
  }
  Result<double> wadd(std::string k, double amount, double window) {
    return wait<double>([&](auto cb) { return store_->window_add(k, amount, window, cb); });
  }
  Result<Store::DistinctResult> dadd(std::string k, std::string m, double window) {
    return wait<Store::DistinctResult>(
        [&](auto cb) { return store_->distinct_add(k, m, window, cb); });
  }
  Result<Strings> dmembers(std::string k, double window, size_t limit = 100) {
    return wait<Strings>([&](auto cb) { return store_->distinct_members(k, window, limit, cb); });
  }
  Status lpush(std::string k, std::string v, size_t cap, double ttl = 0) {
    return wait<void>([&](auto cb) { return store_->list_push(k, v, cap, ttl, cb); });
  }
  Result<Strings> lrange(std::string k, size_t start, size_t count) {
    return wait<Strings>([&](auto cb) { return store_->list_range(k, start, count, cb); });
  }
  Status mset(std::string k, std::string f, std::string v, double ttl = 0) {
    return wait<void>([&](auto cb) { return store_->map_set(k, f, v, ttl, cb); });
  }
  Result<std::optional<std::string>> mget(std::string k, std::string f) {
    return wait<std::optional<std::string>>([&](auto cb) { return store_->map_get(k, f, cb); });
  }
  Status mdel(std::string k, std::string f) {
    return wait<void>([&](auto cb) { return store_->map_del(k, f, cb); });
  }
  // map_all, sorted by field.
  Result<Pairs> mall(std::string k) {
    auto r = wait<Pairs>([&](auto cb) { return store_->map_all(k, cb); });
    if (r) std::sort(r->begin(), r->end());
    return r;
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  double now_ = kT0;
  Limits limits_;
  B backend_;
  StorePtr store_;
};

using testing::BackendNames;
using testing::Backends;
TYPED_TEST_SUITE(StoreSuite, Backends, BackendNames);

std::optional<std::string> some(std::string s) { return s; }

TYPED_TEST(StoreSuite, GetSetDel) {
  EXPECT_EQ(this->store_->backend(), TypeParam::kName);
  EXPECT_EQ(*this->get("a"), std::nullopt);
  ASSERT_TRUE(this->set("a", "one"));
  EXPECT_EQ(*this->get("a"), some("one"));
  ASSERT_TRUE(this->set("a", "two"));
  EXPECT_EQ(*this->get("a"), some("two"));
  ASSERT_TRUE(this->set("empty", ""));
  EXPECT_EQ(*this->get("empty"), some(""));
  ASSERT_TRUE(this->del("a"));
  EXPECT_EQ(*this->get("a"), std::nullopt);
  EXPECT_TRUE(this->del("never-set"));
  ASSERT_TRUE(this->set("", "empty key"));
  EXPECT_EQ(*this->get(""), some("empty key"));
}

TYPED_TEST(StoreSuite, TtlExpiry) {
  ASSERT_TRUE(this->set("t", "v", 10));
  ASSERT_TRUE(this->set("forever", "v", 0));
  ASSERT_TRUE(this->set("negative", "v", -5));
  this->now_ += 9.5;
  EXPECT_EQ(*this->get("t"), some("v"));
  this->now_ += 0.5;  // exactly at the expiry
  EXPECT_EQ(*this->get("t"), std::nullopt);
  this->now_ += 1e6;
  EXPECT_EQ(*this->get("forever"), some("v"));
  EXPECT_EQ(*this->get("negative"), some("v"));
  // Setting again without a ttl removes the expiry.
  ASSERT_TRUE(this->set("t2", "a", 5));
  ASSERT_TRUE(this->set("t2", "b"));
  this->now_ += 100;
  EXPECT_EQ(*this->get("t2"), some("b"));
}

TYPED_TEST(StoreSuite, Incr) {
  EXPECT_EQ(*this->incr("c", 5), 5);
  EXPECT_EQ(*this->incr("c", -7), -2);
  EXPECT_EQ(*this->get("c"), some("-2"));
  EXPECT_EQ(*this->incr("c", 0), -2);
  ASSERT_TRUE(this->set("c", "40"));
  EXPECT_EQ(*this->incr("c", 2), 42);
  EXPECT_EQ(*this->get("c"), some("42"));

  ASSERT_TRUE(this->set("text", "abc"));
  auto bad = this->incr("text", 1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(*this->get("text"), some("abc"));  // unchanged
  ASSERT_TRUE(this->set("spaced", " 5"));
  EXPECT_FALSE(this->incr("spaced", 1));

  // The exact range is +-(2^53 - 1).
  ASSERT_TRUE(this->set("big", "9007199254740990"));
  EXPECT_EQ(*this->incr("big", 1), 9007199254740991);
  auto over = this->incr("big", 1);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kLimit);
  EXPECT_EQ(*this->get("big"), some("9007199254740991"));
  auto huge_delta = this->incr("d", int64_t{1} << 60);
  ASSERT_FALSE(huge_delta);
  EXPECT_EQ(huge_delta.error().code, ErrorCode::kInvalidInput);
}

TYPED_TEST(StoreSuite, IncrTtl) {
  // A ttl is (re)set on every add.
  EXPECT_EQ(*this->incr("k", 1, 10), 1);
  this->now_ += 5;
  EXPECT_EQ(*this->incr("k", 1, 10), 2);
  this->now_ += 9;  // 14 s after the first add
  EXPECT_EQ(*this->get("k"), some("2"));
  this->now_ += 1;
  EXPECT_EQ(*this->get("k"), std::nullopt);
  // ttl 0 keeps the current expiry.
  EXPECT_EQ(*this->incr("keep", 1, 10), 1);
  this->now_ += 5;
  EXPECT_EQ(*this->incr("keep", 1, 0), 2);
  this->now_ += 5;
  EXPECT_EQ(*this->get("keep"), std::nullopt);
  // An expired counter starts again from 0, without expiry.
  ASSERT_TRUE(this->set("old", "5", 10));
  this->now_ += 11;
  EXPECT_EQ(*this->incr("old", 1, 0), 1);
  this->now_ += 1e6;
  EXPECT_EQ(*this->get("old"), some("1"));
}

TYPED_TEST(StoreSuite, WindowCounterAcrossBuckets) {
  // window 60 s: buckets of 1 s.
  EXPECT_DOUBLE_EQ(*this->wadd("w", 1, 60), 1);
  this->now_ += 0.5;  // same bucket
  EXPECT_DOUBLE_EQ(*this->wadd("w", 2, 60), 3);
  this->now_ = kT0 + 30;
  EXPECT_DOUBLE_EQ(*this->wadd("w", 4, 60), 7);
  this->now_ = kT0 + 59.9;
  EXPECT_DOUBLE_EQ(*this->wadd("w", 0, 60), 7);  // amount 0 reads
  this->now_ = kT0 + 60;  // the first bucket still overlaps the window
  EXPECT_DOUBLE_EQ(*this->wadd("w", 0, 60), 7);
  this->now_ = kT0 + 61;  // ... and now it has left
  EXPECT_DOUBLE_EQ(*this->wadd("w", 0, 60), 4);
  this->now_ = kT0 + 91;
  EXPECT_DOUBLE_EQ(*this->wadd("w", 0, 60), 0);
  // Expired: starts again.
  EXPECT_DOUBLE_EQ(*this->wadd("w", 5, 60), 5);
  // Fractional amounts and negative amounts.
  EXPECT_DOUBLE_EQ(*this->wadd("w", 0.25, 60), 5.25);
  EXPECT_DOUBLE_EQ(*this->wadd("w", -1.25, 60), 4);
  // A key never added to reads 0.
  EXPECT_DOUBLE_EQ(*this->wadd("none", 0, 60), 0);
  EXPECT_EQ(*this->get("none"), std::nullopt);
}

TYPED_TEST(StoreSuite, WindowCounterSlidesBucketByBucket) {
  // window 6 s: buckets of 0.1 s; one add every second for 10 s, 1 each, mid-bucket.
  for (int i = 0; i < 10; ++i) {
    this->now_ = kT0 + i + 0.05;
    double expect = std::min(i + 1, 7);  // adds at t-6 .. t: the bucket at t-6 overlaps
    EXPECT_DOUBLE_EQ(*this->wadd("s", 1, 6), expect) << "second " << i;
  }
  this->now_ = kT0 + 9.5;
  EXPECT_DOUBLE_EQ(*this->wadd("s", 0, 6), 6);  // the adds before t+4 have left
  auto bad = this->wadd("s", 1, 0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  EXPECT_FALSE(this->wadd("s", std::nan(""), 6));
}

TYPED_TEST(StoreSuite, DistinctAddCountMembers) {
  auto r = this->dadd("d", "a", 100);
  EXPECT_EQ(r->count, 1u);
  EXPECT_TRUE(r->was_new);
  this->now_ = kT0 + 1;
  r = this->dadd("d", "b", 100);
  EXPECT_EQ(r->count, 2u);
  EXPECT_TRUE(r->was_new);
  this->now_ = kT0 + 2;
  r = this->dadd("d", "a", 100);  // refreshed, not new
  EXPECT_EQ(r->count, 2u);
  EXPECT_FALSE(r->was_new);
  this->now_ = kT0 + 10;
  EXPECT_EQ(this->dadd("d", "c", 100)->count, 3u);
  EXPECT_EQ(*this->dmembers("d", 100), (Strings{"c", "a", "b"}));
  EXPECT_EQ(*this->dmembers("d", 100, 2), (Strings{"c", "a"}));
  EXPECT_EQ(*this->dmembers("d", 100, 0), Strings{});
  EXPECT_EQ(*this->dmembers("missing", 100), Strings{});

  // "b" (seen at +1) leaves the window at +101; "a" was refreshed at +2.
  this->now_ = kT0 + 101;
  EXPECT_EQ(*this->dmembers("d", 100), (Strings{"c", "a"}));
  r = this->dadd("d", "b", 100);
  EXPECT_TRUE(r->was_new);
  EXPECT_EQ(r->count, 3u);
  // Everything leaves.
  this->now_ = kT0 + 1000;
  EXPECT_EQ(*this->dmembers("d", 100), Strings{});
  r = this->dadd("d", "z", 100);
  EXPECT_EQ(r->count, 1u);
  EXPECT_TRUE(r->was_new);
}

TYPED_TEST(StoreSuite, DistinctSizeCap) {
  // max_distinct is 5 in this fixture: the least recently seen are evicted.
  for (int i = 0; i < 8; ++i) {
    this->now_ = kT0 + i;
    auto r = this->dadd("cap", "m" + std::to_string(i), 3600);
    EXPECT_EQ(r->count, static_cast<uint64_t>(std::min(i + 1, 5)));
    EXPECT_TRUE(r->was_new);
  }
  EXPECT_EQ(*this->dmembers("cap", 3600), (Strings{"m7", "m6", "m5", "m4", "m3"}));
  // Refreshing m3 makes m4 the oldest.
  this->now_ = kT0 + 20;
  EXPECT_FALSE(this->dadd("cap", "m3", 3600)->was_new);
  this->now_ = kT0 + 21;
  auto r = this->dadd("cap", "m0", 3600);  // evicted before: new again
  EXPECT_TRUE(r->was_new);
  EXPECT_EQ(r->count, 5u);
  EXPECT_EQ(*this->dmembers("cap", 3600), (Strings{"m0", "m3", "m7", "m6", "m5"}));
}

TYPED_TEST(StoreSuite, CappedList) {
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(this->lpush("l", std::to_string(i), 3));
  EXPECT_EQ(*this->lrange("l", 0, 10), (Strings{"5", "4", "3"}));
  EXPECT_EQ(*this->lrange("l", 1, 1), (Strings{"4"}));
  EXPECT_EQ(*this->lrange("l", 2, 5), (Strings{"3"}));
  EXPECT_EQ(*this->lrange("l", 3, 5), Strings{});
  EXPECT_EQ(*this->lrange("l", 0, 0), Strings{});
  EXPECT_EQ(*this->lrange("l", SIZE_MAX, SIZE_MAX), Strings{});
  EXPECT_EQ(*this->lrange("missing", 0, 10), Strings{});
  // A smaller cap trims further.
  ASSERT_TRUE(this->lpush("l", "6", 2));
  EXPECT_EQ(*this->lrange("l", 0, SIZE_MAX), (Strings{"6", "5"}));
  // cap 0 empties it.
  ASSERT_TRUE(this->lpush("l", "7", 0));
  EXPECT_EQ(*this->lrange("l", 0, 10), Strings{});
  EXPECT_EQ(*this->get("l"), std::nullopt);
}

TYPED_TEST(StoreSuite, ListExpiresAfterLastPush) {
  ASSERT_TRUE(this->lpush("h", "a", 10, 10));
  this->now_ += 8;
  ASSERT_TRUE(this->lpush("h", "b", 10, 10));  // pushes extend the list's life
  this->now_ += 8;
  EXPECT_EQ(*this->lrange("h", 0, 10), (Strings{"b", "a"}));
  this->now_ += 2;
  EXPECT_EQ(*this->lrange("h", 0, 10), Strings{});
  ASSERT_TRUE(this->lpush("h", "c", 10, 10));  // a new list
  EXPECT_EQ(*this->lrange("h", 0, 10), (Strings{"c"}));
  // ttl <= 0: never expires, even after pushes with a ttl before.
  ASSERT_TRUE(this->lpush("h", "d", 10, 0));
  this->now_ += 1e6;
  EXPECT_EQ(*this->lrange("h", 0, 10), (Strings{"d", "c"}));
}

TYPED_TEST(StoreSuite, MapWithFieldExpiry) {
  ASSERT_TRUE(this->mset("m", "a", "1", 10));
  ASSERT_TRUE(this->mset("m", "b", "2", 0));
  ASSERT_TRUE(this->mset("m", "c", "3", 20));
  EXPECT_EQ(*this->mget("m", "a"), some("1"));
  EXPECT_EQ(*this->mget("m", "zz"), std::nullopt);
  EXPECT_EQ(*this->mget("none", "a"), std::nullopt);
  EXPECT_EQ(*this->mall("m"), (Pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  this->now_ += 10;
  EXPECT_EQ(*this->mget("m", "a"), std::nullopt);
  EXPECT_EQ(*this->mall("m"), (Pairs{{"b", "2"}, {"c", "3"}}));
  // Overwriting changes the value and the expiry.
  ASSERT_TRUE(this->mset("m", "c", "33", 100));
  this->now_ += 50;
  EXPECT_EQ(*this->mget("m", "c"), some("33"));
  ASSERT_TRUE(this->mdel("m", "b"));
  ASSERT_TRUE(this->mdel("m", "b"));  // already gone: fine
  EXPECT_EQ(*this->mall("m"), (Pairs{{"c", "33"}}));
  this->now_ += 100;
  EXPECT_EQ(*this->mall("m"), Pairs{});
  // A map whose fields are all gone is gone: the key can hold something else.
  ASSERT_TRUE(this->mset("m2", "x", "1"));
  ASSERT_TRUE(this->mdel("m2", "x"));
  ASSERT_TRUE(this->lpush("m2", "now a list", 5));
  EXPECT_EQ(*this->lrange("m2", 0, 5), (Strings{"now a list"}));
  EXPECT_TRUE(this->mdel("missing", "x"));
  EXPECT_EQ(*this->mall("missing"), Pairs{});
}

TYPED_TEST(StoreSuite, KeysHoldOneKind) {
  ASSERT_TRUE(this->set("v", "x"));
  auto e1 = this->lpush("v", "y", 3);
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code, ErrorCode::kInvalidInput);
  ASSERT_TRUE(this->lpush("l", "y", 3));
  auto e2 = this->get("l");
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().code, ErrorCode::kInvalidInput);
  EXPECT_FALSE(this->incr("l", 1));
  EXPECT_FALSE(this->dadd("l", "m", 10));
  EXPECT_FALSE(this->mset("l", "f", "v"));
  EXPECT_FALSE(this->wadd("v", 1, 10));
  ASSERT_TRUE(this->dadd("d", "m", 10));
  EXPECT_FALSE(this->lrange("d", 0, 1));
  EXPECT_FALSE(this->mall("d"));
  EXPECT_EQ(*this->lrange("l", 0, 5), (Strings{"y"}));  // failed ops changed nothing
  // set replaces any kind; del removes any kind.
  ASSERT_TRUE(this->set("l", "value now"));
  EXPECT_EQ(*this->get("l"), some("value now"));
  ASSERT_TRUE(this->del("d"));
  EXPECT_EQ(this->dadd("d", "m", 10)->count, 1u);
  // An expired key is absent to reads, whatever it held.
  ASSERT_TRUE(this->lpush("gone", "x", 3, 5));
  this->now_ += 6;
  EXPECT_EQ(*this->lrange("gone", 0, 3), Strings{});
  ASSERT_TRUE(this->set("gone", "v"));
  EXPECT_EQ(*this->get("gone"), some("v"));
}

TYPED_TEST(StoreSuite, BinaryKeysValuesFieldsMembers) {
  std::string key("k\0\xff\n\x01:", 6);
  std::string value("\0\x01\x02\xfe", 4);
  ASSERT_TRUE(this->set(key, value));
  EXPECT_EQ(*this->get(key), some(value));
  EXPECT_EQ(*this->get(std::string("k\0\xff", 3)), std::nullopt);
  std::string field("f\0:", 3);
  ASSERT_TRUE(this->mset("bm", field, value));
  EXPECT_EQ(*this->mall("bm"), (Pairs{{field, value}}));
  ASSERT_TRUE(this->dadd("bd", std::string("m\0", 2), 10));
  EXPECT_EQ(*this->dmembers("bd", 10), (Strings{std::string("m\0", 2)}));
  ASSERT_TRUE(this->lpush("bl", value, 2));
  EXPECT_EQ(*this->lrange("bl", 0, 2), (Strings{value}));
  // Long keys, fields and members (beyond LMDB's 511-byte keys).
  std::string long_key(1000, 'k');
  long_key[500] = '\0';
  std::string long_field(700, 'f');
  std::string long_member(900, 'm');
  ASSERT_TRUE(this->set(long_key, "long"));
  EXPECT_EQ(*this->get(long_key), some("long"));
  std::string other = long_key;
  other.back() = 'x';
  EXPECT_EQ(*this->get(other), std::nullopt);
  ASSERT_TRUE(this->mset(long_key + "m", long_field, "v"));
  ASSERT_TRUE(this->mset(long_key + "m", "short", "w"));
  EXPECT_EQ(*this->mget(long_key + "m", long_field), some("v"));
  EXPECT_EQ(*this->mall(long_key + "m"), (Pairs{{long_field, "v"}, {"short", "w"}}));
  ASSERT_TRUE(this->dadd(long_key + "d", long_member, 10));
  this->now_ += 1;
  ASSERT_TRUE(this->dadd(long_key + "d", "short", 10));
  EXPECT_EQ(*this->dmembers(long_key + "d", 10), (Strings{"short", long_member}));
  EXPECT_FALSE(this->dadd(long_key + "d", long_member, 10)->was_new);
  ASSERT_TRUE(this->lpush(long_key + "l", "x", 2));
  EXPECT_EQ(*this->lrange(long_key + "l", 0, 2), (Strings{"x"}));
}

TYPED_TEST(StoreSuite, SizeLimits) {
  // max_value_size is 4096 in this fixture.
  std::string big(5000, 'x');
  auto e = this->set("k", big);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::kLimit);
  EXPECT_EQ(this->get(big).error().code, ErrorCode::kLimit);
  EXPECT_EQ(this->mset("m", big, "v").error().code, ErrorCode::kLimit);
  EXPECT_EQ(this->dadd("d", big, 10).error().code, ErrorCode::kLimit);
  EXPECT_EQ(this->lpush("l", big, 3).error().code, ErrorCode::kLimit);
  EXPECT_TRUE(this->set("k", std::string(4096, 'y')));
  EXPECT_EQ(this->set("k", "v", std::numeric_limits<double>::infinity()).error().code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(this->dadd("d", "m", -1).error().code, ErrorCode::kInvalidInput);
}

TYPED_TEST(StoreSuite, ManyOperationsInFlight) {
  constexpr int kKeys = 10, kPerKey = 100;
  int done = 0, failed = 0;
  std::vector<OpPtr> ops;
  for (int i = 0; i < kPerKey; ++i) {
    for (int k = 0; k < kKeys; ++k) {
      ops.push_back(this->store_->incr("n" + std::to_string(k), 1, 0, [&](Result<int64_t> r) {
        ++done;
        if (!r) ++failed;
      }));
      ops.push_back(this->store_->list_push("hist", std::to_string(i * kKeys + k), 50, 0,
                                            [&](Status s) {
                                              ++done;
                                              if (!s) ++failed;
                                            }));
    }
  }
  EXPECT_EQ(done, 0);
  ASSERT_TRUE(run_until(this->d_, [&] { return done == 2 * kKeys * kPerKey; }, 30));
  EXPECT_EQ(failed, 0);
  for (int k = 0; k < kKeys; ++k) {
    EXPECT_EQ(*this->get("n" + std::to_string(k)), some(std::to_string(kPerKey)));
  }
  auto h = this->lrange("hist", 0, 100);
  ASSERT_EQ(h->size(), 50u);
  EXPECT_EQ(h->front(), std::to_string(kKeys * kPerKey - 1));  // pushed in order
  EXPECT_EQ(h->back(), std::to_string(kKeys * kPerKey - 50));
}

TYPED_TEST(StoreSuite, CallbacksNeverInline) {
  // Errors found before any I/O are delivered later too.
  int calls = 0;
  bool returned = false;
  bool inline_call = false;
  auto note = [&] {
    ++calls;
    if (!returned) inline_call = true;
  };
  std::vector<OpPtr> ops;
  ops.push_back(this->store_->set(std::string(5000, 'k'), "v", 0, [&](Status) { note(); }));
  ops.push_back(this->store_->window_add("w", 1, -1, [&](Result<double>) { note(); }));
  ops.push_back(this->store_->distinct_members("d", 10, 0, [&](Result<Strings>) { note(); }));
  ops.push_back(this->store_->list_range("l", 0, 0, [&](Result<Strings>) { note(); }));
  ops.push_back(this->store_->get("g", [&](Result<std::optional<std::string>>) { note(); }));
  returned = true;
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(inline_call);
  ASSERT_TRUE(run_until(this->d_, [&] { return calls == 5; }));
}

TYPED_TEST(StoreSuite, DroppingTheHandleCancelsTheCallback) {
  int calls = 0;
  {
    auto op1 = this->store_->set("c", "v", 0, [&](Status) { ++calls; });
    auto op2 = this->store_->get("c", [&](Result<std::optional<std::string>>) { ++calls; });
    auto op3 = this->store_->window_add("w", 1, 1, [&](Result<double>) { ++calls; });
    auto op4 = this->store_->incr(std::string(5000, 'k'), 1, 0, [&](Result<int64_t>) {
      ++calls;
    });
  }
  // One kept, to know when the store has answered what was before it.
  bool last = false;
  auto keep = this->store_->del("other", [&](Status) { last = true; });
  ASSERT_TRUE(run_until(this->d_, [&] { return last; }));
  run_for(this->d_, 0.1);
  EXPECT_EQ(calls, 0);
  // The operation itself still ran.
  EXPECT_EQ(*this->get("c"), some("v"));
}

TYPED_TEST(StoreSuite, DestroyingTheStoreDropsPendingCallbacks) {
  int calls = 0;
  std::vector<OpPtr> ops;
  for (int i = 0; i < 20; ++i) {
    ops.push_back(this->store_->incr("x", 1, 0, [&](Result<int64_t>) { ++calls; }));
  }
  ops.push_back(this->store_->get(std::string(5000, 'k'),
                                  [&](Result<std::optional<std::string>>) { ++calls; }));
  this->store_.reset();
  run_for(this->d_, 0.2);
  EXPECT_EQ(calls, 0);
  ops.clear();  // handles outlive the store safely
}

TYPED_TEST(StoreSuite, CallbackMayDestroyTheStore) {
  int calls = 0;
  std::vector<OpPtr> ops;
  for (int i = 0; i < 5; ++i) {
    ops.push_back(this->store_->incr("y", 1, 0, [&](Result<int64_t>) {
      ++calls;
      this->store_.reset();
    }));
  }
  ASSERT_TRUE(run_until(this->d_, [&] { return calls > 0; }));
  run_for(this->d_, 0.1);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace mw::store
