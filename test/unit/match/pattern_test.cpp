#include "match/pattern.h"

#include <gtest/gtest.h>

#include "match/text_util.h"

namespace mw::match {
namespace {

Pattern parsed(std::string_view text) {
  auto p = parse_pattern(text);
  EXPECT_TRUE(p) << text << ": " << (p ? "" : p.error().message);
  return p ? *p : Pattern{};
}

TEST(PatternParse, SlashDelimited) {
  EXPECT_EQ(parsed("/abc/"), (Pattern{"abc", 0}));
  EXPECT_EQ(parsed("/abc/i"), (Pattern{"abc", kCaseless}));
  EXPECT_EQ(parsed("/a.c/imsx"), (Pattern{"a.c", kCaseless | kMultiline | kDotall | kExtended}));
  EXPECT_EQ(parsed("//"), (Pattern{"", 0}));
  // The closing delimiter is the last slash: inner slashes need no escape.
  EXPECT_EQ(parsed("/a/b/i"), (Pattern{"a/b", kCaseless}));
  EXPECT_EQ(parsed("/https?:\\/\\/x/"), (Pattern{"https?:\\/\\/x", 0}));
}

TEST(PatternParse, MDelimited) {
  EXPECT_EQ(parsed("m{foo}i"), (Pattern{"foo", kCaseless}));
  EXPECT_EQ(parsed("m!a/b!s"), (Pattern{"a/b", kDotall}));
  EXPECT_EQ(parsed("m<y>m"), (Pattern{"y", kMultiline}));
  EXPECT_EQ(parsed("m#z#u"), (Pattern{"z", kUtf8}));
  EXPECT_EQ(parsed("m{a{2}b}"), (Pattern{"a{2}b", 0}));
  EXPECT_EQ(parsed("m##"), (Pattern{"", 0}));
  EXPECT_EQ(parsed("m/x/i"), (Pattern{"x", kCaseless}));
}

TEST(PatternParse, PlainStrings) {
  EXPECT_EQ(parsed("viagra"), (Pattern{"viagra", 0}));
  EXPECT_EQ(parsed("money"), (Pattern{"money", 0}));
  EXPECT_EQ(parsed(""), (Pattern{"", 0}));
  // `m` + punctuation without a usable closing delimiter is an ordinary regexp.
  EXPECT_EQ(parsed("m+"), (Pattern{"m+", 0}));
  EXPECT_EQ(parsed("m(a|b)c"), (Pattern{"m(a|b)c", 0}));
  EXPECT_EQ(parsed("m[ae]n"), (Pattern{"m[ae]n", 0}));
  EXPECT_EQ(parsed("m|n"), (Pattern{"m|n", 0}));
  EXPECT_EQ(parsed("m.a."), (Pattern{"m.a.", 0}));
  EXPECT_EQ(parsed("m{2}"), (Pattern{"m{2}", 0}));
  EXPECT_EQ(parsed("m{2,5}x"), (Pattern{"m{2,5}x", 0}));
  EXPECT_EQ(parsed("m!x"), (Pattern{"m!x", 0}));        // no closing delimiter
  EXPECT_EQ(parsed("m!x!yz"), (Pattern{"m!x!yz", 0}));  // not flags after it
  EXPECT_EQ(parsed("\\/x/i"), (Pattern{"\\/x/i", 0}));
}

TEST(PatternParse, Errors) {
  for (std::string_view bad : {"/", "/abc", "/abc/q", "/abc/iZ", "/x/ i", "/x/\xff"}) {
    auto p = parse_pattern(bad);
    EXPECT_FALSE(p) << bad;
    if (!p) {
      EXPECT_EQ(p.error().code, ErrorCode::kInvalidInput);
    }
  }
  auto p = parse_pattern("/abc/iq");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("'q'"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("/abc/iq"), std::string::npos);
  auto q = parse_pattern("/abc");
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message.find("unterminated"), std::string::npos);
  // Non-printable bytes are escaped in messages.
  auto r = parse_pattern("/x/\x01");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("\\x01"), std::string::npos) << r.error().message;
}

