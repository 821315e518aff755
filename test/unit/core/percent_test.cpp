#include "core/percent.h"

#include <gtest/gtest.h>

namespace mw::core {
namespace {

TEST(Percent, DecodesEscapesOfEitherCase) {
  EXPECT_EQ(percent_decode("a%41%7e%7E%20b"), "aA~~ b");
  EXPECT_EQ(percent_decode("%00x"), std::string("\0x", 2));
  EXPECT_EQ(percent_decode("%C3%A9"), "\xC3\xA9");
}

TEST(Percent, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(percent_decode("%2x%%4"), "%2x%%4");
  EXPECT_EQ(percent_decode("%"), "%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("100%"), "100%");
}

TEST(Percent, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b%2B"), "a+b+");
  EXPECT_EQ(percent_decode("a+b%2B", {.plus_is_space = true}), "a b+");
}

TEST(Percent, ControlsCanStayEscaped) {
  EXPECT_EQ(percent_decode("a%41%2x%%7e%0A%7F", {.keep_controls = true}), "aA%2x%~%0A%7F");
  EXPECT_EQ(percent_decode("%0A%7F"), "\n\x7F");
}

TEST(Percent, AppendsToWhatIsThere) {
  std::string out = "x=";
  append_percent_decoded(out, "%31");
  EXPECT_EQ(out, "x=1");
}

}  // namespace
}  // namespace mw::core
