// SPF macro syntax and expansion (src/auth/spf/macro.h), RFC 7208 section 7.
#include <gtest/gtest.h>

#include <strings.h>

#include "auth/spf/macro.h"

namespace mw::auth::spf {
namespace {

// The worked example of RFC 7208 section 7.4: sender strong-bad@email.example.com, client
// 192.0.2.3 (or 2001:db8::cb01), PTR name mx.example.org.
MacroContext rfc_context(const char* ip = "192.0.2.3") {
  MacroContext c;
  c.sender = "strong-bad@email.example.com";
  c.local_part = "strong-bad";
  c.sender_domain = "email.example.com";
  c.domain = "email.example.com";
  c.ip = *IpAddress::parse(ip);
  c.helo = "mx.example.org";
  c.validated = "mx.example.org";
  c.receiver = "receiver.example.net";
  c.timestamp = 1200000000;
  return c;
}

std::string expand(const char* text, const MacroContext& c,
                   MacroUse use = MacroUse::kDomainSpec) {
  auto r = expand_macros(text, c, use);
  return r ? *r : "ERROR: " + r.error().message;
}

TEST(SpfMacro, Rfc7208Section74Letters) {
  auto c = rfc_context();
  EXPECT_EQ(expand("%{s}", c), "strong-bad@email.example.com");
  EXPECT_EQ(expand("%{o}", c), "email.example.com");
  EXPECT_EQ(expand("%{d}", c), "email.example.com");
  EXPECT_EQ(expand("%{d4}", c), "email.example.com");
  EXPECT_EQ(expand("%{d3}", c), "email.example.com");
  EXPECT_EQ(expand("%{d2}", c), "example.com");
  EXPECT_EQ(expand("%{d1}", c), "com");
  EXPECT_EQ(expand("%{dr}", c), "com.example.email");
  EXPECT_EQ(expand("%{d2r}", c), "example.email");
  EXPECT_EQ(expand("%{l}", c), "strong-bad");
  EXPECT_EQ(expand("%{l-}", c), "strong.bad");
  EXPECT_EQ(expand("%{lr}", c), "strong-bad");
  EXPECT_EQ(expand("%{lr-}", c), "bad.strong");
  EXPECT_EQ(expand("%{l1r-}", c), "strong");
}

TEST(SpfMacro, Rfc7208Section74Strings) {
  auto c = rfc_context();
  EXPECT_EQ(expand("%{ir}.%{v}._spf.%{d2}", c), "3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp._spf.%{d2}", c), "bad.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", c),
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", c),
            "3.2.0.192.in-addr.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{d2}.trusted-domains.example.net", c),
            "example.com.trusted-domains.example.net");
}

TEST(SpfMacro, Rfc7208Section74Ipv6) {
  auto c = rfc_context("2001:db8::cb01");
  // The RFC prints the nibbles in lower case; DNS names are case-insensitive and the
  // RFC 7208 test suite expects upper case (v-macro-ip6), which is what we produce.
  std::string got = expand("%{ir}.%{v}._spf.%{d2}", c);
  EXPECT_EQ(strcasecmp(got.c_str(),
                       "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6."
                       "_spf.example.com"),
            0)
      << got;
  EXPECT_EQ(expand("%{c}", c, MacroUse::kExplanation), "2001:db8::cb01");
}

TEST(SpfMacro, OtherLetters) {
  auto c = rfc_context();
  EXPECT_EQ(expand("%{h}", c), "mx.example.org");
  EXPECT_EQ(expand("%{p}", c), "mx.example.org");
  c.validated = "";
  EXPECT_EQ(expand("%{p}", c), "unknown");
  EXPECT_EQ(expand("%{c}", c, MacroUse::kExplanation), "192.0.2.3");
  EXPECT_EQ(expand("%{r}", c, MacroUse::kExplanation), "receiver.example.net");
  EXPECT_EQ(expand("%{t}", c, MacroUse::kExplanation), "1200000000");
  c.receiver = "";
  EXPECT_EQ(expand("%{r}", c, MacroUse::kExplanation), "unknown");
}

TEST(SpfMacro, EscapesAndUrlEncoding) {
  auto c = rfc_context();
  EXPECT_EQ(expand("macro%%percent%_%_space%-url-space.example.com", c),
            "macro%percent  space%20url-space.example.com");
  c.local_part = "~jack&jill=up-a_b3.c";
  // RFC 7208 7.3 (and test upper-macro): upper-case letters are URL-escaped.
  EXPECT_EQ(expand("http://example.com/why.html?l=%{L}", c, MacroUse::kExplanation),
            "http://example.com/why.html?l=~jack%26jill%3Dup-a_b3.c");
  c.helo = "JUMPIN' JUPITER";
  EXPECT_EQ(expand("%{H}.bar", c), "JUMPIN%27%20JUPITER.bar");
  EXPECT_EQ(expand("%{D2R}", c), "example.email");
}

