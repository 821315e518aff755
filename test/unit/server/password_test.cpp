// Controller passwords: PBKDF2 hashes, and PasswordCheck (off the loop, rate-limited,
// verified passwords remembered, concurrent checks of one password coalesced).
#include "server/password.h"

#include <gtest/gtest.h>

#include <vector>

#include "server/password_check.h"

namespace mw::server {
namespace {

using Outcome = PasswordCheck::Outcome;

TEST(Password, HashAndVerify) {
  auto h = hash_password("writer", 1000);
  ASSERT_TRUE(h);
  EXPECT_TRUE(is_password_hash(*h));
  EXPECT_TRUE(verify_password("writer", *h));
  EXPECT_FALSE(verify_password("writer2", *h));
  EXPECT_FALSE(verify_password("writer", "not a hash"));
}

// Runs the loop until `outcomes` holds `n` answers.
void wait_for(core::Dispatcher& d, const std::vector<Outcome>& outcomes, size_t n) {
  double until = d.monotonic() + 10;
  while (outcomes.size() < n && d.monotonic() < until) d.run_once_nonblock();
}

struct Fixture {
  core::Dispatcher d;
  std::unique_ptr<PasswordCheck> check;
  std::vector<Outcome> out;
  Fixture(size_t max_failures = 10, double cache_ttl = 60) {
    PasswordCheckOptions o;
    o.write_hash = *hash_password("writer", 20000);
    o.read_hash = *hash_password("reader", 20000);
    o.max_failures = max_failures;
    o.cache_ttl = cache_ttl;
    check = std::make_unique<PasswordCheck>(d, o);
  }
  void ask(const std::string& client, const std::string& pw) {
    check->check(client, pw, [this](Outcome o) { out.push_back(o); });
  }
};

TEST(PasswordCheck, AnswersOffTheLoopAndRemembersOnlySuccesses) {
  Fixture f;
  f.ask("192.0.2.1", "writer");
  EXPECT_TRUE(f.out.empty());  // computed on the helper thread, not inside check()
  wait_for(f.d, f.out, 1);
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0], Outcome::kWriteHash);
  f.ask("192.0.2.1", "writer");  // remembered: answered at once
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[1], Outcome::kWriteHash);
  f.ask("192.0.2.1", "reader");
  wait_for(f.d, f.out, 3);
  EXPECT_EQ(f.out[2], Outcome::kReadHash);
  f.ask("192.0.2.1", "wrong");
  wait_for(f.d, f.out, 4);
  EXPECT_EQ(f.out[3], Outcome::kWrong);
  f.ask("192.0.2.1", "wrong");  // a failure is never remembered: computed again
  EXPECT_EQ(f.out.size(), 4u);
  wait_for(f.d, f.out, 5);
  EXPECT_EQ(f.out[4], Outcome::kWrong);
  EXPECT_EQ(f.check->failures("192.0.2.1"), 2u);
}

TEST(PasswordCheck, WrongPasswordsAreLimitedPerAddress) {
  Fixture f(3);
  for (int i = 0; i < 3; ++i) f.ask("192.0.2.1", "guess" + std::to_string(i));
  // Three guesses in flight already count: the fourth is refused without hashing.
  f.ask("192.0.2.1", "writer");
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0], Outcome::kLimited);
  wait_for(f.d, f.out, 4);
  EXPECT_EQ(f.check->failures("192.0.2.1"), 3u);
  f.ask("192.0.2.1", "writer");
  EXPECT_EQ(f.out.back(), Outcome::kLimited);
  f.ask("192.0.2.2", "writer");  // another address is not affected
  wait_for(f.d, f.out, 6);
  EXPECT_EQ(f.out.back(), Outcome::kWriteHash);
}

TEST(PasswordCheck, ConcurrentRequestsWithOnePasswordShareOneCheck) {
  // rspamc learning in parallel: many requests with the right password at once must neither
  // queue one PBKDF2 each (busy) nor count as many in-flight guesses (limited).
  Fixture f(3);
  for (int i = 0; i < 40; ++i) f.ask("192.0.2.1", "writer");
  EXPECT_TRUE(f.out.empty());
  wait_for(f.d, f.out, 40);
  ASSERT_EQ(f.out.size(), 40u);
  for (Outcome o : f.out) EXPECT_EQ(o, Outcome::kWriteHash);
  EXPECT_EQ(f.check->failures("192.0.2.1"), 0u);
}

}  // namespace
}  // namespace mw::server
