#include "match/regexp.h"

#include <gtest/gtest.h>

#include <string>

namespace mw::match {
namespace {

RegexpPtr re(std::string_view text, bool jit = true) {
  auto r = Regexp::create(text, jit);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? std::move(*r) : nullptr;
}

class RegexpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = RegexpContext::create();
    ASSERT_TRUE(c);
    ctx_ = std::move(*c);
  }
  bool matches(const Regexp& r, std::string_view s) {
    auto m = r.matches(s, *ctx_);
    EXPECT_TRUE(m) << (m ? "" : m.error().message);
    return m && *m;
  }
  RegexpContextPtr ctx_;
};

TEST_F(RegexpTest, MatchesWithFlags) {
  EXPECT_TRUE(matches(*re("/viagra/i"), "Buy VIAGRA now"));
  EXPECT_FALSE(matches(*re("/viagra/"), "Buy VIAGRA now"));
  EXPECT_TRUE(matches(*re("/^b/m"), "a\nb"));
  EXPECT_FALSE(matches(*re("/^b/"), "a\nb"));
  EXPECT_TRUE(matches(*re("/a.b/s"), "a\nb"));
  EXPECT_FALSE(matches(*re("/a.b/"), "a\nb"));
  EXPECT_TRUE(matches(*re("/a b c # comment/x"), "abc"));
  EXPECT_TRUE(matches(*re("/b/"), "ab"));
  EXPECT_FALSE(matches(*re("/b/A"), "ab"));
  EXPECT_TRUE(matches(*re("/b/A"), "ba"));
  EXPECT_TRUE(matches(*re("plain"), "a plain string"));
  EXPECT_TRUE(matches(*re("//"), ""));
}

TEST_F(RegexpTest, Utf8Mode) {
  // \w is Unicode-aware with u, ASCII-only without.
  EXPECT_TRUE(matches(*re("/^\\w+$/u"), "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"));
  EXPECT_FALSE(matches(*re("/^\\w+$/"), "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"));
  // Unicode case folding: "ПРИВЕТ" against "привет".
  EXPECT_TRUE(matches(*re("/\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2/iu"),
                      "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"));
  // `.` is one character in UTF-8 mode, one byte otherwise.
  EXPECT_TRUE(matches(*re("/^caf.$/u"), "caf\xc3\xa9"));
  EXPECT_FALSE(matches(*re("/^caf.$/"), "caf\xc3\xa9"));
  // Invalid UTF-8 in the subject is no error: it just never matches.
  EXPECT_TRUE(matches(*re("/b/u"),
                      "a\xff"
                      "b"));
  EXPECT_FALSE(matches(*re("/^caf.$/u"), "caf\xff"));
}

TEST_F(RegexpTest, FindWithCaptures) {
  auto r = re("/(\\w+)@(\\w+)\\.(com|org)(x)?/");
  ASSERT_EQ(r->capture_count(), 4u);
  std::string s = "mail bob@example.org today";
  auto m = r->find(s, *ctx_);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->has_value());
  const Match& x = **m;
  ASSERT_EQ(x.groups.size(), 5u);
  EXPECT_EQ(x.begin(), 5u);
  EXPECT_EQ(x.end(), 20u);
  EXPECT_EQ(x.groups[0].in(s), "bob@example.org");
  EXPECT_EQ(x.groups[1].in(s), "bob");
  EXPECT_EQ(x.groups[2].in(s), "example");
  EXPECT_EQ(x.groups[3].in(s), "org");
  EXPECT_FALSE(x.groups[4].matched());
  EXPECT_EQ(x.groups[4].in(s), "");
  // From inside the match: its tail is a match of its own.
  auto tail = r->find(s, *ctx_, 6);
  ASSERT_TRUE(tail && tail->has_value());
  EXPECT_EQ((**tail).groups[1].in(s), "ob");
  // From past the only match: none.
  auto none = r->find(s, *ctx_, 20);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto past = r->find(s, *ctx_, s.size() + 10);
  ASSERT_TRUE(past);
  EXPECT_FALSE(past->has_value());
}

TEST_F(RegexpTest, SearchAll) {
  auto r = re("/(\\d+)-(\\d+)/");
  std::string s = "1-2 and 33-44, 5-";
  auto all = r->search(s, *ctx_);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].groups[0].in(s), "1-2");
  EXPECT_EQ((*all)[1].groups[1].in(s), "33");
  EXPECT_EQ((*all)[1].groups[2].in(s), "44");
  EXPECT_EQ((*all)[1].begin(), 8u);
  auto one = r->search(s, *ctx_, 1);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), 1u);
  auto n = r->count(s, *ctx_);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
}

TEST_F(RegexpTest, EmptyMatchesAdvance) {
  // Perl: "axxb" =~ /x*/g matches at 0 (empty), 1..3, 3 (empty), 4 (empty).
  auto r = re("/x*/");
  auto all = r->search("axxb", *ctx_);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].begin(), 0u);
  EXPECT_EQ((*all)[0].end(), 0u);
  EXPECT_EQ((*all)[1].begin(), 1u);
  EXPECT_EQ((*all)[1].end(), 3u);
  EXPECT_EQ((*all)[2].begin(), 3u);
  EXPECT_EQ((*all)[3].begin(), 4u);
  // In UTF-8 mode an empty match moves on by a whole character.
  auto u = re("/x*/u");
  auto um = u->search("\xc3\xa9", *ctx_);
  ASSERT_TRUE(um);
  ASSERT_EQ(um->size(), 2u);
  EXPECT_EQ((*um)[1].begin(), 2u);
}

