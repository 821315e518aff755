// DNS list helpers (scan/rbl_list.h): query names, public addresses, address canonical form
// and hashes, registrable domains with exceptions, answers to symbols, configuration errors;
// and the relay chain (scan/received_chain.h).
#include "scan/rbl_list.h"

#include <gtest/gtest.h>

#include "mime/parser.h"
#include "scan/options.h"
#include "scan/received_chain.h"

namespace mw::scan {
namespace {

TEST(Rbl, ReversedAddresses) {
  EXPECT_EQ(reversed_ip("192.0.2.1"), "1.2.0.192");
  EXPECT_EQ(reversed_ip("2001:db8::25"),
            "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
  EXPECT_EQ(reversed_ip("example.com"), "");
  EXPECT_EQ(reversed_ip(""), "");
}

TEST(Rbl, PublicAddresses) {
  for (const char* ip : {"192.0.2.1", "8.8.8.8", "2001:db8::1", "2a00:1450::5"}) {
    EXPECT_TRUE(is_public_ip(ip)) << ip;
  }
  for (const char* ip : {"10.1.2.3", "127.0.0.1", "172.16.0.1", "172.31.255.1", "192.168.1.1",
                         "169.254.1.1", "100.64.0.1", "0.1.2.3", "224.0.0.1", "255.255.255.255",
                         "::1", "::", "fe80::1", "fc00::1", "fd12::1", "ff02::1",
                         "::ffff:10.0.0.1", "nonsense"}) {
    EXPECT_FALSE(is_public_ip(ip)) << ip;
  }
  EXPECT_TRUE(is_public_ip("172.32.0.1"));
  EXPECT_TRUE(is_public_ip("100.128.0.1"));
}

TEST(Rbl, CanonicalAddressesAndHashes) {
  EXPECT_EQ(canonical_email("John.Doe+promo@GoogleMail.com"), "johndoe@gmail.com");
  EXPECT_EQ(canonical_email("First.Last+x@Example.ORG"), "first.last@example.org");
  EXPECT_EQ(canonical_email("+only@example.org"), "+only@example.org");
  EXPECT_EQ(hash_text("abc", RblHash::kMd5, RblHashFormat::kHex), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hash_text("abc", RblHash::kSha1, RblHashFormat::kHex),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hash_text("abc", RblHash::kSha256, RblHashFormat::kBase32),
            "xj4bnp4pahh6uqkbidpf3lrceoyagyndsylxvhfucd7wd4qacwwq");
  EXPECT_EQ(hash_text("abc", RblHash::kNone, RblHashFormat::kHex), "");
}

TEST(Rbl, QueryDomains) {
  RblList l;
  l.exceptions = {"freehost.example"};
  EXPECT_EQ(query_domain(l, "WWW.Shop.Example.", "shop.example"), "shop.example");
  EXPECT_EQ(query_domain(l, "a.b.victim.freehost.example", "freehost.example"),
            "victim.freehost.example");
  EXPECT_EQ(query_domain(l, "freehost.example", "freehost.example"), "freehost.example");
  EXPECT_EQ(query_domain(l, "x.notfreehost.example", "notfreehost.example"), "notfreehost.example");
  EXPECT_EQ(query_domain(l, "host.example", ""), "host.example");
  l.full_domain = true;
  EXPECT_EQ(query_domain(l, "www.shop.example", "shop.example"), "www.shop.example");
}

TEST(Rbl, AnswersToSymbols) {
  RblList l;
  l.symbol = "LIST";
  RblList::Code sbl{"SBL", {}};
  ASSERT_TRUE(sbl.nets.add("127.0.0.2"));
  RblList::Code range{"RANGE", {}};
  ASSERT_TRUE(range.nets.add("127.0.1.0/24"));
  l.codes = {sbl, range};
  l.bits = {{"PH", 8}, {"MW", 16}};
  ASSERT_TRUE(l.blocked.add("127.255.255.0/24"));
  auto syms = [&](const char* ip) {
    RblAnswer a = read_answer(l, ip);
    std::string out = a.blocked ? "blocked" : "";
    for (auto s : a.symbols) out += (out.empty() ? "" : ",") + std::string(s);
    return out;
  };
  EXPECT_EQ(syms("127.0.0.2"), "SBL");
  EXPECT_EQ(syms("127.0.1.65"), "RANGE");  // 65 has neither bit 8 nor 16
  EXPECT_EQ(syms("127.0.0.24"), "PH,MW");
  EXPECT_EQ(syms("127.0.0.3"), "LIST");
  EXPECT_EQ(syms("127.255.255.254"), "blocked");
  l.strict_returncodes = true;
  EXPECT_EQ(syms("127.0.0.3"), "");
  EXPECT_EQ(l.symbols(), (std::vector<std::string>{"LIST", "SBL", "RANGE", "PH", "MW"}));
}

Result<RblOptions> load(const std::string& toml) {
  static core::Schema schema = [] {
    core::Schema s;
    declare_options(s);
    declare_rbl_options(s);
    return s;
  }();
  std::vector<core::ConfigIssue> issues;
  auto cfg = core::Config::from_string(schema, toml, issues);
  if (!cfg) return fail(cfg.error());
  return load_rbl_options(**cfg);
}

TEST(Rbl, Options) {
  auto o = load("[rbl]\nmax_queries = 5\n[rbl.one]\nrbl = \"One.Example.\"\nchecks = [\"from\", \"urls\"]\n"
                "[rbl.one.returncodes]\nA = [\"127.0.0.2\"]\n[rbl.one.returnbits]\nB = 4\n");
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->max_queries, 5u);
  ASSERT_EQ(o->lists.size(), 1u);
  EXPECT_EQ(o->lists[0].zone, "one.example");
  EXPECT_EQ(o->lists[0].symbol, "RBL_ONE");
  EXPECT_EQ(o->lists[0].checks, uint32_t{kRblFrom | kRblUrls});
  EXPECT_FALSE(load("[rbl.x]\nchecks = [\"from\"]\n").has_value());  // no zone
  EXPECT_FALSE(load("[rbl.x]\nrbl = \"z\"\nchecks = [\"everything\"]\n").has_value());
  EXPECT_FALSE(load("[rbl.x]\nrbl = \"z\"\n[rbl.x.returncodes]\nA = [\"not an ip\"]\n").has_value());
  EXPECT_FALSE(load("[rbl.x]\nrbl = \"z\"\n[rbl.x.returnbits]\nA = 300\n").has_value());
}

TEST(RelayChain, TrustAndEnvelopeHop) {
  mime::Parser parser;
  core::Arena arena;
  std::string raw =
      "Received: from filter (localhost [127.0.0.1]) by mx.example.org; Tue, 3 Sep 2024 10:00:02 +0000\r\n"
      "Received: by mx.example.org (Postfix, from userid 0) id 1; Tue, 3 Sep 2024 10:00:01 +0000\r\n"
      "Received: from relay (relay.example.org [10.0.0.5]) by mx.example.org; Tue, 3 Sep 2024 10:00:01 +0000\r\n"
      "Received: from pc (pc.example.net [203.0.113.7]) by relay.example.org; Tue, 3 Sep 2024 10:00:00 +0000\r\n"
      "Received: from forged ([10.9.9.9]) by smtp.example.com; Tue, 3 Sep 2024 09:00:00 +0000\r\n"
      "Subject: x\r\n\r\nbody\r\n";
  auto m = parser.parse(arena, raw, mime::Limits{});
  ASSERT_TRUE(m.has_value());
  IpNetworks trusted;
  ASSERT_TRUE(trusted.add("127.0.0.0/8"));
  ASSERT_TRUE(trusted.add("10.0.0.0/8"));
  Envelope env;
  RelayChain c = RelayChain::build(env, *m, trusted);
  ASSERT_EQ(c.relays().size(), 5u);
  ASSERT_NE(c.first_untrusted(), nullptr);
  EXPECT_EQ(c.first_untrusted()->ip, "203.0.113.7");
  EXPECT_EQ(c.first_untrusted_position(), 3);
  EXPECT_TRUE(c.relays()[0].trusted);
  EXPECT_TRUE(c.relays()[1].trusted);  // a local pickup
  EXPECT_FALSE(c.relays()[4].trusted);  // below the boundary: claims of others

  EXPECT_TRUE(fill_envelope_from_received(**m, trusted, env));
  EXPECT_EQ(env.ip, "203.0.113.7");
  EXPECT_EQ(env.helo, "pc");
  EXPECT_EQ(env.hostname, "pc.example.net");
  EXPECT_TRUE(env.ip_from_received);
  EXPECT_FALSE(fill_envelope_from_received(**m, trusted, env));  // has an IP now

  // The MTA gave an IP the topmost field does not record: the envelope hop comes first.
  Envelope direct;
  direct.ip = "::ffff:198.51.100.9";
  direct.hostname = "unknown";
  RelayChain d = RelayChain::build(direct, *m, trusted);
  ASSERT_EQ(d.relays().size(), 6u);
  EXPECT_TRUE(d.relays()[0].artificial);
  EXPECT_EQ(d.relays()[0].ip, "198.51.100.9");
  EXPECT_TRUE(d.relays()[0].rdns_absent);
  EXPECT_EQ(d.first_untrusted_position(), 0);
  EXPECT_EQ(canonical_ip("[::ffff:192.0.2.1]"), "192.0.2.1");
  EXPECT_EQ(canonical_ip("bogus"), "");
}

}  // namespace
}  // namespace mw::scan
