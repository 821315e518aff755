// SPF record selection and parsing (src/auth/spf/record.h), RFC 7208 sections 4.5 to 6.
#include <gtest/gtest.h>

#include "auth/spf/record.h"

namespace mw::auth::spf {
namespace {

TEST(SpfRecord, RecognisesVersion) {
  EXPECT_TRUE(is_spf_record("v=spf1"));
  EXPECT_TRUE(is_spf_record("v=spf1 -all"));
  EXPECT_TRUE(is_spf_record("V=SpF1 ~all"));  // case-insensitive (RFC 7208 4.5)
  EXPECT_FALSE(is_spf_record("v=spf10"));
  EXPECT_FALSE(is_spf_record("v=spf1mx"));    // must be followed by a space or the end
  EXPECT_FALSE(is_spf_record(" v=spf1"));
  EXPECT_FALSE(is_spf_record("v=spf"));
  EXPECT_FALSE(is_spf_record(""));
  EXPECT_FALSE(is_spf_record("spf2.0/pra -all"));
}

TEST(SpfRecord, ParsesEveryMechanism) {
  auto r = parse_record(
      "v=spf1 +all -include:_spf.example.net ~a ?a:mail.example.com/24//64 mx mx:%{d}//48 "
      "ptr ptr:example.org ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.bl.example.com");
  ASSERT_TRUE(r) << r.error().message;
  const auto& m = r->mechanisms;
  ASSERT_EQ(m.size(), 11u);
  EXPECT_EQ(m[0].kind, MechanismKind::kAll);
  EXPECT_EQ(m[0].qualifier, Qualifier::kPass);
  EXPECT_EQ(m[1].kind, MechanismKind::kInclude);
  EXPECT_EQ(m[1].qualifier, Qualifier::kFail);
  EXPECT_EQ(m[1].domain_spec, "_spf.example.net");
  EXPECT_EQ(m[1].text, "-include:_spf.example.net");
  EXPECT_EQ(m[2].kind, MechanismKind::kA);
  EXPECT_EQ(m[2].qualifier, Qualifier::kSoftFail);
  EXPECT_EQ(m[2].domain_spec, "");
  EXPECT_EQ(m[2].cidr4, 32);
  EXPECT_EQ(m[2].cidr6, 128);
  EXPECT_EQ(m[3].qualifier, Qualifier::kNeutral);
  EXPECT_EQ(m[3].domain_spec, "mail.example.com");
  EXPECT_EQ(m[3].cidr4, 24);
  EXPECT_EQ(m[3].cidr6, 64);
  EXPECT_EQ(m[4].kind, MechanismKind::kMx);
  EXPECT_EQ(m[5].domain_spec, "%{d}");
  EXPECT_EQ(m[5].cidr4, 32);
  EXPECT_EQ(m[5].cidr6, 48);
  EXPECT_EQ(m[6].kind, MechanismKind::kPtr);
  EXPECT_EQ(m[7].domain_spec, "example.org");
  EXPECT_EQ(m[8].kind, MechanismKind::kIp4);
  EXPECT_EQ(m[8].network.to_string(), "192.0.2.0");
  EXPECT_EQ(m[8].cidr4, 24);
  EXPECT_EQ(m[9].kind, MechanismKind::kIp6);
  EXPECT_EQ(m[9].network.to_string(), "2001:db8::");
  EXPECT_EQ(m[9].cidr6, 32);
  EXPECT_EQ(m[10].kind, MechanismKind::kExists);
  EXPECT_EQ(r->dns_term_count(), 8);
}

TEST(SpfRecord, ModifiersAndCaseInsensitiveNames) {
  auto r = parse_record("v=spf1 MX IP4:192.0.2.1 Redirect=_spf.example.com EXP=why.%{d} "
                        "moo.cow-far_out=man:dog/cat");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->mechanisms.size(), 2u);
  ASSERT_TRUE(r->redirect.has_value());
  EXPECT_EQ(*r->redirect, "_spf.example.com");
  ASSERT_TRUE(r->explanation.has_value());
  EXPECT_EQ(*r->explanation, "why.%{d}");
  ASSERT_EQ(r->unknown_modifiers.size(), 1u);
  EXPECT_EQ(r->unknown_modifiers[0].name, "moo.cow-far_out");
  EXPECT_EQ(r->unknown_modifiers[0].value, "man:dog/cat");
  EXPECT_EQ(r->dns_term_count(), 2);  // mx + redirect
}

TEST(SpfRecord, SpacesAndEmptyRecord) {
  auto empty = parse_record("v=spf1");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->mechanisms.empty());
  auto spaced = parse_record("v=spf1   a    -all   ");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->mechanisms.size(), 2u);
}

TEST(SpfRecord, DomainSpecEdgeCases) {
  // Valid: a ':' or '/' inside the domain-spec, a dash in a top-level label, a trailing dot,
  // a domain-spec ending in a macro.
  for (const char* ok : {"v=spf1 a:foo:bar/baz.example.com", "v=spf1 a:foo.example.xn--zckzah",
                         "v=spf1 include:o.spf.example.com.", "v=spf1 exists:%{i}",
                         "v=spf1 a:macro%%percent%_%_space%-url-space.example.com",
                         "v=spf1 a:%{H}.bar", "v=spf1 a:1-2.3-4"}) {
    EXPECT_TRUE(parse_record(ok)) << ok;
  }
}

struct Bad {
  const char* record;
  const char* why;
};

class SpfRecordSyntax : public ::testing::TestWithParam<Bad> {};

