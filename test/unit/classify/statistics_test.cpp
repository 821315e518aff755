// Statistics in the store (statistics.h, learn.h) on both backends: learning, refusing the
// same message twice, moving it to the other class, forgetting, per-user tables, /stat
// totals, and Rspamd's wording of the outcomes.
#include "classify/statistics.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "../store/backends.h"
#include "classify/learn.h"

namespace mw::classify {
namespace {

using store::testing::LmdbBackend;
using store::testing::RedisBackend;

template <typename B>
class StatisticsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { B::suite_up(); }
  static void TearDownTestSuite() { B::suite_down(); }

  void SetUp() override {
    if (auto why = B::unavailable(); !why.empty()) GTEST_SKIP() << why;
    store_ = backend_.make(d_, log_, [this] { return now_; }, store::Limits{});
    ASSERT_NE(store_, nullptr);
    options_.min_tokens = 3;
  }

  template <typename T, typename Start>
  Result<T> run(Start start) {
    auto r = store::testing::run_op<T>(d_, start);
    EXPECT_TRUE(r.has_value() || r.error().message != "test: no callback") << "no callback";
    return r;
  }
  Result<LearnResult> learn(const Table& t, const std::string& digest,
                            std::vector<uint64_t> ids, Class c) {
    return run<LearnResult>(
        [&](auto cb) { return classify::learn(*store_, t, digest, ids, c, 0, cb); });
  }
  Result<LearnResult> forget(const Table& t, const std::string& digest,
                             std::vector<uint64_t> ids) {
    return run<LearnResult>(
        [&](auto cb) { return classify::forget(*store_, t, digest, ids, cb); });
  }
  Result<Snapshot> read(const Table& t, std::vector<uint64_t> ids) {
    return run<Snapshot>([&](auto cb) { return classify::read(*store_, t, ids, cb); });
  }
  Result<Report> learn_raw(const std::string& raw, std::optional<Class> c,
                           scan::Envelope env = {}) {
    return run<Report>([&](auto cb) {
      return learn_message(d_, *store_, parser_, splitter_, options_, mime::Limits{}, 64 << 20,
                           raw, env, c, cb);
    });
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  double now_ = 1'700'000'000.0;
  B backend_;
  store::StorePtr store_;
  mime::Parser parser_;
  WordSplitter splitter_;
  BayesOptions options_;
};

using store::testing::BackendNames;
using store::testing::Backends;
TYPED_TEST_SUITE(StatisticsTest, Backends, BackendNames);

TYPED_TEST(StatisticsTest, LearnRefuseMoveForget) {
  Table g = global_table();
  std::vector<uint64_t> m1 = {11, 12, 13}, m2 = {12, 14};
  auto r = this->learn(g, "d1", m1, Class::kSpam);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, LearnResult::kLearned);
  EXPECT_EQ(*this->learn(g, "d2", m2, Class::kHam), LearnResult::kLearned);
  EXPECT_EQ(*this->learn(g, "d1", m1, Class::kSpam), LearnResult::kAlreadyLearned);
  auto s = this->read(g, {11, 12, 14, 99});
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->learns_spam, 1u);
  EXPECT_EQ(s->learns_ham, 1u);
  ASSERT_EQ(s->counts.size(), 4u);
  EXPECT_EQ(s->counts[0].spam, 1u);
  EXPECT_EQ(s->counts[1].spam, 1u);
  EXPECT_EQ(s->counts[1].ham, 1u);
  EXPECT_EQ(s->counts[2].ham, 1u);
  EXPECT_EQ(s->counts[3].spam + s->counts[3].ham, 0u);
  // Learning d1 as ham moves it: spam counts down, ham counts up.
  EXPECT_EQ(*this->learn(g, "d1", m1, Class::kHam), LearnResult::kRelearned);
  s = this->read(g, {11, 12});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->learns_spam, 0u);
  EXPECT_EQ(s->learns_ham, 2u);
  EXPECT_EQ(s->counts[0].spam, 0u);
  EXPECT_EQ(s->counts[0].ham, 1u);
  EXPECT_EQ(s->counts[1].ham, 2u);
  EXPECT_EQ(*this->learn(g, "d1", m1, Class::kHam), LearnResult::kAlreadyLearned);
  // Forget: undone, and forgetting again says so.
  EXPECT_EQ(*this->forget(g, "d1", m1), LearnResult::kForgotten);
  EXPECT_EQ(*this->forget(g, "d1", m1), LearnResult::kNotLearned);
  s = this->read(g, {11, 12});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->learns_ham, 1u);
  EXPECT_EQ(s->counts[0].ham, 0u);
  EXPECT_EQ(s->counts[1].ham, 1u);
  EXPECT_EQ(*this->learn(g, "d1", m1, Class::kSpam), LearnResult::kLearned);  // as new again
}

