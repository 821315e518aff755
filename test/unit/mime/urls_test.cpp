// Tests for mime/urls.h: URL parsing and normalisation, e-mail addresses, extraction from
// free text, registrable domains and IDNA.
#include "mime/urls.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mime/url_parse.h"

namespace mw::mime {
namespace {

class UrlTest : public ::testing::Test {
 protected:
  std::vector<std::string> extract_urls(std::string_view text, uint32_t limit = 1000) {
    Vec<Url> urls(&arena_);
    Vec<EmailRef> emails(&arena_);
    ex_.extract(arena_, text, Origin::kText, 3, urls, emails, limit);
    std::vector<std::string> out;
    for (const Url& u : urls) out.emplace_back(u.url);
    return out;
  }
  std::vector<std::string> extract_emails(std::string_view text) {
    Vec<Url> urls(&arena_);
    Vec<EmailRef> emails(&arena_);
    ex_.extract(arena_, text, Origin::kText, 0, urls, emails, 1000);
    std::vector<std::string> out;
    for (const EmailRef& e : emails) out.emplace_back(e.addr);
    return out;
  }
  Url parse_ok(std::string_view s) {
    Url u;
    EXPECT_TRUE(ex_.parse(arena_, s, u)) << s;
    return u;
  }
  bool parses(std::string_view s) {
    Url u;
    return ex_.parse(arena_, s, u);
  }

