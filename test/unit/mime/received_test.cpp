// Received trace fields: mail-parser's 181 vectors, real headers from common MTAs, the rspamd
// received*.eml messages through the whole parser, and garbage.
#include "mime/received.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>

#include "mime/date.h"
#include "mime/parser.h"
#include "mime_test_util.h"

namespace mw::mime {
namespace {

using testing::field_of;

std::string s(std::string_view v) { return std::string(v); }

// The canonical text of an address as the parser writes it (IPv4-mapped IPv6 as IPv4).
std::string canonical_ip(const std::string& text) {
  unsigned char a[16];
  char out[INET6_ADDRSTRLEN] = {0};
  if (inet_pton(AF_INET, text.c_str(), a) == 1) return text;
  if (inet_pton(AF_INET6, text.c_str(), a) != 1) return text;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, kMapped, 12) == 0) {
    inet_ntop(AF_INET, a + 12, out, sizeof out);
  } else {
    inet_ntop(AF_INET6, a, out, sizeof out);
  }
  return out;
}

std::string name_of(const json::Value* v) {
  if (v == nullptr) return {};
  if (const json::Value* n = v->find("Name")) return n->as_string();
  if (const json::Value* n = v->find("IpAddr")) return n->as_string();
  return {};
}

std::string strip_brackets(std::string_view v) {
  if (v.size() >= 2 && v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

// Where we read a vector differently from mail-parser, on purpose. Key: "index:field".
const std::map<std::string, const char*> kDeliberate = {
    // A dot-terminated reverse-DNS name (Gmail, GitHub) is kept without its final dot.
    {"2:from_iprev", "trailing dot of the PTR name removed"},
    // "ESMTP/TLS/<cipher>" and "(authenticated bits=0) ... with ESMTP" say TLS/auth in words.
    {"0:with", "ESMTP/TLS/... is ESMTP over TLS"},
    // The ecelerity queue id "EE/20-30863-33CE1054" is one token; mail-parser cuts at '/'.
    {"28:id", "queue id kept whole"},
    {"29:id", "queue id kept whole"},
    {"30:id", "queue id kept whole"},
    // "5-part" dotted client addresses are IPv4 plus a port (Exim 3 / Sendmail style).
    {"43:from_ip", "192.0.2.1.port is an address and a port"},
    {"81:from_ip", "192.0.2.1.port is an address and a port"},
    // qmail "(user@ip)" / Yahoo "(user@ip with plain)": the address after '@' is the client.
    {"64:from_ip", "user@IP names the client IP"},
    {"86:from_ip", "user@IP names the client IP"},
    {"87:from_ip", "user@IP names the client IP"},
    {"97:from_ip", "user@IP names the client IP"},
    {"116:from_ip", "user@IP names the client IP"},
    {"119:from_ip", "user@IP names the client IP"},
    // Exim 3 "RDNS (HELO) [IP]": the lone name in the comment is the HELO.
    {"43:from_iprev", "Exim 3 shape"},
    // Named US zones are RFC 5322 obsolete zones (PST = -0800); fractional seconds are read.
    {"67:date", "PST is -0800"},
    {"163:date", "PDT is -0700"},
    {"144:date", "07:53:55.516 has 55 seconds"},
    // A '/' inside the from word ("Unknown/Local") is part of it.
    {"125:from", "word kept whole"},
    // A bracketed non-address after `from` is still what the client said.
    {"151:from", "literal kept"},
    // "server-7.tower-with AES256-GCM-SHA384 encrypted SMTP": no `with` keyword; the cipher
    // and TLS are still read from "CIPHER encrypted", but no protocol.
    // "<unknown.domain>" is the MTA saying there is no PTR name.
    {"54:from_iprev", "<unknown.domain> means no reverse DNS"},
    // Exim writes the PTR name after `from` and omits helo= when the HELO equals it.
    {"123:by", "the first of two `by` clauses is the receiving host"},
    // "(qmail 84907 invoked from network)" is a local qmail note, not a from clause.
    {"165:from", "qmail invocation comment"},
    // Postfix "(Postfix, from userid 1002)" is a comment of the by clause.
    {"171:from", "comment of the by clause"},
    // A comment with only a host name and no address is not taken as reverse DNS unless it
    // has a dot ("(NODE50)" no, "(scv3.apple.com)" yes) - matches mail-parser except here,
    // where the name is the HELO of a "[ip]" from value.
    {"180:from", "kept with brackets"},
};

bool deliberate(size_t i, const char* field) {
  return kDeliberate.count(std::to_string(i) + ":" + field) > 0;
}

TEST(Received, MailParserVectors) {
  json::Value vectors = testing::read_json(testing::testdata("corpus/mail-parser/received.json"));
  ASSERT_TRUE(vectors.is_array());
  ASSERT_EQ(vectors.items().size(), 181u);
  core::Arena arena;
  size_t i = 0, compared = 0;
  for (const json::Value& v : vectors.items()) {
    std::string header = v.find("header")->as_string();
    std::string storage;
    Header h = field_of(arena, "Received", header, &storage);
    Received r = parse_received(arena, h.raw_value);
    const json::Value& e = *v.find("expected");
    SCOPED_TRACE("vector " + std::to_string(i) + ": " + header);
    // from: the word after `from` (an IP literal loses its brackets for the comparison).
    std::string from = name_of(e.find("from"));
    if (!from.empty() && !deliberate(i, "from")) {
      EXPECT_EQ(canonical_ip(strip_brackets(r.from)), canonical_ip(from));
      ++compared;
    } else if (from.empty() && !deliberate(i, "from")) {
      EXPECT_TRUE(r.from.empty() || e.find("from_ip") != nullptr) << s(r.from);
    }
    // The client IP: the comment's address, else an address after `from`.
    std::string ip;
    if (const json::Value* fi = e.find("from_ip")) {
      ip = fi->as_string();
    } else if (e.find("from") && e.find("from")->find("IpAddr")) {
      ip = e.find("from")->find("IpAddr")->as_string();
    }
    if (!deliberate(i, "from_ip")) {
      EXPECT_EQ(s(r.ip), ip.empty() ? "" : canonical_ip(ip));
      ++compared;
    }
    if (const json::Value* rev = e.find("from_iprev"); rev && !deliberate(i, "from_iprev")) {
      EXPECT_EQ(s(r.rdns), rev->as_string());
      EXPECT_EQ(r.rdns_state, RdnsState::kPresent);
      ++compared;
    }
    if (std::string by = name_of(e.find("by")); !by.empty() && !deliberate(i, "by")) {
      EXPECT_EQ(s(r.by), by);
      ++compared;
    }
    if (const json::Value* w = e.find("with"); w && !deliberate(i, "with")) {
      std::string want = w->as_string();
      std::string base = want;
      for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool tls = false, auth = false;
      for (std::string b : {"esmtp", "lmtp"}) {
        if (base.rfind(b, 0) == 0 && base.size() > b.size()) {
          std::string suffix = base.substr(b.size());
          tls = suffix.find('s') != std::string::npos;
          auth = suffix.find('a') != std::string::npos;
          base = b;
        }
      }
      EXPECT_EQ(s(received_proto_name(r.proto)), base);
      if (tls) {
        EXPECT_TRUE(r.has(kRcvdTls));
      }
      if (auth) {
        EXPECT_TRUE(r.has(kRcvdAuth));
      }
      ++compared;
    }
    if (const json::Value* via = e.find("via"); via && !deliberate(i, "via")) {
      EXPECT_EQ(s(r.via), via->as_string());
      ++compared;
    }
    if (const json::Value* id = e.find("id"); id && !deliberate(i, "id")) {
      EXPECT_EQ(s(r.id), id->as_string());
      ++compared;
    }
    if (const json::Value* f = e.find("for_"); f && !deliberate(i, "for_")) {
      EXPECT_EQ(s(r.for_addr), f->as_string());
      ++compared;
    }
    if (std::string helo = name_of(e.find("helo")); !helo.empty() && !deliberate(i, "helo")) {
      EXPECT_EQ(strip_brackets(r.helo), helo);
      EXPECT_TRUE(r.has(kRcvdHeloExplicit));
      ++compared;
    }
    if (const json::Value* tv = e.find("tls_version"); tv && !deliberate(i, "tls_version")) {
      std::string want = tv->as_string();  // "TLSv1_3" -> "TLSv1.3"
      for (auto& c : want) c = c == '_' ? '.' : c;
      EXPECT_EQ(s(r.tls_version), want);
      EXPECT_TRUE(r.has(kRcvdTls));
      ++compared;
    }
    if (const json::Value* tc = e.find("tls_cipher"); tc && !deliberate(i, "tls_cipher")) {
      EXPECT_EQ(s(r.tls_cipher), tc->as_string());
      EXPECT_TRUE(r.has(kRcvdTls));
      ++compared;
    }
    if (const json::Value* d = e.find("date")) {
      auto num = [d](const char* k) {
        const json::Value* x = d->find(k);
        return x != nullptr ? static_cast<int>(x->as_int()) : 0;
      };
      DateTime dt;
      dt.year = num("year");
      dt.month = num("month");
      dt.day = num("day");
      dt.hour = num("hour");
      dt.minute = num("minute");
      dt.second = num("second");
      int tz = num("tz_hour") * 60 + num("tz_minute");
      const json::Value* before = d->find("tz_before_gmt");
      dt.tz_offset = before != nullptr && before->as_bool() ? -tz : tz;
      if (dt.year > 1970 && !deliberate(i, "date")) {
        EXPECT_EQ(r.timestamp, to_unix_time(dt));
        ++compared;
      }
    }
    ++i;
  }
  EXPECT_GT(compared, 900u);
}


Received parse(core::Arena& arena, std::string_view v) { return parse_received(arena, v); }

// Real headers of common MTAs (host names and addresses changed to documentation ones).
TEST(Received, Postfix) {
  core::Arena a;
  Received r = parse(a,
      "from mail-wr1-f54.google.com (mail-wr1-f54.google.com [209.85.221.54])\r\n"
      "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)\r\n"
      "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"
      "\t(No client certificate requested)\r\n"
      "\tby mx.example.org (Postfix) with ESMTPS id 4WzKqL2dNQz9sR1\r\n"
      "\tfor <user@example.org>; Tue,  3 Sep 2024 10:11:12 +0200 (CEST)");
  EXPECT_TRUE(r.parsed);
  EXPECT_EQ(s(r.helo), "mail-wr1-f54.google.com");
  EXPECT_EQ(s(r.rdns), "mail-wr1-f54.google.com");
  EXPECT_EQ(r.rdns_state, RdnsState::kPresent);
  EXPECT_EQ(s(r.ip), "209.85.221.54");
  EXPECT_EQ(r.ip_family, 4);
  EXPECT_EQ(s(r.by), "mx.example.org");
  EXPECT_EQ(r.proto, ReceivedProto::kEsmtp);
  EXPECT_TRUE(r.has(kRcvdTls));
  EXPECT_FALSE(r.has(kRcvdAuth));
  EXPECT_EQ(s(r.tls_version), "TLSv1.3");
  EXPECT_EQ(s(r.tls_cipher), "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(s(r.id), "4WzKqL2dNQz9sR1");
  EXPECT_EQ(s(r.for_addr), "user@example.org");
  EXPECT_EQ(r.timestamp, 1725351072);

  r = parse(a, "from helo.example (unknown [198.51.100.23]) by mx.example.org (Postfix) "
               "with ESMTP id 9F1E21C0; Mon,  2 Sep 2024 08:00:00 +0000 (UTC)");
  EXPECT_EQ(r.rdns_state, RdnsState::kAbsent);
  EXPECT_TRUE(r.rdns.empty());
  EXPECT_EQ(s(r.helo), "helo.example");
  EXPECT_EQ(s(r.ip), "198.51.100.23");
  EXPECT_FALSE(r.has(kRcvdTls));

  r = parse(a, "from [192.168.1.20] (dsl-203-0-113-7.example.net [203.0.113.7])\r\n"
               "\t(Authenticated sender: alice@example.org)\r\n"
               "\tby smtp.example.org (Postfix) with ESMTPSA id 4Wz1;\r\n"
               "\tMon, 2 Sep 2024 08:00:00 +0000 (UTC)");
  EXPECT_EQ(s(r.helo), "[192.168.1.20]");
  EXPECT_TRUE(r.has(kRcvdHeloLiteral));
  EXPECT_EQ(s(r.ip), "203.0.113.7");
  EXPECT_EQ(s(r.rdns), "dsl-203-0-113-7.example.net");
  EXPECT_TRUE(r.has(kRcvdAuth));
  EXPECT_TRUE(r.has(kRcvdTls));

  r = parse(a, "by mail.example.org (Postfix, from userid 1000)\r\n\tid 5A1B2C3D; "
               "Mon, 2 Sep 2024 08:00:00 +0000 (UTC)");
  EXPECT_TRUE(r.parsed);
  EXPECT_TRUE(r.from.empty());
  EXPECT_TRUE(r.ip.empty());
  EXPECT_EQ(s(r.id), "5A1B2C3D");
}

TEST(Received, Exim) {
  core::Arena a;
  Received r = parse(a,
      "from mail-ej1-f44.google.com ([209.85.218.44])\r\n"
      "\tby mx.example.net with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n"
      "\t(Exim 4.96)\r\n\t(envelope-from <a@gmail.com>)\r\n\tid 1sF2Ab-000XyZ-0C\r\n"
      "\tfor b@example.net;\r\n\tTue, 03 Sep 2024 09:00:00 +0000");
  EXPECT_EQ(s(r.rdns), "mail-ej1-f44.google.com");
  EXPECT_EQ(s(r.helo), "mail-ej1-f44.google.com");
  EXPECT_EQ(s(r.ip), "209.85.218.44");
  EXPECT_EQ(r.proto, ReceivedProto::kEsmtp);
  EXPECT_EQ(s(r.tls_version), "TLSv1.3");
  EXPECT_EQ(s(r.tls_cipher), "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(s(r.for_addr), "b@example.net");
  EXPECT_EQ(s(r.id), "1sF2Ab-000XyZ-0C");

  r = parse(a, "from [203.0.113.9] (helo=WIN-7QXAMPLE)\r\n\tby mx.example.net with esmtp "
               "(Exim 4.94.2)\r\n\t(envelope-from <x@example.com>)\r\n\tid 1sF2Ac-0003Qw-1A; "
               "Tue, 03 Sep 2024 09:00:00 +0000");
  EXPECT_EQ(s(r.ip), "203.0.113.9");
  EXPECT_EQ(s(r.helo), "WIN-7QXAMPLE");
  EXPECT_TRUE(r.has(kRcvdHeloExplicit));
  EXPECT_FALSE(r.has(kRcvdHeloLiteral));
  EXPECT_TRUE(r.rdns.empty());
  EXPECT_FALSE(r.has(kRcvdTls));

  r = parse(a, "from host-203-0-113-5.example.com ([203.0.113.5] helo=[10.0.0.3])\r\n"
               "\tby smtp.example.net with esmtpsa  (TLS1.2) tls "
               "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\r\n\t(Exim 4.96)\r\n"
               "\t(envelope-from <u@example.net>)\r\n\tid 1sF2Ad-0001Ab-2B; "
               "Tue, 03 Sep 2024 09:00:00 +0000");
  EXPECT_EQ(s(r.helo), "[10.0.0.3]");
  EXPECT_TRUE(r.has(kRcvdHeloLiteral));
  EXPECT_EQ(s(r.rdns), "host-203-0-113-5.example.com");
  EXPECT_TRUE(r.has(kRcvdAuth));
  EXPECT_TRUE(r.has(kRcvdTls));
  EXPECT_EQ(s(r.tls_version), "TLSv1.2");
}

TEST(Received, Sendmail) {
  core::Arena a;
  Received r = parse(a,
      "from mx.sender.example (mx.sender.example [192.0.2.44])\r\n"
      "\tby mail.example.com (8.17.1/8.17.1) with ESMTPS id 4839abcX012345\r\n"
      "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)\r\n"
      "\tfor <bob@example.com>; Tue, 3 Sep 2024 12:00:00 -0400");
  EXPECT_EQ(s(r.ip), "192.0.2.44");
  EXPECT_EQ(s(r.tls_version), "TLSv1.3");
  EXPECT_EQ(s(r.tls_cipher), "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(r.timestamp, 1725379200);

  r = parse(a, "from spoof.example (host.isp.example [198.51.100.8] (may be forged))\r\n"
               "\tby mail.example.com (8.15.2/8.15.2) with SMTP id x83Ab1234; "
               "Tue, 3 Sep 2024 12:00:00 -0400");
  EXPECT_TRUE(r.has(kRcvdRdnsForged));
  EXPECT_EQ(s(r.rdns), "host.isp.example");
  EXPECT_EQ(s(r.helo), "spoof.example");
  EXPECT_EQ(r.proto, ReceivedProto::kSmtp);

  r = parse(a, "from laptop (cpe-1-2-3-4.isp.example [198.51.100.4])\r\n"
               "\t(authenticated bits=0)\r\n\tby mail.example.com (8.17.1/8.17.1) with "
               "ESMTPSA id 483Cxyz; Tue, 3 Sep 2024 12:00:00 -0400");
  EXPECT_TRUE(r.has(kRcvdAuth));
  EXPECT_EQ(s(r.helo), "laptop");
}

TEST(Received, Qmail) {
  core::Arena a;
  Received r = parse(a, "from unknown (HELO mail.example.biz) (198.51.100.77)\r\n"
                        "  by mx.example.com with SMTP; 3 Sep 2024 10:00:00 -0000");
  EXPECT_EQ(s(r.helo), "mail.example.biz");
  EXPECT_TRUE(r.has(kRcvdHeloExplicit));
  EXPECT_EQ(r.rdns_state, RdnsState::kAbsent);
  EXPECT_EQ(s(r.ip), "198.51.100.77");
  r = parse(a, "(qmail 12345 invoked by uid 89); 3 Sep 2024 10:00:00 -0000");
  EXPECT_FALSE(r.parsed);
  EXPECT_TRUE(r.ip.empty());
  EXPECT_EQ(r.timestamp, 1725357600);
}

TEST(Received, ExchangeAndOutlook) {
  core::Arena a;
  Received r = parse(a,
      "from AM6PR04MB5783.eurprd04.prod.outlook.com (2603:10a6:20b:ab::11) by "
      "DB9PR04MB8412.eurprd04.prod.outlook.com (2603:10a6:10:2c9::8) with Microsoft SMTP "
      "Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
      "15.20.7918.24; Tue, 3 Sep 2024 10:11:12 +0000");
  EXPECT_EQ(s(r.ip), "2603:10a6:20b:ab::11");
  EXPECT_EQ(r.ip_family, 6);
  EXPECT_EQ(r.proto, ReceivedProto::kSmtp);
  EXPECT_TRUE(r.has(kRcvdTls));
  EXPECT_EQ(s(r.tls_version), "TLSv1.2");
  EXPECT_EQ(s(r.by), "DB9PR04MB8412.eurprd04.prod.outlook.com");
  EXPECT_EQ(r.rdns_state, RdnsState::kNotRecorded);

  r = parse(a, "from mail.example.net ([198.51.100.3]) by EXCH01.corp.example.com with "
               "Microsoft SMTPSVC(6.0.3790.4675); Tue, 3 Sep 2024 10:11:12 +0000");
  EXPECT_EQ(r.proto, ReceivedProto::kSmtp);
  EXPECT_EQ(s(r.helo), "mail.example.net");
  EXPECT_EQ(s(r.ip), "198.51.100.3");

  r = parse(a, "from EUR05-VI1-obe.outbound.protection.outlook.com "
               "(mail-vi1eur05on2072.outbound.protection.outlook.com [40.107.21.72]) by "
               "mx.example.org (Postfix) with ESMTPS id 4Wz2; Tue, 3 Sep 2024 10:11:12 +0000");
  EXPECT_EQ(s(r.rdns), "mail-vi1eur05on2072.outbound.protection.outlook.com");
  EXPECT_EQ(s(r.helo), "EUR05-VI1-obe.outbound.protection.outlook.com");
}

TEST(Received, GmailAndYahoo) {
  core::Arena a;
  Received r = parse(a,
      "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\r\n"
      "        by mx.google.com with SMTPS id a640c23a62f3a-a8a1234sor1234566b.63.2024.09.03\r\n"
      "        for <bob@gmail.com>\r\n        (Google Transport Security);\r\n"
      "        Tue, 03 Sep 2024 02:11:12 -0700 (PDT)");
  EXPECT_EQ(s(r.rdns), "mail-sor-f41.google.com");
  EXPECT_EQ(r.proto, ReceivedProto::kSmtp);
  EXPECT_TRUE(r.has(kRcvdTls));
  EXPECT_EQ(s(r.for_addr), "bob@gmail.com");

  r = parse(a, "from [192.168.1.10] (cpe-203-0-113-1.example.net. [203.0.113.1])\r\n"
               "        by smtp.gmail.com with ESMTPSA id 5b1f17b1804b1-42bb6e1c2d3sm1234\r\n"
               "        for <x@example.org>\r\n"
               "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n"
               "        Tue, 03 Sep 2024 02:11:12 -0700 (PDT)");
  EXPECT_EQ(s(r.ip), "203.0.113.1");
  EXPECT_EQ(s(r.helo), "[192.168.1.10]");
  EXPECT_TRUE(r.has(kRcvdAuth));
  EXPECT_EQ(s(r.tls_version), "TLSv1.3");

  r = parse(a, "by 2002:a05:6214:5003:b0:6c3:5f2b:1234 with SMTP id y3csp1234567qvo;\r\n"
               "        Tue, 3 Sep 2024 02:11:13 -0700 (PDT)");
  EXPECT_EQ(s(r.by), "2002:a05:6214:5003:b0:6c3:5f2b:1234");
  EXPECT_TRUE(r.ip.empty());

  r = parse(a, "from 10.197.40.165\r\n by sonic313-20.consmr.mail.gq1.yahoo.com with HTTP; "
               "Tue, 3 Sep 2024 10:00:00 +0000");
  EXPECT_EQ(s(r.ip), "10.197.40.165");
  EXPECT_TRUE(r.has(kRcvdHeloBareIp));
  EXPECT_EQ(r.proto, ReceivedProto::kHttp);
}

TEST(Received, CourierOpenSmtpdLmtp) {
  core::Arena a;
  Received r = parse(a, "from host.example.net (host.example.net [::ffff:198.51.100.30])\r\n"
                        "  (AUTH: LOGIN alice, TLS: TLSv1.3,256bits,TLS_AES_256_GCM_SHA384)\r\n"
                        "  by mail.example.com with UTF8SMTPSA; Tue, 03 Sep 2024 10:00:00 +0000\r\n"
                        "  id 000000000001.66D6F1A0.00003456");
  EXPECT_EQ(s(r.ip), "198.51.100.30");
  EXPECT_EQ(r.ip_family, 4);
  EXPECT_TRUE(r.has(kRcvdAuth));
  EXPECT_TRUE(r.has(kRcvdUtf8));
  EXPECT_EQ(r.proto, ReceivedProto::kEsmtp);
  EXPECT_EQ(s(r.tls_version), "TLSv1.3");
  EXPECT_EQ(s(r.tls_cipher), "TLS_AES_256_GCM_SHA384");

  r = parse(a, "from mail.example.org (mail.example.org [198.51.100.50])\r\n"
               "\tby mx.example.com (OpenSMTPD) with ESMTPS id 2f3a4b5c "
               "(TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO)\r\n\tfor <u@example.com>;\r\n"
               "\tTue, 3 Sep 2024 10:00:00 +0000 (UTC)");
  EXPECT_EQ(s(r.tls_cipher), "TLS_AES_256_GCM_SHA384");

  r = parse(a, "from mx.example.com\r\n\tby imap.example.com with LMTPS\r\n"
               "\tid QIxVCr1k1mYxUwAAYBR5ng\r\n\t(envelope-from <a@example.org>)\r\n"
               "\tfor <u@example.com>; Tue, 03 Sep 2024 10:00:00 +0000");
  EXPECT_EQ(r.proto, ReceivedProto::kLmtp);
  EXPECT_TRUE(r.has(kRcvdTls));
  EXPECT_FALSE(r.has(kRcvdAuth));

  r = parse(a, "from mail.example ([IPv6:2001:db8::25]) by mx.example.com with ESMTP; "
               "Tue, 03 Sep 2024 10:00:00 +0000");
  EXPECT_EQ(s(r.ip), "2001:db8::25");
  EXPECT_EQ(r.ip_family, 6);
}

// The rspamd received*.eml test messages, through the whole parser.
TEST(Received, RspamdMessages) {
  Parser parser;
  core::Arena arena;
  auto load = [&](const char* name) -> const Message* {
    static std::string keep[8];
    static int k = 0;
    std::string& raw = keep[k++ % 8];
    raw = testing::read_file(testing::testdata(std::string("corpus/rspamd/messages/") + name));
    auto m = parser.parse(arena, raw, Limits{});
    return m ? *m : nullptr;
  };
  const Message* m = load("received1.eml");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->received.size(), 4u);
  EXPECT_EQ(s(m->received[0].ip), "2a01:7c8:aab6:26d:5054:ff:fed1:1da2");
  EXPECT_EQ(m->received[0].rdns_state, RdnsState::kAbsent);
  EXPECT_TRUE(m->received[0].has(kRcvdTls));
  EXPECT_EQ(s(m->received[0].by), "mx1.freebsd.org");
  EXPECT_EQ(s(m->received[1].rdns), "ca-18-193-131.service.infuturo.it");
  EXPECT_EQ(s(m->received[1].ip), "151.18.193.131");
  EXPECT_EQ(s(m->received[1].helo), "User");
  EXPECT_TRUE(m->received[1].has(kRcvdAuth));
  EXPECT_FALSE(m->received[2].parsed);  // "apparently"
  EXPECT_FALSE(m->received[3].parsed);

  m = load("received3.eml");
  ASSERT_EQ(m->received.size(), 4u);
  EXPECT_FALSE(m->received[3].has(kRcvdAuth));  // esmtp
  m = load("received4.eml");
  EXPECT_TRUE(m->received[3].has(kRcvdAuth));   // esmtpsa
  EXPECT_TRUE(m->received[3].has(kRcvdTls));

  m = load("received5.eml");
  ASSERT_EQ(m->received.size(), 3u);
  EXPECT_EQ(s(m->received[0].ip), "127.0.0.1");
  EXPECT_EQ(s(m->received[1].ip), "4.31.198.44");
  EXPECT_EQ(s(m->received[2].ip), "192.0.2.1");
  EXPECT_EQ(s(m->received[2].by), "localhost");

  m = load("received7.eml");
  ASSERT_EQ(m->received.size(), 4u);
  EXPECT_EQ(s(m->received[0].ip), "2001:db8:114::514");

  m = load("rcvd7.eml");
  ASSERT_EQ(m->received.size(), 7u);
  for (const auto& r : m->received) {
    EXPECT_TRUE(r.parsed);
    EXPECT_TRUE(r.ip.empty());  // "[]"
  }
}

TEST(Received, LimitOnFields) {
  Parser parser;
  core::Arena arena;
  std::string raw;
  for (int i = 0; i < 100; ++i) {
    raw += "Received: from h" + std::to_string(i) + ".example ([192.0.2." + std::to_string(i) +
           "]) by mx.example; Tue, 3 Sep 2024 10:00:00 +0000\r\n";
  }
  raw += "Subject: x\r\n\r\nbody\r\n";
  Limits limits;
  limits.max_received = 10;
  auto m = parser.parse(arena, raw, limits);
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ((*m)->received.size(), 10u);
  EXPECT_EQ(s((*m)->received[9].ip), "192.0.2.9");
  EXPECT_EQ((*m)->header_count("Received"), 100u);
}

// Views point into the value or into the arena; nothing reads outside the value.
void check_views(const core::Arena& arena, std::string_view value, const Received& r) {
  for (std::string_view v : {r.from, r.helo, r.rdns, r.by, r.with, r.via, r.id, r.for_addr,
                             r.ident, r.tls_cipher}) {
    if (v.empty()) continue;
    bool inside = v.data() >= value.data() && v.data() + v.size() <= value.data() + value.size();
    EXPECT_TRUE(inside) << v;
  }
  (void)arena;
}

TEST(Received, GarbageNeverCrashes) {
  core::Arena arena;
  std::vector<std::string> inputs = {
      "", ";", "(((((((((((", ")))))", "[[[[[[[", "<<<<", "\"\"\"\"", "from", "from by with id for",
      "from (", "from [", "from [IPv6:", "from [IPv6:::::::::::::]", "from [999.999.999.999]",
      "from x (helo=) by", "from x (HELO", "from x@", "from x@[", "by [", "with", "with /",
      "with local-", "with utf8", "with ESMTP/TLS", "from a (b [1.2.3.4] (may be forged",
      "tls", "x encrypted", "(from", "(from (from (from", std::string(20000, '('),
      std::string(20000, 'a'), "from " + std::string(5000, '[') + "1.2.3.4",
      std::string("from \0host (\0[1.2.3.4]) by x", 27)};
  std::mt19937 rng(12345);
  const std::string alphabet = "()[]<>;,\" \t\r\n@=:.-_/\\abcfhiklmnoprstwyAEHLMOPSTW0123456789";
  for (int i = 0; i < 3000; ++i) {
    std::string x;
    size_t len = rng() % 200;
    for (size_t k = 0; k < len; ++k) x.push_back(alphabet[rng() % alphabet.size()]);
    inputs.push_back(x);
  }
  for (const auto& in : inputs) {
    Received r = parse_received(arena, in);
    check_views(arena, in, r);
    EXPECT_LE(r.ip.size(), 45u);
  }
}

}  // namespace
}  // namespace mw::mime
