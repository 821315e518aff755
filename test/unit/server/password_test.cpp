// Controller passwords: PBKDF2 hashes and the cache of passwords that verified.
#include "server/password.h"

#include <gtest/gtest.h>

namespace mw::server {
namespace {

TEST(PasswordCache, RemembersOnlyWhatVerified) {
  auto writer = hash_password("writer", 1000);
  auto reader = hash_password("reader", 1000);
  ASSERT_TRUE(writer && reader);
  PasswordCache cache;
  EXPECT_FALSE(cache.verify("wrong", *writer));
  EXPECT_TRUE(cache.verify("writer", *writer));
  EXPECT_TRUE(cache.verify("writer", *writer));   // from the cache
  EXPECT_FALSE(cache.verify("writer", *reader));  // the right password for another hash
  EXPECT_FALSE(cache.verify("wrong", *writer));   // failures are never remembered
  EXPECT_FALSE(cache.verify("writer2", *writer));
  EXPECT_TRUE(cache.verify("reader", *reader));
  EXPECT_FALSE(cache.verify("writer", "not a hash"));
  // More passwords than entries: the oldest is verified again (still right).
  for (int i = 0; i < 20; ++i) {
    auto h = hash_password("p" + std::to_string(i), 1000);
    ASSERT_TRUE(h);
    EXPECT_TRUE(cache.verify("p" + std::to_string(i), *h));
  }
  EXPECT_TRUE(cache.verify("writer", *writer));
}

}  // namespace
}  // namespace mw::server