  core::Arena arena_;
  UrlExtractor ex_;
};

using Strings = std::vector<std::string>;

// --- parse: normalisation table ------------------------------------------------------------

struct NormCase {
  const char* in;
  const char* url;
  const char* host;
  const char* tld;
  bool obfuscated;
  bool is_ip;
};

TEST_F(UrlTest, NormalisationTable) {
  const NormCase cases[] = {
      {"http://example.com", "http://example.com/", "example.com", "example.com", false, false},
      {"HTTP://WWW.Example.COM/Path?Q=1#Frag", "http://www.example.com/Path?Q=1#Frag",
       "www.example.com", "example.com", false, false},
      {"  https://a.b.example.co.uk./x  ", "https://a.b.example.co.uk/x", "a.b.example.co.uk",
       "example.co.uk", false, false},
      {"http:\\\\evil.test\\a\\b", "http://evil.test/a/b", "evil.test", "evil.test", false,
       false},
      {"http:/one-slash.test/p", "http://one-slash.test/p", "one-slash.test",
       "one-slash.test", false, false},
      {"http:///three-slashes.test", "http://three-slashes.test/", "three-slashes.test",
       "three-slashes.test", false, false},
      {"https:no-slash.test", "https://no-slash.test/", "no-slash.test", "no-slash.test",
       false, false},
      {"http://exa\nmple.com/a\tb", "http://example.com/ab", "example.com", "example.com",
       false, false},
      {"http://example.com:80/", "http://example.com/", "example.com", "example.com", false,
       false},
      {"http://example.com:8080/", "http://example.com:8080/", "example.com", "example.com",
       false, false},
      {"http://a b.example/", nullptr, nullptr, nullptr, false, false},  // space in host
      // Numeric hosts.
      {"http://192.168.1.1/", "http://192.168.1.1/", "192.168.1.1", "192.168.1.1", false, true},
      {"http://3232235777/", "http://192.168.1.1/", "192.168.1.1", "192.168.1.1", true, true},
      {"http://0xC0A80101/x", "http://192.168.1.1/x", "192.168.1.1", "192.168.1.1", true, true},
      {"http://0300.0250.01.01/", "http://192.168.1.1/", "192.168.1.1", "192.168.1.1", true,
       true},
      {"http://0xc0.168.0x1.1/", "http://192.168.1.1/", "192.168.1.1", "192.168.1.1", true,
       true},
      {"http://192.168.257/", "http://192.168.1.1/", "192.168.1.1", "192.168.1.1", true, true},
      {"http://127.1/", "http://127.0.0.1/", "127.0.0.1", "127.0.0.1", true, true},
      {"http://256.1.1.1/", nullptr, nullptr, nullptr, false, false},
      {"http://1.2.3.4.5/", nullptr, nullptr, nullptr, false, false},
      {"http://example.09/", nullptr, nullptr, nullptr, false, false},  // ends in a number
      {"http://[2001:DB8:0:0:0:0:0:1]:8080/v6", "http://[2001:db8::1]:8080/v6", "2001:db8::1",
       "2001:db8::1", false, true},
      {"http://[::ffff:192.168.1.1]/", "http://[::ffff:192.168.1.1]/", "::ffff:192.168.1.1",
       "::ffff:192.168.1.1", false, true},
      {"http://[1::2::3]/", nullptr, nullptr, nullptr, false, false},
      // Percent-encoded host.
      {"http://%65%78ample.com/", "http://example.com/", "example.com", "example.com", true,
       false},
      {"http://ex%41mple.com/", "http://example.com/", "example.com", "example.com", true,
       false},
      // Userinfo trick.
      {"http://bank.example.com@evil.test/login", "http://evil.test/login", "evil.test",
       "evil.test", true, false},
      {"http://www.bank.example:secure@203.0.113.9/", "http://203.0.113.9/", "203.0.113.9",
       "203.0.113.9", true, true},
      // IDN.
      {"http://пример.рф/", "http://xn--e1afmkfd.xn--p1ai/", "xn--e1afmkfd.xn--p1ai",
       "xn--e1afmkfd.xn--p1ai", false, false},
      {"http://ПРИМЕР.РФ/", "http://xn--e1afmkfd.xn--p1ai/", "xn--e1afmkfd.xn--p1ai",
       "xn--e1afmkfd.xn--p1ai", false, false},
      {"http://\xEF\xBD\x85xample\xE3\x80\x82" "com/", "http://example.com/", "example.com",
       "example.com", false, false},  // full-width letter and ideographic full stop
      {"http://xn--zz.com/", nullptr, nullptr, nullptr, false, false},  // broken punycode
      // Other schemes with an authority.
      {"ftp://files.example.org/pub", "ftp://files.example.org/pub", "files.example.org",
       "example.org", false, false},
      {"hxxp://defanged.example.net/", "hxxp://defanged.example.net/", "defanged.example.net",
       "example.net", false, false},
      // Schemeless.
      {"www.example.com/page", "http://www.example.com/page", "www.example.com",
       "example.com", false, false},
      {"//cdn.example.com/lib.js", "http://cdn.example.com/lib.js", "cdn.example.com",
       "example.com", false, false},
      {"example.co.uk", "http://example.co.uk/", "example.co.uk", "example.co.uk", false,
       false},
      {"www.example.com:8080/x", "http://www.example.com:8080/x", "www.example.com",
       "example.com", false, false},
  };
  for (const NormCase& c : cases) {
    SCOPED_TRACE(c.in);
    Url u;
    bool ok = ex_.parse(arena_, c.in, u);
    if (c.url == nullptr) {
      EXPECT_FALSE(ok);
      continue;
    }
    ASSERT_TRUE(ok);
    EXPECT_EQ(u.url, c.url);
    EXPECT_EQ(u.host, c.host);
    EXPECT_EQ(u.tld, c.tld);
    EXPECT_EQ(u.obfuscated, c.obfuscated);
    EXPECT_EQ(u.host_is_ip, c.is_ip);
  }
}

TEST_F(UrlTest, ComponentsOfAFullUrl) {
  Url u;
  u.origin = Origin::kHtmlHref;
  u.part_index = 7;
  u.anchor_text = "click";
  ASSERT_TRUE(ex_.parse(arena_, "HTTPS://User%20Name:pw@Sub.Example.COM:8443/a%20b/%E2%82%AC"
                                "/c%00d?x=%41&y#top",
                        u));
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.user, "User Name");
  EXPECT_TRUE(u.has_user);
  EXPECT_FALSE(u.obfuscated);  // a plain user name is not a trick
  EXPECT_EQ(u.host, "sub.example.com");
  EXPECT_EQ(u.host_unicode, "sub.example.com");
  EXPECT_EQ(u.tld, "example.com");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.path, "/a b/\u20AC/c%00d");  // decoded, control escapes kept
  EXPECT_EQ(u.query, "x=%41&y");           // raw
  EXPECT_EQ(u.fragment, "top");
  EXPECT_EQ(u.url, "https://sub.example.com:8443/a%20b/%E2%82%AC/c%00d?x=%41&y#top");
  EXPECT_EQ(u.origin, Origin::kHtmlHref);  // kept from the caller
  EXPECT_EQ(u.part_index, 7);
  EXPECT_EQ(u.anchor_text, "click");
  EXPECT_FALSE(u.schemeless);
}

