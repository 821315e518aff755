#include "core/privileges.h"

#include <gtest/gtest.h>

namespace mw::core {
namespace {

TEST(Privileges, FindsUsersAndGroupsByNameOrNumber) {
  auto by_name = find_identity("nobody", "");
  ASSERT_TRUE(by_name) << by_name.error().to_string();
  EXPECT_EQ(by_name->user, "nobody");
  EXPECT_NE(by_name->uid, 0u);
  auto by_number = find_identity(std::to_string(by_name->uid), std::to_string(by_name->gid));
  ASSERT_TRUE(by_number) << by_number.error().to_string();
  EXPECT_EQ(by_number->uid, by_name->uid);
  EXPECT_EQ(by_number->user, "nobody");  // the number's entry gives the name
  EXPECT_EQ(by_number->gid, by_name->gid);
}

TEST(Privileges, UnknownNamesFailUnknownNumbersAreUsedAsThey) {
  auto user = find_identity("no-such-user-mailward", "");
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().code, ErrorCode::kNotFound);
  auto group = find_identity("nobody", "no-such-group-mailward");
  ASSERT_FALSE(group);
  EXPECT_EQ(group.error().code, ErrorCode::kNotFound);
  auto numbers = find_identity("4000123", "4000124");  // no entries: taken as they are
  ASSERT_TRUE(numbers) << numbers.error().to_string();
  EXPECT_EQ(numbers->uid, 4000123u);
  EXPECT_EQ(numbers->gid, 4000124u);
  EXPECT_EQ(numbers->user, "4000123");
  EXPECT_EQ(numbers->group, "4000124");
}

TEST(Privileges, RootIsRefused) {
  auto root = find_identity("root", "");
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().code, ErrorCode::kInvalidInput);
  EXPECT_FALSE(find_identity("0", "0"));
}

}  // namespace
}  // namespace mw::core