TEST(SpfMacro, MultipleDelimitersAndLargeCounts) {
  auto c = rfc_context();
  c.local_part = "foo-bar+zip+quux";
  EXPECT_EQ(expand("%{l2r+-}", c), "bar.foo");
  EXPECT_EQ(expand("%{l=,/_}", c), "foo-bar+zip+quux");
  EXPECT_EQ(expand("%{d99999999999999999999}", c), "email.example.com");
  c.local_part = "a..b";
  EXPECT_EQ(expand("%{lr}", c), "b..a");  // empty parts survive
}

TEST(SpfMacro, ExplanationOnlyLettersAndSpaces) {
  EXPECT_TRUE(check_macro_string("%{c} %{r} %{t}", MacroUse::kExplanation));
  EXPECT_FALSE(check_macro_string("%{c}", MacroUse::kDomainSpec));
  EXPECT_FALSE(check_macro_string("%{r}", MacroUse::kDomainSpec));
  EXPECT_FALSE(check_macro_string("%{t}", MacroUse::kDomainSpec));
  EXPECT_FALSE(check_macro_string("a b", MacroUse::kDomainSpec));
  EXPECT_TRUE(check_macro_string("%{c}", MacroUse::kUnknownModifier));
  EXPECT_FALSE(check_macro_string("The %{x}-files.", MacroUse::kExplanation));
  EXPECT_FALSE(check_macro_string("\xEF\xBB\xBF" "Explanation", MacroUse::kExplanation));
}

TEST(SpfMacro, SyntaxErrors) {
  for (const char* bad : {"%", "%a", "%{", "%{d", "%{d2", "%{d2r", "%{d2r.", "%{d0}",
                          "%{d2x}", "%{}", "%{ d}", "%(ir)", "a%"}) {
    EXPECT_FALSE(check_macro_string(bad, MacroUse::kExplanation)) << bad;
    EXPECT_FALSE(expand_macros(bad, rfc_context(), MacroUse::kExplanation)) << bad;
  }
}

TEST(SpfMacro, DomainSpecChecks) {
  EXPECT_TRUE(check_domain_spec("example.com"));
  EXPECT_TRUE(check_domain_spec("example.com."));
  EXPECT_TRUE(check_domain_spec("%{d}"));
  EXPECT_TRUE(check_domain_spec("_spf.%{d2}"));
  EXPECT_TRUE(check_domain_spec("foo%%"));  // "%%" is a macro-expand
  EXPECT_TRUE(check_domain_spec(".com"));   // macro-string may be empty
  EXPECT_FALSE(check_domain_spec(""));
  EXPECT_FALSE(check_domain_spec("com"));
  EXPECT_FALSE(check_domain_spec("%{d}."));  // "." needs a top-level label after it
  EXPECT_FALSE(check_domain_spec("%{d}com"));
  EXPECT_FALSE(check_domain_spec("example.com.."));
}

TEST(SpfMacro, TopLabels) {
  EXPECT_TRUE(is_toplabel("com"));
  EXPECT_TRUE(is_toplabel("xn--zckzah"));
  EXPECT_TRUE(is_toplabel("c0m"));
  EXPECT_TRUE(is_toplabel("1-2"));
  EXPECT_FALSE(is_toplabel("123"));
  EXPECT_FALSE(is_toplabel("-com"));
  EXPECT_FALSE(is_toplabel("com-"));
  EXPECT_FALSE(is_toplabel("co_m"));
  EXPECT_FALSE(is_toplabel(""));
}

TEST(SpfMacro, DomainExpansionTruncatesOnTheLeft) {
  MacroContext c;
  c.sender_domain = "somewhat.long.exp.example.com";
  auto r = expand_domain(
      "foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com", c);
  ASSERT_TRUE(r);
  EXPECT_LE(r->size(), 253u);
  EXPECT_EQ(r->rfind("somewhat.long.exp.example.com.", 0), 0u);  // "foobar." was cut
  auto dotted = expand_domain("%{o}.", c);
  ASSERT_TRUE(dotted);
  EXPECT_EQ(*dotted, "somewhat.long.exp.example.com");  // one trailing dot dropped
}

TEST(SpfMacro, QueryNames) {
  EXPECT_TRUE(is_query_name("a.example"));
  EXPECT_TRUE(is_query_name(std::string(63, 'a') + ".example"));
  EXPECT_FALSE(is_query_name(std::string(64, 'a') + ".example"));
  EXPECT_FALSE(is_query_name("mail.example...com"));
  EXPECT_FALSE(is_query_name(""));
  EXPECT_FALSE(is_query_name(".example"));
  EXPECT_FALSE(is_query_name(std::string(254, 'a')));
}

TEST(SpfMacro, ExpansionIsBounded) {
  MacroContext c;
  std::string big(1000, 'x');
  c.sender = big;
  std::string spec;
  for (int i = 0; i < 20; ++i) spec += "%{s}";
  auto r = expand_macros(spec, c, MacroUse::kExplanation);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST(SpfMacro, UsesMacro) {
  EXPECT_TRUE(uses_macro("%{p}.example.com", 'p'));
  EXPECT_TRUE(uses_macro("connect from %{P}", 'p'));
  EXPECT_FALSE(uses_macro("%%{p}", 'p'));
  EXPECT_FALSE(uses_macro("%{d}.example.com", 'p'));
}

}  // namespace
}  // namespace mw::auth::spf