TEST_F(UrlTest, IdnBothWays) {
  Url u = parse_ok("http://пример.рф/путь");
  EXPECT_EQ(u.host, "xn--e1afmkfd.xn--p1ai");
  EXPECT_EQ(u.host_unicode, "пример.рф");
  EXPECT_EQ(u.path, "/путь");
  EXPECT_EQ(u.url, "http://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C");
  u = parse_ok("http://xn--e1afmkfd.xn--p1ai/");
  EXPECT_EQ(u.host_unicode, "пример.рф");
  u = parse_ok("http://faß.de/");
  EXPECT_EQ(u.host, "xn--fa-hia.de");  // nontransitional: ß is kept
  EXPECT_EQ(ex_.to_ascii(arena_, "пример.рф"), "xn--e1afmkfd.xn--p1ai");
  EXPECT_EQ(ex_.to_unicode(arena_, "xn--e1afmkfd.xn--p1ai"), "пример.рф");
  EXPECT_EQ(ex_.to_ascii(arena_, "bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(ex_.to_unicode(arena_, "xn--bcher-kva.example"), "bücher.example");
  EXPECT_EQ(ex_.to_ascii(arena_, "plain.example"), "plain.example");
  EXPECT_EQ(ex_.to_unicode(arena_, "xn--zz.com"), "");  // invalid punycode
  EXPECT_EQ(ex_.to_ascii(arena_, ""), "");
}

TEST_F(UrlTest, NotUrls) {
  for (const char* s : {"", "   ", "/relative/path", "page.html", "?q=1", "#top",
                        "javascript:alert(1)", "data:text/html,<b>x</b>", "tel:+123",
                        "cid:part1@example", "mailto:a@example.com", "http://", "http:///",
                        "http://:80/", "http://exa<mple.com/", "http://example.com:99999/",
                        "http://example.com:8o/", "http://[::1/", "file.txt", "readme.md",
                        "localhost:8080", "co.uk", "http://%00.example/"}) {
    EXPECT_FALSE(parses(s)) << s;
  }
}

TEST_F(UrlTest, ParseFailureLeavesOutputUnchanged) {
  Url u;
  u.url = "previous";
  EXPECT_FALSE(ex_.parse(arena_, "javascript:void(0)", u));
  EXPECT_EQ(u.url, "previous");
}

// --- e-mail addresses --------------------------------------------------------------------

TEST_F(UrlTest, ParseEmail) {
  EmailRef e;
  e.origin = Origin::kHtmlHref;
  ASSERT_TRUE(ex_.parse_email(arena_, "mailto:John.Doe+tag@Example.COM?subject=hi", e));
  EXPECT_EQ(e.addr, "John.Doe+tag@example.com");
  EXPECT_EQ(e.user, "John.Doe+tag");
  EXPECT_EQ(e.domain, "example.com");
  EXPECT_EQ(e.origin, Origin::kHtmlHref);
  ASSERT_TRUE(ex_.parse_email(arena_, "MAILTO:first%2Elast@example.org,other@example.org", e));
  EXPECT_EQ(e.addr, "first.last@example.org");  // decoded, first address only
  EXPECT_EQ(e.user, "first.last");
  EXPECT_FALSE(ex_.parse_email(arena_, "mailto:a%40b@example.org", e));  // '@' in local part
  ASSERT_TRUE(ex_.parse_email(arena_, "o'brien@example.ie", e));
  EXPECT_EQ(e.user, "o'brien");
  ASSERT_TRUE(ex_.parse_email(arena_, "user@bücher.example", e));
  EXPECT_EQ(e.domain, "xn--bcher-kva.example");
  for (const char* bad : {"", "@example.com", "user@", "user@example", ".user@example.com",
                          "user.@example.com", "us..er@example.com", "user@-x.com",
                          "user@example.c0m", "us er@example.com",
                          "mailto:", "user@exa mple.com"}) {
    EXPECT_FALSE(ex_.parse_email(arena_, bad, e)) << bad;
  }
}

TEST_F(UrlTest, ExtractEmails) {
  EXPECT_EQ(extract_emails("Write to john.smith+news@Example.COM or sales@shop.co.uk."),
            (Strings{"john.smith+news@example.com", "sales@shop.co.uk"}));
  EXPECT_EQ(extract_emails("<anna.berlin@example.org>, (x_y=z@mail.example.net)"),
            (Strings{"anna.berlin@example.org", "x_y=z@mail.example.net"}));
  EXPECT_EQ(extract_emails("mailto:someone@example.com?subject=x"),
            (Strings{"someone@example.com"}));
  EXPECT_EQ(extract_emails("bounce-123=user=example.com@lists.example.com"),
            (Strings{"bounce-123=user=example.com@lists.example.com"}));
  // Not addresses: unknown TLD, no domain, @-mentions, too long local part.
  EXPECT_EQ(extract_emails("user@localhost, @twitter, a@b, x@y.invalidtld, foo@@bar.com"),
            Strings{});
  EXPECT_EQ(extract_emails(std::string(70, 'a') + "@example.com"), Strings{});
}

// --- extraction from text ------------------------------------------------------------------

TEST_F(UrlTest, ExtractExplicitSchemes) {
  EXPECT_EQ(extract_urls("Visit http://example.com/a?b=c#d now"),
            (Strings{"http://example.com/a?b=c#d"}));
  EXPECT_EQ(extract_urls("HTTPS://Secure.Example.org and ftp://ftp.example.net/file"),
            (Strings{"https://secure.example.org/", "ftp://ftp.example.net/file"}));
  EXPECT_EQ(extract_urls("odd: http:/one.example/x http:\\\\two.example\\y"),
            (Strings{"http://one.example/x", "http://two.example/y"}));
  EXPECT_EQ(extract_urls("Clickhttp://glued.example/x"), (Strings{"http://glued.example/x"}));
  EXPECT_EQ(extract_urls("ssh://git.example.com:2222/repo"),
            (Strings{"ssh://git.example.com:2222/repo"}));
  EXPECT_EQ(extract_urls("http://пример.рф/ and http://3232235777/"),
            (Strings{"http://xn--e1afmkfd.xn--p1ai/", "http://192.168.1.1/"}));
}

TEST_F(UrlTest, ExtractTrailingPunctuation) {
  EXPECT_EQ(extract_urls("See http://example.com/page."), (Strings{"http://example.com/page"}));
  EXPECT_EQ(extract_urls("(see http://example.com/x)"), (Strings{"http://example.com/x"}));
  EXPECT_EQ(extract_urls("http://en.wikipedia.org/wiki/Foo_(bar)"),
            (Strings{"http://en.wikipedia.org/wiki/Foo_(bar)"}));
  EXPECT_EQ(extract_urls("(http://en.wikipedia.org/wiki/Foo_(bar))."),
            (Strings{"http://en.wikipedia.org/wiki/Foo_(bar)"}));
  EXPECT_EQ(extract_urls("<http://example.com/angle>"), (Strings{"http://example.com/angle"}));
  EXPECT_EQ(extract_urls("\"http://example.com/q\", 'http://example.com/s';"),
            (Strings{"http://example.com/q", "http://example.com/s"}));
  EXPECT_EQ(extract_urls("[link](http://example.com/md)!"), (Strings{"http://example.com/md"}));
  EXPECT_EQ(extract_urls("Is it http://example.com/?"), (Strings{"http://example.com/"}));
  EXPECT_EQ(extract_urls("«http://example.com/fr» “http://example.com/en”"),
            (Strings{"http://example.com/fr", "http://example.com/en"}));
  EXPECT_EQ(extract_urls("网址：http://example.cn/页面。谢谢"),
            (Strings{"http://example.cn/%E9%A1%B5%E9%9D%A2"}));
}

TEST_F(UrlTest, ExtractSchemeless) {
  EXPECT_EQ(extract_urls("go to www.example.com today"), (Strings{"http://www.example.com/"}));
  EXPECT_EQ(extract_urls("WWW.EXAMPLE.COM/PROMO."), (Strings{"http://www.example.com/PROMO"}));
  EXPECT_EQ(extract_urls("Order at example.co.uk/shop?id=1, or shop.example.de!"),
            (Strings{"http://example.co.uk/shop?id=1", "http://shop.example.de/"}));
  EXPECT_EQ(extract_urls("host example.org:8443/admin"),
            (Strings{"http://example.org:8443/admin"}));
  EXPECT_EQ(extract_urls("see 203.0.113.7/login or 203.0.113.8:8080/x"),
            (Strings{"http://203.0.113.7/login", "http://203.0.113.8:8080/x"}));
  EXPECT_EQ(extract_urls("the archive example.zip/download"),
            (Strings{"http://example.zip/download"}));
  Vec<Url> urls(&arena_);
  Vec<EmailRef> emails(&arena_);
  ex_.extract(arena_, "x www.example.com y", Origin::kHtmlText, 5, urls, emails, 10);
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_TRUE(urls[0].schemeless);
  EXPECT_EQ(urls[0].raw, "www.example.com");
  EXPECT_EQ(urls[0].origin, Origin::kHtmlText);
  EXPECT_EQ(urls[0].part_index, 5);
}

TEST_F(UrlTest, ExtractFalsePositives) {
  const char* texts[] = {
      "see file.txt and report.pdf, image.png",
      "e.g. this, i.e. that, etc. and so on",
      "version 1.2.3 and 10.0.1, pi is 3.14159",
      "It ended.The next sentence.Then more",
      "Download setup.py, archive.zip or notes.md today",
      "the IP 192.168.1.1 alone is not a URL",
      "the suffix co.uk alone, and github.io alone",
      "a...b ..com com. .net",
      "path/to/example.com/x and C:\\dir\\example.com",
      "key=value.com&x=1 and #anchor.org",
      "Mr.Smith and Dr.Who",
  };
  for (const char* t : texts) EXPECT_EQ(extract_urls(t), Strings{}) << t;
}

TEST_F(UrlTest, ExtractMixedAndLimit) {
  Vec<Url> urls(&arena_);
  Vec<EmailRef> emails(&arena_);
  std::string text =
      "Hi john@example.com, see http://a.example/1 and www.b.example.org then "
      "mailto:x@example.net or http://c.example/3";
  ex_.extract(arena_, text, Origin::kText, 0, urls, emails, 1000);
  EXPECT_EQ(urls.size(), 3u);
  EXPECT_EQ(emails.size(), 2u);

  Vec<Url> u2(&arena_);
  Vec<EmailRef> e2(&arena_);
  ex_.extract(arena_, text, Origin::kText, 0, u2, e2, 3);
  EXPECT_EQ(u2.size() + e2.size(), 3u);
  ex_.extract(arena_, text, Origin::kText, 0, u2, e2, 3);  // already full
  EXPECT_EQ(u2.size() + e2.size(), 3u);
  ex_.extract(arena_, text, Origin::kText, 0, u2, e2, 0);
  EXPECT_EQ(u2.size() + e2.size(), 3u);
}

TEST_F(UrlTest, UrlInsideUrlIsOneUrl) {
  EXPECT_EQ(extract_urls("http://redir.example/?u=http://target.example/x"),
            (Strings{"http://redir.example/?u=http://target.example/x"}));
  EXPECT_EQ(extract_urls("http://example.com/user@host.example"),
            (Strings{"http://example.com/user@host.example"}));
}

TEST_F(UrlTest, RawViewsPointIntoText) {
  std::string text = "before https://Example.com/X after";
  Vec<Url> urls(&arena_);
  Vec<EmailRef> emails(&arena_);
  ex_.extract(arena_, text, Origin::kText, 0, urls, emails, 10);
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(urls[0].raw, "https://Example.com/X");
  EXPECT_EQ(urls[0].raw.data(), text.data() + 7);
}

// --- registrable domains -------------------------------------------------------------------

TEST_F(UrlTest, RegistrableDomainTable) {
  const std::pair<const char*, const char*> cases[] = {
      {"a.b.example.co.uk", "example.co.uk"},
      {"example.co.uk", "example.co.uk"},
      {"co.uk", "co.uk"},                  // a suffix itself
      {"www.example.com", "example.com"},
      {"x.github.io", "x.github.io"},      // private section counts (decision, see urls.h)
      {"deep.x.github.io", "x.github.io"},
      {"github.io", "github.io"},
      {"xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"},
      {"shop.xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"},
      {"a.b.c.ck", "b.c.ck"},              // wildcard rule *.ck
      {"www.ck", "www.ck"},                // exception rule !www.ck
      {"host.unknowntld", "host.unknowntld"},
      {"a.b.unknowntld", "a.b.unknowntld"},  // no known suffix: the host itself
      {"localhost", "localhost"},
      {"192.168.1.1", "192.168.1.1"},
      {"2001:db8::1", "2001:db8::1"},
      {"", ""},
  };
  for (const auto& [host, reg] : cases) {
    EXPECT_EQ(ex_.registrable_domain(arena_, host), reg) << host;
  }
}

TEST_F(UrlTest, LookupCachesAreTransparent) {
  // Many distinct hosts and TLD-like labels force collisions and evictions in the
  // per-extractor caches; every answer must match the first one.
  std::vector<std::pair<std::string, std::string>> expected;
  for (int i = 0; i < 3000; ++i) {
    std::string n = std::to_string(i);
    expected.emplace_back("h" + n + ".sub.example.co.uk", "example.co.uk");
    expected.emplace_back("u" + n + ".github.io", "u" + n + ".github.io");
    expected.emplace_back("x" + n + ".notatld" + n, "x" + n + ".notatld" + n);
  }
  for (int round = 0; round < 2; ++round) {
    for (const auto& [host, reg] : expected) {
      ASSERT_EQ(ex_.registrable_domain(arena_, host), reg) << host << " round " << round;
    }
  }
  // Alphabetic TLD-like labels that are not TLDs ("qbaa", "qbab", ...) mixed with ".com".
  std::string text;
  for (int i = 0; i < 500; ++i) {
    std::string fake = "q";
    for (int v = i + 26 * 26; v > 0; v /= 26) fake.push_back(static_cast<char>('a' + v % 26));
    text += "a" + std::to_string(i) + "." + fake + " b" + std::to_string(i) + ".com ";
  }
  EXPECT_EQ(extract_urls(text).size(), 500u);
  EXPECT_EQ(extract_urls(text).size(), 500u);
}

// --- syntax helpers ------------------------------------------------------------------------

TEST(UrlParseTest, Ipv4Forms) {
  uint32_t a = 0;
  EXPECT_EQ(detail::parse_ipv4("example.com", a), detail::Ipv4Form::kNotNumeric);
  EXPECT_EQ(detail::parse_ipv4("1.2.3.4", a), detail::Ipv4Form::kCanonical);
  EXPECT_EQ(a, 0x01020304u);
  EXPECT_EQ(detail::parse_ipv4("0x7f.1", a), detail::Ipv4Form::kUnusual);
  EXPECT_EQ(a, 0x7F000001u);
  EXPECT_EQ(detail::parse_ipv4("4294967295", a), detail::Ipv4Form::kUnusual);
  EXPECT_EQ(a, 0xFFFFFFFFu);
  EXPECT_EQ(detail::parse_ipv4("4294967296", a), detail::Ipv4Form::kInvalid);
  EXPECT_EQ(detail::parse_ipv4("09.1.1.1", a), detail::Ipv4Form::kInvalid);  // bad octal
  EXPECT_EQ(detail::parse_ipv4("1.2.3.4.", a), detail::Ipv4Form::kUnusual);
  EXPECT_EQ(detail::parse_ipv4("1..2.3", a), detail::Ipv4Form::kInvalid);
  EXPECT_EQ(detail::parse_ipv4("99999999999999999999999", a), detail::Ipv4Form::kInvalid);
  EXPECT_EQ(detail::format_ipv4(0xC0A80101u), "192.168.1.1");
}

TEST(UrlParseTest, PercentHelpers) {
  // Decoding: core/percent.h (core_test).
  std::string out;
  EXPECT_TRUE(detail::has_percent_escape("x%2Fy"));
  EXPECT_FALSE(detail::has_percent_escape("100% sure %"));
  out.clear();
  detail::percent_encode_unsafe("a b\"<>`\x7F\xC3\xA9", out);
  EXPECT_EQ(out, "a%20b%22%3C%3E%60%7F%C3%A9");
}

// --- robustness ----------------------------------------------------------------------------

TEST_F(UrlTest, PathologicalInputsAreLinear) {
  const std::string patterns[] = {"a.", ".", "@", "a@", "http://", "x://[", ":", "a:",
                                  "www.", "a.com.", "1.1.", "ab.cd@", "http://a.com/(", "é."};
  for (const std::string& pat : patterns) {
    std::string input;
    while (input.size() < (1u << 20)) input += pat;
    Vec<Url> urls(&arena_);
    Vec<EmailRef> emails(&arena_);
    auto start = std::chrono::steady_clock::now();
    ex_.extract(arena_, input, Origin::kText, 0, urls, emails, 100000);
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(secs, 3.0) << pat;
  }
}

TEST_F(UrlTest, LongUrlIsCut) {
  std::string text = "http://example.com/" + std::string(20000, 'a');
  auto urls = extract_urls(text);
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(urls[0].size(), UrlExtractor::kMaxUrlScan + 5);  // "http:" + the cut run
}

}  // namespace
}  // namespace mw::mime
