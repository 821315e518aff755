#include <gtest/gtest.h>

#include "dns/cache.h"
#include "dns/name.h"

namespace mw::dns {
namespace {

class NameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = NameEncoder::create();
    ASSERT_TRUE(e);
    enc_.emplace(std::move(*e));
  }
  std::string ascii(std::string_view name) {
    auto r = enc_->to_ascii(name);
    return r ? *r : "ERROR: " + r.error().message;
  }
  std::optional<NameEncoder> enc_;
};

TEST_F(NameTest, AsciiNamesAreLowerCasedAndTrailingDotDropped) {
  EXPECT_EQ(ascii("Mail.Example.COM."), "mail.example.com");
  EXPECT_EQ(ascii("_dmarc.example.com"), "_dmarc.example.com");
  EXPECT_EQ(ascii("sel._domainkey.Example.com"), "sel._domainkey.example.com");
  EXPECT_EQ(ascii("r3---sn-abc.example"), "r3---sn-abc.example");
  EXPECT_EQ(ascii("1.2.0.192.in-addr.arpa"), "1.2.0.192.in-addr.arpa");
  EXPECT_EQ(ascii("a+b=c!x.example"), "a+b=c!x.example");  // SPF macro output
}

TEST_F(NameTest, IdnNamesBecomePunycode) {
  // Values from RFC 3492 section 7.1-style examples and well-known IDN test names.
  EXPECT_EQ(ascii("B\xC3\xBC" "cher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(ascii("m\xC3\xBC" "nchen.de."), "xn--mnchen-3ya.de");
  // Non-transitional processing: sharp s is kept (IDNA2008), not mapped to "ss".
  EXPECT_EQ(ascii("fa\xC3\x9F.de"), "xn--fa-hia.de");
  // Mixed: ASCII labels with underscores next to an IDN label.
  EXPECT_EQ(ascii("_dmarc.b\xC3\xBC" "cher.example"), "_dmarc.xn--bcher-kva.example");
}

TEST_F(NameTest, RefusesBadNames) {
  for (std::string bad : {std::string(""), std::string("."), std::string("a..b"),
                          std::string(".a"), std::string("a b.example"),
                          std::string("tab\t.example"), std::string(64, 'x') + ".example",
                          std::string("\xC3.example"),       // truncated UTF-8
                          std::string("\xFF\xFE.example")}) {  // not UTF-8
    EXPECT_TRUE(ascii(bad).starts_with("ERROR")) << bad;
  }
  std::string name;
  while (name.size() < 250) name += "abcd.";
  name += "test";  // 254
  EXPECT_TRUE(ascii(name).starts_with("ERROR"));
  EXPECT_EQ(ascii(name.substr(1)), name.substr(1));  // 253 is fine
  // An IDN label whose punycode form is longer than 63.
  std::string long_idn;  // 30 different CJK ideographs: 64+ characters of punycode
  for (int i = 0; i < 30; ++i) {
    unsigned cp = 0x4e00 + static_cast<unsigned>(i) * 37;
    long_idn += static_cast<char>(0xe0 | (cp >> 12));
    long_idn += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    long_idn += static_cast<char>(0x80 | (cp & 0x3f));
  }
  EXPECT_FALSE(ascii(long_idn.substr(0, 60) + ".example").starts_with("ERROR"));
  EXPECT_TRUE(ascii(long_idn + ".example").starts_with("ERROR"));
  // Huge input is refused before ICU sees it.
  EXPECT_TRUE(ascii(std::string(5000, '\xC3')).starts_with("ERROR"));
}

TEST(NameWire, EncodesLabels) {
  EXPECT_EQ(name_to_wire("www.example.com"), std::string("\3www\7example\3com\0", 17));
  EXPECT_EQ(name_to_wire("a"), std::string("\1a\0", 3));
  EXPECT_TRUE(check_ascii_name("a.b"));
  EXPECT_FALSE(check_ascii_name("a."));
}

Reply reply_with(std::vector<std::string> ips) {
  Reply r;
  for (const auto& ip : ips) {
    Record rec;
    rec.type = RrType::kA;
    rec.ttl = 300;
    rec.text = ip;
    r.answers.push_back(rec);
  }
  return r;
}

TEST(NameRelation, SameOrSubdomain) {
  EXPECT_TRUE(is_same_or_subdomain("mail.Example.com", "example.com"));
  EXPECT_TRUE(is_same_or_subdomain("example.com", "EXAMPLE.com"));
  EXPECT_TRUE(is_same_or_subdomain("a.b.example.com", "example.com"));
  EXPECT_FALSE(is_same_or_subdomain("badexample.com", "example.com"));
  EXPECT_FALSE(is_same_or_subdomain(".example.com", "example.com"));
  EXPECT_FALSE(is_same_or_subdomain("example.com", "mail.example.com"));
  EXPECT_FALSE(is_same_or_subdomain("example.com", ""));
  // Dots are compared as written: callers strip root dots first.
  EXPECT_FALSE(is_same_or_subdomain("mail.example.com.", "example.com"));
  EXPECT_TRUE(is_same_or_subdomain(without_root_dot("mail.example.com."), "example.com"));
}

TEST(ReplyKind, VoidAndAnswered) {
  Reply r;
  r.rcode = Rcode::kNxDomain;
  EXPECT_TRUE(is_void(r));
  EXPECT_FALSE(has_answers(r));
  r.rcode = Rcode::kNoError;  // NODATA
  EXPECT_TRUE(is_void(r));
  EXPECT_FALSE(has_answers(r));
  r.answers.push_back(Record{});
  EXPECT_FALSE(is_void(r));
  EXPECT_TRUE(has_answers(r));
  for (Rcode failure : {Rcode::kServFail, Rcode::kTimeout, Rcode::kRefused, Rcode::kBudget}) {
    Reply f;
    f.rcode = failure;
    EXPECT_FALSE(is_void(f)) << rcode_name(failure);
    EXPECT_FALSE(has_answers(f)) << rcode_name(failure);
  }
}

TEST(AnswerCache, HitMissAndExpiry) {
  AnswerCache c(10);
  EXPECT_FALSE(c.lookup("a.example", RrType::kA, 0));
  c.insert("a.example", RrType::kA, reply_with({"192.0.2.1"}), 100, 1000);
  auto hit = c.lookup("a.example", RrType::kA, 1030.5);
  ASSERT_TRUE(hit);
  EXPECT_TRUE(hit->from_cache);
  EXPECT_EQ(hit->answers[0].ttl, 70u);  // 69.5 left, rounded up
  EXPECT_FALSE(c.lookup("a.example", RrType::kAaaa, 1030));  // the type is part of the key
  EXPECT_FALSE(c.lookup("a.example", RrType::kA, 1100));      // expired
  EXPECT_EQ(c.size(), 0u);                                    // and dropped
}

TEST(AnswerCache, NegativeEntries) {
  AnswerCache c(10);
  Reply nx;
  nx.rcode = Rcode::kNxDomain;
  c.insert("gone.example", RrType::kTxt, nx, 60, 0);
  auto hit = c.lookup("gone.example", RrType::kTxt, 59);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->rcode, Rcode::kNxDomain);
  EXPECT_TRUE(hit->answers.empty());
}

TEST(AnswerCache, LeastRecentlyUsedGoesFirst) {
  AnswerCache c(2);
  c.insert("one", RrType::kA, reply_with({"1"}), 100, 0);
  c.insert("two", RrType::kA, reply_with({"2"}), 100, 0);
  ASSERT_TRUE(c.lookup("one", RrType::kA, 1));  // "two" is now the oldest
  c.insert("three", RrType::kA, reply_with({"3"}), 100, 0);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_TRUE(c.lookup("one", RrType::kA, 1));
  EXPECT_FALSE(c.lookup("two", RrType::kA, 1));
  EXPECT_TRUE(c.lookup("three", RrType::kA, 1));
  // Replacing an entry does not grow the cache.
  c.insert("three", RrType::kA, reply_with({"3b"}), 100, 0);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.lookup("three", RrType::kA, 1)->answers[0].text, "3b");
}

TEST(AnswerCache, ZeroTtlAndZeroCapacityStoreNothing) {
  AnswerCache c(2);
  c.insert("a", RrType::kA, reply_with({"1"}), 0, 0);
  EXPECT_EQ(c.size(), 0u);
  AnswerCache off(0);
  off.insert("a", RrType::kA, reply_with({"1"}), 100, 0);
  EXPECT_FALSE(off.lookup("a", RrType::kA, 1));
}

}  // namespace
}  // namespace mw::dns