TEST(PatternParse, CallerFlagLetters) {
  std::string extra;
  auto p = parse_pattern("/abc/iPu", "HXPMU", &extra);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (Pattern{"abc", kCaseless | kUtf8}));
  EXPECT_EQ(extra, "P");
  auto q = parse_pattern("m{x}XHi", "HXPMU", &extra);
  ASSERT_TRUE(q);
  EXPECT_EQ(*q, (Pattern{"x", kCaseless}));
  EXPECT_EQ(extra, "XH");
  auto plain = parse_pattern("word", "HXPMU", &extra);
  ASSERT_TRUE(plain);
  EXPECT_EQ(extra, "");
  EXPECT_FALSE(parse_pattern("/abc/Z", "HXPMU", &extra));
  EXPECT_FALSE(parse_pattern("/abc/P"));
  EXPECT_TRUE(parse_pattern("/abc/P", "P", nullptr));
}

TEST(PatternParse, AllFlags) {
  Pattern p = parsed("/x/imsxuOLA");
  EXPECT_TRUE(p.has(kCaseless));
  EXPECT_TRUE(p.has(kMultiline));
  EXPECT_TRUE(p.has(kDotall));
  EXPECT_TRUE(p.has(kExtended));
  EXPECT_TRUE(p.utf8());
  EXPECT_TRUE(p.has(kNoOpt));
  EXPECT_TRUE(p.has(kLeftmost));
  EXPECT_TRUE(p.has(kAnchored));
  EXPECT_FALSE(p.has(kRaw));
  // u and r cancel each other: the last one wins.
  EXPECT_EQ(parsed("/x/ur").flags, static_cast<uint32_t>(kRaw));
  EXPECT_EQ(parsed("/x/ru").flags, static_cast<uint32_t>(kUtf8));
  EXPECT_EQ(parsed("/x/ii").flags, static_cast<uint32_t>(kCaseless));
}

TEST(PatternFormat, RoundTrips) {
  EXPECT_EQ(flags_string(kAnchored | kCaseless | kUtf8 | kNoOpt), "iuOA");
  EXPECT_EQ(flags_string(0), "");
  for (std::string_view text : {"/abc/", "/a/b/i", "m{x}ms", "plain", "/x/rOL", "//", "/\\//x",
                                "/caf\xc3\xa9/iu", "m!a!A", "m{2}"}) {
    Pattern p = parsed(text);
    auto again = parse_pattern(format_pattern(p));
    ASSERT_TRUE(again) << text;
    EXPECT_EQ(*again, p) << text;
  }
  EXPECT_EQ(format_pattern(Pattern{"a/b", kCaseless | kDotall}), "/a/b/is");
}

TEST(PatternFormat, Describe) {
  EXPECT_EQ(describe_pattern(Pattern{"ab\ncd\xff", kCaseless}), "/ab\\x0Acd\\xFF/i");
  std::string longer(200, 'a');
  std::string d = describe_pattern(Pattern{longer, 0}, 20);
  EXPECT_EQ(d, "/" + std::string(19, 'a') + "...");
}

TEST(TextUtil, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong /
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("abc\x80"));           // lone continuation
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xc3"));      // truncated
  EXPECT_FALSE(is_valid_utf8("\xff"));
}

TEST(TextUtil, ClampKeepsCharacters) {
  std::string s =
      "ab\xc3\xa9"
      "cd";  // a b é c d
  EXPECT_EQ(clamp_subject(s, 0), s);
  EXPECT_EQ(clamp_subject(s, 100), s);
  EXPECT_EQ(clamp_subject(s, 3), "ab");  // would split é
  EXPECT_EQ(clamp_subject(s, 4), "ab\xc3\xa9");
  EXPECT_EQ(clamp_subject(s, 2), "ab");
  std::string emoji = "\xf0\x9f\x98\x80\xf0\x9f\x98\x80";
  EXPECT_EQ(clamp_subject(emoji, 7), "\xf0\x9f\x98\x80");
  // Binary junk: at most three bytes are given back.
  std::string junk(10, '\x80');
  EXPECT_EQ(clamp_subject(junk, 8).size(), 5u);
}

}  // namespace
}  // namespace mw::match
