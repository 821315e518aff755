#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace mw::core {
namespace {

size_t seq(std::string_view s, size_t* bad) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  return utf8_sequence(p, p + s.size(), bad);
}

TEST(Utf8, TableThreeSevenBoundaries) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));     // U+D800, a surrogate
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));     // overlong three-byte form
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // overlong four-byte form
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a lone continuation byte
  EXPECT_FALSE(is_valid_utf8("ab\xE2\x82"));        // truncated at the end
  // Checked after a 16-byte ASCII run too.
  EXPECT_FALSE(is_valid_utf8(std::string(16, 'a') + "\xFF"));
  EXPECT_TRUE(is_valid_utf8(std::string(33, 'a') + "\xC3\xA9"));
}

TEST(Utf8, SequenceLengthsAndMaximalSubparts) {
  size_t bad = 0;
  EXPECT_EQ(seq("a", &bad), 1u);
  EXPECT_EQ(seq("\xC3\xA9", &bad), 2u);
  EXPECT_EQ(seq("\xF0\x9F\x98\x80", &bad), 4u);
  EXPECT_EQ(seq("\xE2\x82" "A", &bad), 0u);
  EXPECT_EQ(bad, 2u);  // E2 82 is the maximal subpart: one U+FFFD for both
  EXPECT_EQ(seq("\xE2" "A", &bad), 0u);
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(seq("\xFF", &bad), 0u);
  EXPECT_EQ(bad, 1u);
}

}  // namespace
}  // namespace mw::core