TEST_F(RegexpTest, Split) {
  auto r = re("/,\\s*/");
  std::string s = "a, b,,c,";
  auto parts = r->split(s, *ctx_);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0], "a");
  EXPECT_EQ((*parts)[1], "b");
  EXPECT_EQ((*parts)[2], "c");
  auto whole = r->split("no separators", *ctx_);
  ASSERT_TRUE(whole);
  ASSERT_EQ(whole->size(), 1u);
  EXPECT_EQ((*whole)[0], "no separators");
  auto empty = r->split("", *ctx_);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  // An empty-matching separator splits between characters.
  auto chars = re("//")->split("abc", *ctx_);
  ASSERT_TRUE(chars);
  ASSERT_EQ(chars->size(), 3u);
  EXPECT_EQ((*chars)[2], "c");
}

TEST_F(RegexpTest, FullMatch) {
  auto r = re("/a+b/");
  auto yes = r->full_match("aaab", *ctx_);
  auto no = r->full_match("aaabc", *ctx_);
  ASSERT_TRUE(yes && no);
  EXPECT_TRUE(*yes);
  EXPECT_FALSE(*no);
}

TEST_F(RegexpTest, CompileErrors) {
  for (std::string_view bad : {"/[a/", "/(abc/", "/a{2,1}/", "/\\/", "/x/q"}) {
    auto r = Regexp::create(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    }
  }
  auto r = Regexp::create("/(abc/");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("at offset"), std::string::npos) << r.error().message;
  // Invalid UTF-8 in a u pattern is a compile error.
  EXPECT_FALSE(Regexp::create("/\xff/u"));
  EXPECT_TRUE(Regexp::create("/\xff/"));
}

TEST_F(RegexpTest, JitChoice) {
  auto with = re("/abc/");
  auto without = re("/abc/", false);
  auto noopt = re("/abc/O");
  EXPECT_FALSE(without->jit());
  EXPECT_FALSE(noopt->jit());
  // Whether JIT is present depends on the PCRE2 build; all three answer the same.
  for (const Regexp* r : {with.get(), without.get(), noopt.get()}) {
    EXPECT_TRUE(matches(*r, "xabcx"));
    EXPECT_FALSE(matches(*r, "xabx"));
  }
}

TEST(RegexpOneOff, ConvenienceForms) {
  auto r = Regexp::compile(std::string_view("/(\\w+)=(\\d+)?/"));
  ASSERT_TRUE(r);
  EXPECT_TRUE((*r)->matches("a=1"));
  EXPECT_FALSE((*r)->matches("=="));
  std::string s = "a=1 b= c=33";
  auto plain = (*r)->search(s, false);
  ASSERT_EQ(plain.size(), 3u);
  ASSERT_EQ(plain[1].size(), 1u);
  EXPECT_EQ(plain[1][0], "b=");
  auto caps = (*r)->search(s, true);
  ASSERT_EQ(caps.size(), 3u);
  ASSERT_EQ(caps[2].size(), 3u);
  EXPECT_EQ(caps[2][1], "c");
  EXPECT_EQ(caps[2][2], "33");
  EXPECT_EQ(caps[1][2], "");
  auto parts = (*r)->split(s);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], " ");
  // A limit hit reads as no match.
  auto bad = Regexp::compile(std::string_view("/(a|aa)+b/"));
  ASSERT_TRUE(bad);
  std::string hard(60, 'a');
  EXPECT_FALSE((*bad)->matches(hard + "xb"));
  EXPECT_TRUE((*bad)->matches("aab"));
}

TEST(RegexpLimits, MatchLimitStopsBacktracking) {
  MatchLimits limits;
  limits.match_limit = 10000;
  auto ctx = RegexpContext::create(limits);
  ASSERT_TRUE(ctx);
  std::string s(40, 'a');
  s += "xb";
  for (bool jit : {true, false}) {
    auto r = re("/(a|aa)+b/", jit);
    auto m = r->matches(s, **ctx);
    ASSERT_FALSE(m) << "jit=" << jit;
    EXPECT_EQ(m.error().code, ErrorCode::kLimit);
  }
  EXPECT_EQ((*ctx)->stats().limit_hits, 2u);
}

TEST(RegexpLimits, MaxInputTruncates) {
  MatchLimits limits;
  limits.max_input = 10;
  auto ctx = RegexpContext::create(limits);
  ASSERT_TRUE(ctx);
  auto r = re("/needle/");
  std::string s = "0123456789needle";
  auto m = r->matches(s, **ctx);
  ASSERT_TRUE(m);
  EXPECT_FALSE(*m);
  EXPECT_EQ((*ctx)->stats().truncated, 1u);
  auto inside = r->matches("needle", **ctx);
  ASSERT_TRUE(inside);
  EXPECT_TRUE(*inside);
  auto full = re("/.*/s")->full_match(s, **ctx);
  ASSERT_TRUE(full);
  EXPECT_FALSE(*full);
  // split gives the unscanned rest as one last piece.
  auto parts = re("/5/")->split("0123456789555", **ctx);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0], "01234");
  EXPECT_EQ((*parts)[1], "6789555");
}

TEST(RegexpLimits, ManyCapturesGrowMatchData) {
  auto ctx = RegexpContext::create();
  ASSERT_TRUE(ctx);
  std::string pat = "/";
  std::string subject;
  for (int i = 0; i < 40; ++i) {
    pat += "(.)";
    subject += static_cast<char>('a' + i % 26);
  }
  pat += "/";
  auto r = re(pat);
  auto m = r->find(subject, **ctx);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->has_value());
  ASSERT_EQ((*m)->groups.size(), 41u);
  EXPECT_EQ((*m)->groups[40].in(subject), "n");
}

}  // namespace
}  // namespace mw::match