TEST_P(SpfRecordSyntax, IsRejected) {
  auto r = parse_record(GetParam().record);
  EXPECT_FALSE(r) << GetParam().record << " (" << GetParam().why << ")";
  if (!r) {
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_FALSE(r.error().message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7208, SpfRecordSyntax,
    ::testing::Values(
        Bad{"v=spf1 ip4:1.2.3.4 -all moo", "unknown mechanism anywhere (4.6)"},
        Bad{"v=spf1 moo.cow/far_out=man:dog/cat", "'/' before '=' is no modifier (4.6.1)"},
        Bad{"v=spf1 redirect:example.com", "redirect is a modifier"},
        Bad{"v=spf1 -all.", "all takes no argument (5.1)"},
        Bad{"v=spf1 -all:foobar", "all takes no argument"},
        Bad{"v=spf1 -all/8", "all takes no CIDR"},
        Bad{"v=spf1 ptr/0", "ptr takes no CIDR (5.5)"},
        Bad{"v=spf1 ptr:", "empty domain-spec"},
        Bad{"v=spf1 a//33 a/33", "ip4 CIDR over 32"},
        Bad{"v=spf1 a//129", "ip6 CIDR over 128"},
        Bad{"v=spf1 a/24/64", "dual CIDR needs //"},
        Bad{"v=spf1 a:", "empty domain-spec"},
        Bad{"v=spf1 a:foo-bar", "no top-level label (7.1)"},
        Bad{"v=spf1 a:museum", "domain-spec of a top label only"},
        Bad{"v=spf1 a:museum.", "a trailing dot does not help"},
        Bad{"v=spf1 a:111.222.33.44", "all-numeric top-level label"},
        Bad{"v=spf1 a:abc.123", "all-numeric top-level label"},
        Bad{"v=spf1 a:example.-com", "top-level label starting with '-'"},
        Bad{"v=spf1 a:example.com:8080", "':' in the top-level label"},
        Bad{"v=spf1 mx:example.com:8080", "':' in the top-level label"},
        Bad{"v=spf1 include", "include needs a domain (5.2)"},
        Bad{"v=spf1 include:", "empty domain-spec"},
        Bad{"v=spf1 include:ip5.example.com/24", "include takes no CIDR"},
        Bad{"v=spf1 exists", "exists needs a domain (5.7)"},
        Bad{"v=spf1 exists:mail.example.com/24", "exists takes no CIDR"},
        Bad{"v=spf1 ip4", "ip4 needs a network (5.6)"},
        Bad{"v=spf1 ip4:1.2.3", "short IPv4 network"},
        Bad{"v=spf1 ip4:1.2.3.4:8080", "port after an address"},
        Bad{"v=spf1 ip4:1.2.3.4/33", "ip4 CIDR over 32"},
        Bad{"v=spf1 ip4:1.2.3.4/032", "leading zero in a CIDR length"},
        Bad{"v=spf1 ip4:1.2.3.4//32", "dual CIDR on ip4"},
        Bad{"v=spf1 ip4:01.2.3.4", "leading zero in an address part"},
        Bad{"v=spf1 ip4:256.2.3.4", "address part over 255"},
        Bad{"v=spf1 -all ip6", "ip6 needs a network"},
        Bad{"v=spf1 ip6::CAFE::BABE", "invalid IPv6 network"},
        Bad{"v=spf1 ip6:::1.1.1.1/129", "ip6 CIDR over 128"},
        Bad{"v=spf1 ip6:::1.1.1.1//33", "dual CIDR on ip6"},
        Bad{"v=spf1 1up=foo", "modifier names start with a letter (A/3)"},
        Bad{"v=spf1 =all", "empty modifier name"},
        Bad{"v=spf1 -all foo=%abc", "bad macro in an unknown modifier"},
        Bad{"v=spf1 exp= -all", "empty exp domain-spec (6.2 erratum)"},
        Bad{"v=spf1 exp=-all", "exp domain-spec without top-level label"},
        Bad{"v=spf1 ?all redirect=", "empty redirect domain-spec"},
        Bad{"v=spf1 redirect=-all ?all", "redirect domain-spec without top-level label"},
        Bad{"v=spf1 exp=a.example.com -all exp=b.example.com", "exp twice (6)"},
        Bad{"v=spf1 redirect=a.example.com redirect=b.example.com", "redirect twice (6)"},
        Bad{"v=spf1 -all exp=%{r}.example.com", "%{r} only in explanation text (7.1)"},
        Bad{"v=spf1 -exists:%(ir).sbl.example.com", "'%(' is no macro (7.1)"},
        Bad{"v=spf1 exists:foo%.sbl.example.com", "lone '%'"},
        Bad{"v=spf1 a:%{a}.example.com", "unknown macro letter"},
        Bad{"v=spf1 a:%{d0}.example.com", "zero transformer count (7.3)"},
        Bad{"v=spf1 a:%{d", "unterminated macro"},
        Bad{"v=spf1 a:ctrl.example.com\rptr -all", "control character in a term"},
        Bad{"v=spf1 a:foo.example.com\t-all", "terms are separated by spaces only"},
        Bad{"v=spf1 \x80" "a:example.net -all", "8-bit byte in a mechanism name"},
        Bad{"v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all", "8-bit bytes in a domain-spec"},
        Bad{"not spf", "no version"}));

TEST(SpfRecord, NulInsideTheRecordIsAnError) {
  std::string text("v=spf1 a:foo.example.com\0 -all", 31);
  EXPECT_FALSE(parse_record(text));
}

}  // namespace
}  // namespace mw::auth::spf
