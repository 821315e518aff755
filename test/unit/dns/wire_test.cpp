#include "dns/wire.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/name.h"

namespace mw::dns {
namespace {

// Build a reply packet with ldns: question `qname qtype`, the given answer and authority
// records in master-file syntax.
std::vector<uint8_t> make_reply(const std::string& question, std::vector<std::string> answers,
                                std::vector<std::string> authority = {},
                                ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR, uint16_t id = 4242) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_id(pkt.get(), id);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), rcode);
  ldns_rr* q = nullptr;
  EXPECT_EQ(ldns_rr_new_question_frm_str(&q, question.c_str(), nullptr, nullptr), LDNS_STATUS_OK);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, q);
  auto push = [&](const std::vector<std::string>& rrs, ldns_pkt_section section) {
    for (const auto& text : rrs) {
      ldns_rr* rr = nullptr;
      EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK)
          << text;
      ldns_pkt_push_rr(pkt.get(), section, rr);
    }
  };
  push(answers, LDNS_SECTION_ANSWER);
  push(authority, LDNS_SECTION_AUTHORITY);
  uint8_t* raw = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&raw, pkt.get(), &size), LDNS_STATUS_OK);
  LdnsBytesPtr bytes(raw);
  return std::vector<uint8_t>(bytes.get(), bytes.get() + size);
}

TEST(Wire, EncodeQueryHasQuestionRdAndOpt) {
  auto q = encode_query(name_to_wire("mail.example.org"), RrType::kTxt, 0xbeef, 1232);
  ASSERT_TRUE(q);
  ldns_pkt* raw = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&raw, q->data(), q->size()), LDNS_STATUS_OK);
  LdnsPktPtr pkt(raw);
  EXPECT_EQ(ldns_pkt_id(pkt.get()), 0xbeef);
  EXPECT_TRUE(ldns_pkt_rd(pkt.get()));
  EXPECT_FALSE(ldns_pkt_qr(pkt.get()));
  EXPECT_TRUE(ldns_pkt_edns(pkt.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 1232);
  ASSERT_EQ(ldns_pkt_qdcount(pkt.get()), 1);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  EXPECT_EQ(ldns_rr_get_type(question), LDNS_RR_TYPE_TXT);
  EXPECT_EQ(ldns_rr_get_class(question), LDNS_RR_CLASS_IN);
  // Header (12) + name (18) + type/class (4) + OPT (11).
  EXPECT_EQ(q->size(), 12u + 18 + 4 + 11);

  auto plain = encode_query(name_to_wire("a.b"), RrType::kA, 1, 0);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->size(), 12u + 5 + 4);  // no OPT
}

TEST(Wire, DecodesAnswersOfTheAskedType) {
  auto bytes = make_reply("Example.ORG. IN MX",
                          {"example.org. 300 IN MX 10 mx1.example.org.",
                           "EXAMPLE.org. 200 IN MX 20 MX2.example.org.",
                           "example.org. 300 IN A 192.0.2.1"});
  auto d = decode_reply(bytes);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->id, 4242);
  EXPECT_EQ(d->qtype, 15);
  EXPECT_EQ(d->qname_wire, name_to_wire("example.org"));
  EXPECT_EQ(d->reply.rcode, Rcode::kNoError);
  ASSERT_EQ(d->reply.answers.size(), 2u);
  EXPECT_EQ(d->reply.answers[1].name, "example.org");
  EXPECT_EQ(d->reply.answers[1].text, "mx2.example.org");
  EXPECT_EQ(d->reply.answers[1].preference, 20);
  EXPECT_TRUE(d->cacheable);
  EXPECT_EQ(d->cache_ttl, 200u);
}

TEST(Wire, FollowsCnameChainsAndBoundsTtl) {
  auto bytes = make_reply("www.example.org. IN A",
                          {"www.example.org. 3600 IN CNAME edge.example.net.",
                           "edge.example.net. 30 IN CNAME host.example.com.",
                           "host.example.com. 600 IN A 203.0.113.7",
                           "unrelated.example. 600 IN A 203.0.113.8"});
  auto d = decode_reply(bytes);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->reply.answers.size(), 1u);
  EXPECT_EQ(d->reply.answers[0].name, "host.example.com");
  EXPECT_EQ(d->reply.answers[0].text, "203.0.113.7");
  EXPECT_EQ(d->cache_ttl, 30u);
}

TEST(Wire, CnameLoopEndsWithoutAnswers) {
  auto bytes = make_reply("a.example. IN A", {"a.example. 60 IN CNAME b.example.",
                                              "b.example. 60 IN CNAME a.example."});
  auto d = decode_reply(bytes);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->reply.answers.empty());
}