TYPED_TEST(StatisticsTest, PerUserTablesAndInfo) {
  BayesOptions o;
  o.per_user = true;
  scan::Envelope alice, bob, nobody;
  alice.user = "Alice@Example.COM";
  bob.rcpts = {"bob@example.org", "carol@example.org"};
  Table ta = table_for(o, alice), tb = table_for(o, bob), tg = table_for(o, nobody);
  EXPECT_EQ(stat_user(alice), "alice@example.com");
  EXPECT_EQ(stat_user(bob), "bob@example.org");
  EXPECT_EQ(tg.tokens, global_table().tokens);
  EXPECT_NE(ta.tokens, tb.tokens);
  EXPECT_EQ(ta.tokens.find("alice"), std::string::npos);  // names are not stored
  o.per_user = false;
  EXPECT_EQ(table_for(o, alice).tokens, global_table().tokens);

  ASSERT_TRUE(this->learn(ta, "x", {1, 2, 3}, Class::kSpam));
  ASSERT_TRUE(this->learn(tb, "x", {1, 2}, Class::kHam));  // same digest, other user: new
  ASSERT_TRUE(this->learn(tg, "y", {5}, Class::kHam));
  auto sa = this->read(ta, {1});
  auto sb = this->read(tb, {1});
  ASSERT_TRUE(sa && sb);
  EXPECT_EQ(sa->learns_spam, 1u);
  EXPECT_EQ(sa->counts[0].spam, 1u);
  EXPECT_EQ(sb->learns_ham, 1u);
  EXPECT_EQ(sb->counts[0].spam, 0u);
  auto info = this->template run<Info>(
      [&](auto cb) { return classify::info(*this->store_, 100, cb); });
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->users, 2u);
  EXPECT_EQ(info->spam.learns, 1u);
  EXPECT_EQ(info->ham.learns, 2u);
  EXPECT_EQ(info->spam.tokens, 1u + 3u);  // row 0 and the three tokens of alice's table
  EXPECT_EQ(info->ham.tokens, 1u + 2u + 2u);
  EXPECT_GT(info->spam.bytes + info->ham.bytes, 0u);
  EXPECT_EQ(info->learned, 3u);
}

TYPED_TEST(StatisticsTest, WholeMessagesWithRspamdWording) {
  std::string raw =
      "From: a@example.com\r\nTo: b@example.org\r\nSubject: cheap watches\r\n"
      "Message-ID: <abc@example.com>\r\n\r\nBuy cheap replica watches today, best prices.\r\n";
  auto r = this->learn_raw(raw, Class::kSpam);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->outcome, Outcome::kLearned);
  EXPECT_GT(r->tokens, 20u);
  // The same content with another header is the same message.
  r = this->learn_raw("Received: from x by y; Mon, 1 Jan 2024 10:00:00 +0000\r\n" + raw,
                      Class::kSpam);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, Outcome::kAlreadyLearned);
  EXPECT_EQ(r->text(), "<abc@example.com> has been already learned as spam, ignore it");
  r = this->learn_raw(raw, Class::kHam);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, Outcome::kRelearned);
  r = this->learn_raw(raw, std::nullopt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, Outcome::kForgotten);
  // Too few tokens: refused with Rspamd's message, nothing stored.
  this->options_.min_tokens = 1000;
  r = this->learn_raw("Subject: x\r\n\r\nhi\r\n", Class::kSpam);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, Outcome::kTooFewTokens);
  EXPECT_EQ(r->text().rfind("<undef> contains less tokens than required for bayes classifier: ",
                            0),
            0u);
  EXPECT_NE(r->text().find(" < 1000"), std::string::npos);
}

}  // namespace
}  // namespace mw::classify
