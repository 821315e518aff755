// Countdown (server/countdown.h): the join of a route's store operations.
#include "server/countdown.h"

#include <gtest/gtest.h>

namespace mw::server {
namespace {

TEST(Countdown, FinishesOnceAfterTheStartersShare) {
  Countdown c;
  c.add();
  c.add(2);
  EXPECT_EQ(c.left(), 4u);
  // Operations calling back before the starter is done do not finish the join.
  EXPECT_FALSE(c.release());
  EXPECT_FALSE(c.release());
  EXPECT_FALSE(c.release());
  EXPECT_TRUE(c.release());  // the starter's share, last
  EXPECT_FALSE(c.release());  // beyond add() + 1: a bug, never a second finish
  EXPECT_EQ(c.left(), 0u);
}

TEST(Countdown, NothingStartedFinishesWithTheStarter) {
  Countdown c;
  EXPECT_TRUE(c.release());
}

}  // namespace
}  // namespace mw::server