TEST(Wire, NegativeTtlFromSoa) {
  const std::string soa = "example.org. 900 IN SOA ns.example.org. h.example.org. 1 2 3 4 300";
  auto nx = decode_reply(make_reply("nope.example.org. IN A", {}, {soa}, LDNS_RCODE_NXDOMAIN));
  ASSERT_TRUE(nx);
  EXPECT_EQ(nx->reply.rcode, Rcode::kNxDomain);
  EXPECT_TRUE(nx->cacheable);
  EXPECT_EQ(nx->cache_ttl, 300u);  // min(SOA TTL 900, MINIMUM 300)
  const std::string low = "example.org. 20 IN SOA ns.example.org. h.example.org. 1 2 3 4 300";
  auto nodata = decode_reply(make_reply("example.org. IN TXT", {}, {low}));
  ASSERT_TRUE(nodata);
  EXPECT_EQ(nodata->reply.rcode, Rcode::kNoError);
  EXPECT_EQ(nodata->cache_ttl, 20u);
  // Without an SOA a negative answer is not cacheable (RFC 2308 section 5).
  auto bare = decode_reply(make_reply("nope.example.org. IN A", {}, {}, LDNS_RCODE_NXDOMAIN));
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->cacheable);
  // SERVFAIL never is.
  auto sf = decode_reply(make_reply("x.example. IN A", {}, {soa}, LDNS_RCODE_SERVFAIL));
  ASSERT_TRUE(sf);
  EXPECT_EQ(sf->reply.rcode, Rcode::kServFail);
  EXPECT_FALSE(sf->cacheable);
}

TEST(Wire, TxtAndSpfStrings) {
  auto d = decode_reply(make_reply("t.example. IN TXT",
                                   {"t.example. 60 IN TXT \"one\" \"\" \"three\"",
                                    "t.example. 60 IN TXT \"second record\""}));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->reply.answers.size(), 2u);
  EXPECT_EQ(d->reply.answers[0].strings, (std::vector<std::string>{"one", "", "three"}));
  EXPECT_EQ(d->reply.answers[0].text, "onethree");
  EXPECT_EQ(d->reply.answers[1].text, "second record");
  auto spf =
      decode_reply(make_reply("t.example. IN SPF", {"t.example. 60 IN SPF \"v=spf1 -all\""}));
  ASSERT_TRUE(spf);
  ASSERT_EQ(spf->reply.answers.size(), 1u);
  EXPECT_EQ(spf->reply.answers[0].type, RrType::kSpf);
  EXPECT_EQ(spf->reply.answers[0].text, "v=spf1 -all");
}

TEST(Wire, RcodeMapping) {
  EXPECT_EQ(map_rcode(0), Rcode::kNoError);
  EXPECT_EQ(map_rcode(1), Rcode::kFormErr);
  EXPECT_EQ(map_rcode(2), Rcode::kServFail);
  EXPECT_EQ(map_rcode(3), Rcode::kNxDomain);
  EXPECT_EQ(map_rcode(4), Rcode::kNotImp);
  EXPECT_EQ(map_rcode(5), Rcode::kRefused);
  EXPECT_EQ(map_rcode(9), Rcode::kServFail);
}

TEST(Wire, RejectsMalformedInput) {
  auto good = make_reply("a.example. IN A", {"a.example. 60 IN A 192.0.2.1"});
  ASSERT_TRUE(decode_reply(good));
  // Every truncation of a valid packet fails cleanly or decodes; none crashes.
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    auto d = decode_reply(cut);
    if (n < 12) {
      EXPECT_FALSE(d);
    }
  }
  // A query (QR=0) is not a reply.
  auto query = good;
  query[2] &= 0x7f;
  EXPECT_FALSE(decode_reply(query));
  // Two questions.
  auto two = good;
  two[5] = 2;
  EXPECT_FALSE(decode_reply(two));
  // A compression pointer to itself in the question name.
  std::vector<uint8_t> loop = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0,
                               0xc0, 12, 0, 1, 0, 1};
  EXPECT_FALSE(decode_reply(loop));
  // Opcode other than QUERY.
  auto notify = good;
  notify[2] = static_cast<uint8_t>((notify[2] & 0x87) | (4 << 3));
  EXPECT_FALSE(decode_reply(notify));
}

TEST(Wire, NameText) {
  std::string wire = name_to_wire("WWW.Example.com");
  EXPECT_EQ(wire_name_text(reinterpret_cast<const uint8_t*>(wire.data()), wire.size()),
            "www.example.com");
  const uint8_t odd[] = {3, 'a', '.', 0x01, 1, '\\', 0};
  EXPECT_EQ(wire_name_text(odd, sizeof(odd)), "a\\.\\001.\\\\");
  const uint8_t root[] = {0};
  EXPECT_EQ(wire_name_text(root, 1), "");
  const uint8_t cut[] = {10, 'a', 'b'};  // label longer than the buffer
  EXPECT_EQ(wire_name_text(cut, sizeof(cut)), "ab");
}

}  // namespace
}  // namespace mw::dns
