#include "core/ascii.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace mw::core {
namespace {

TEST(Ascii, ClassesAreAsciiOnly) {
  EXPECT_TRUE(is_alpha('a') && is_alpha('Z'));
  EXPECT_FALSE(is_alpha('@') || is_alpha('[') || is_alpha('`') || is_alpha('{'));
  EXPECT_FALSE(is_alpha('\xC4') || is_alpha('\xE4'));  // Latin-1 letters are not ASCII
  EXPECT_TRUE(is_digit('0') && is_digit('9') && !is_digit('a'));
  EXPECT_TRUE(is_alnum('q') && is_alnum('7') && !is_alnum('_'));
  EXPECT_TRUE(is_xdigit('f') && is_xdigit('F') && !is_xdigit('g'));
  EXPECT_TRUE(is_upper('Q') && !is_upper('q') && is_lower('q'));
  EXPECT_TRUE(is_8bit('\x80') && !is_8bit('\x7f'));
}

TEST(Ascii, WhitespaceSetsNest) {
  for (char c : std::string(" \t")) EXPECT_TRUE(is_wsp(c) && is_fws(c) && is_space(c));
  for (char c : std::string("\r\n")) EXPECT_TRUE(!is_wsp(c) && is_fws(c) && is_space(c));
  for (char c : std::string("\v\f")) EXPECT_TRUE(!is_fws(c) && is_space(c));
  EXPECT_FALSE(is_space('\0') || is_space('x') || is_space('\xA0'));
}

TEST(Ascii, HexValue) {
  EXPECT_EQ(hex_value('0'), 0);
  EXPECT_EQ(hex_value('9'), 9);
  EXPECT_EQ(hex_value('a'), 10);
  EXPECT_EQ(hex_value('F'), 15);
  EXPECT_EQ(hex_value('g'), -1);
  EXPECT_EQ(hex_value('G'), -1);
  EXPECT_EQ(hex_value(' '), -1);
}

TEST(Ascii, CaseFoldingLeavesOtherBytesAlone) {
  EXPECT_EQ(to_lower('A'), 'a');
  EXPECT_EQ(to_lower('['), '[');
  EXPECT_EQ(to_upper('z'), 'Z');
  EXPECT_EQ(to_upper('{'), '{');
  EXPECT_EQ(to_lower("MiXeD-\xC4\xD6.Example"), "mixed-\xC4\xD6.example");
  std::string s = "ABC def";
  lower_in_place(s);
  EXPECT_EQ(s, "abc def");
  EXPECT_TRUE(has_upper("abC"));
  EXPECT_FALSE(has_upper("abc-\xC4"));
}

TEST(Ascii, IsAsciiChecksEveryByteIncludingTheTail) {
  EXPECT_TRUE(is_ascii(""));
  EXPECT_TRUE(is_ascii(std::string(100, 'a')));
  for (size_t pos : {0u, 7u, 15u, 16u, 31u, 39u}) {
    std::string s(40, 'a');
    s[pos] = '\x80';
    EXPECT_FALSE(is_ascii(s)) << pos;
  }
}

TEST(Ascii, CaseInsensitiveComparison) {
  EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
  EXPECT_FALSE(iequals("Content-Type", "Content-Typ"));
  EXPECT_FALSE(iequals("@", "`"));  // equal under c | 0x20, not as letters
  EXPECT_FALSE(iequals("[", "{"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_TRUE(istarts_with("DKIM-Signature: v=1", "dkim-signature"));
  EXPECT_FALSE(istarts_with("DKIM", "dkim-signature"));
  EXPECT_TRUE(iends_with("mail.EXAMPLE.com", "example.COM"));
  EXPECT_FALSE(iends_with("com", "example.com"));
}

TEST(Ascii, Find) {
  EXPECT_EQ(ifind("<LINK REL=StyleSheet>", "stylesheet"), 10u);
  EXPECT_EQ(ifind("abc", ""), 0u);
  EXPECT_EQ(ifind("ab", "abc"), std::string_view::npos);
  EXPECT_EQ(ifind("aaAB", "ab"), 2u);
  EXPECT_TRUE(icontains("x @IMPORT y", "@import"));
  EXPECT_FALSE(icontains("x @imp", "@import"));
}

TEST(Ascii, TrimSets) {
  EXPECT_EQ(trim_wsp(" \tv=1\r\n"), "v=1\r\n");
  EXPECT_EQ(trim_fws(" \tv=1\r\n"), "v=1");
  EXPECT_EQ(trim_fws("\v v=1 \f"), "\v v=1 \f");
  EXPECT_EQ(trim("\v v=1 \f"), "v=1");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim_if("..a.b..", [](char c) { return c == '.'; }), "a.b");
}

TEST(Ascii, Hex) {
  EXPECT_EQ(hex_digit(0), '0');
  EXPECT_EQ(hex_digit(11), 'b');
  EXPECT_EQ(hex_digit(15, /*upper=*/true), 'F');
  std::string out;
  append_hex(out, 0x0A);
  append_hex(out, 0xFF, true);
  EXPECT_EQ(out, "0aFF");
  EXPECT_EQ(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(hex_encode(""), "");
}

TEST(Ascii, Printable) {
  EXPECT_EQ(printable("plain text"), "plain text");
  EXPECT_EQ(printable(std::string("a\x01" "b\xff\x7f", 5)), "a\\x01b\\xFF\\x7F");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
  EXPECT_EQ(printable("abc", 3), "abc");
}

TEST(Ascii, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
  EXPECT_EQ(edit_distance("nameserver", "nameservers"), 1u);
}

TEST(Ascii, EachFieldVisitsEverySeparatedField) {
  auto fields = [](std::string_view s) {
    std::vector<std::string> out;
    EXPECT_TRUE(each_field(s, '.', [&](std::string_view f) {
      out.emplace_back(f);
      return true;
    }));
    return out;
  };
  EXPECT_EQ(fields("a.bc.d"), (std::vector<std::string>{"a", "bc", "d"}));
  EXPECT_EQ(fields("a..b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(fields("a."), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(fields(""), (std::vector<std::string>{""}));
  // Stops at the first field refused.
  int seen = 0;
  EXPECT_FALSE(each_field("x.y.z", '.', [&](std::string_view f) {
    ++seen;
    return f != "y";
  }));
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace mw::core
