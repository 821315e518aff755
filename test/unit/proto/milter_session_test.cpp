#include "proto/milter/session.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "milter_util.h"
#include "proto/milter/scan_headers.h"

namespace mw::proto::milter {
namespace {

using namespace test;  // NOLINT
using namespace std::string_literals;

struct Sink : SessionSink {
  std::vector<Message> messages;
  int aborts = 0;
  void on_message(Message&& m) override { messages.push_back(std::move(m)); }
  void on_abort() override { ++aborts; }
};

struct Harness {
  core::Logger logger{core::LogLevel::kSilent};
  Sink sink;
  MilterOptions limits;
  Session session;
  std::string out;
  explicit Harness(MilterOptions l = {}, SessionOptions o = {})
      : limits(l), session(limits, std::move(o), sink, logger) {}
  Status feed(std::string_view bytes) { return session.feed(bytes, out); }
  std::vector<std::pair<char, std::string>> take_replies() {
    auto r = replies(out);
    out.clear();
    return r;
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string envelope() {
  return macros('C',
                {{"j", "mx.example.org"}, {"{daemon_name}", "ORIGINATING"}, {"v", "Postfix"}}) +
         connect("client.example.net", '4', 40000, "192.0.2.10") +
         macros('H', {{"{tls_version}", "TLSv1.3"}}) + helo("client.example.net") +
         macros('M', {{"i", "4F1A2B3C"}, {"{auth_authen}", "alice"}, {"{mail_addr}", "a@x"}}) +
         mail("<alice@example.net>", {"SIZE=1234"}) +
         macros('R', {{"{rcpt_addr}", "b@example.org"}}) + rcpt("<b@example.org>") +
         macros('R', {{"{rcpt_addr}", "c@example.org"}}) +
         rcpt("<c@example.org>", {"NOTIFY=NEVER"}) +
         macros('T', {{"i", "4F1A2B3C"}}) + data();
}

const char kMessage[] =
    "Received: from client.example.net (client.example.net [192.0.2.10])\r\n"
    "\tby mx.example.org (Postfix) with ESMTPSA id 4F1A2B3C\r\n"
    "\tfor <b@example.org>; Mon, 1 Jan 2024 00:00:00 +0000 (UTC)\r\n"
    "Subject:no space after the colon\r\n"
    "X-Tab:\ttab after the colon\r\n"
    "X-Two:  two spaces\r\n"
    "X-Empty:\r\n"
    "X-Trailing: value with trailing space  \r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=example.net;\r\n"
    " s=sel; h=from:to:subject;\r\n"
    "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=abc\r\n"
    "From: Alice <alice@example.net>\r\n"
    "\r\n"
    "Body line one\r\n"
    "\r\n"
    ".Leading dot\r\n"
    "Last line without CRLF";

TEST(MilterSession, PostfixConversationIsCollectedByteExact) {
  Harness h;
  ASSERT_TRUE(h.feed(optneg(6, 0x1ff, 0x1fffff)));
  auto neg = h.take_replies();
  ASSERT_EQ(commands(neg), "O");
  EXPECT_EQ(neg[0].second, be32(6) + be32(0x7f) + be32(kAllNoReply | kHeaderLeadingSpace));
  ASSERT_TRUE(h.feed(envelope() + postfix_message(kMessage, true) +
                     macros('E', {{"i", "4F1A2B3C"}}) + eob()));
  EXPECT_TRUE(h.take_replies().empty());  // every stage negotiated "no reply"
  ASSERT_EQ(h.sink.messages.size(), 1u);
  EXPECT_TRUE(h.session.awaiting_reply());
  const Message& m = h.sink.messages[0];
  EXPECT_EQ(m.data, kMessage);
  EXPECT_TRUE(m.exact_headers);
  EXPECT_EQ(m.data.substr(m.body_offset, 13), "Body line one");
  EXPECT_EQ(m.headers.size(), 8u);
  EXPECT_EQ(m.headers[1].name, "Subject");
  EXPECT_EQ(m.headers[1].value, "no space after the colon");
  EXPECT_EQ(m.connect.hostname, "client.example.net");
  EXPECT_EQ(m.connect.family, '4');
  EXPECT_EQ(m.connect.port, 40000);
  EXPECT_EQ(m.connect.address, "192.0.2.10");
  EXPECT_EQ(m.helo, "client.example.net");
  EXPECT_EQ(m.mail_from, "<alice@example.net>");
  EXPECT_EQ(m.sender(), "alice@example.net");
  ASSERT_EQ(m.mail_args.size(), 1u);
  ASSERT_EQ(m.recipients.size(), 2u);
  EXPECT_EQ(m.recipients[1].address, "<c@example.org>");
  EXPECT_EQ(m.recipients[1].args[0], "NOTIFY=NEVER");
  ASSERT_EQ(m.recipients[0].macros.size(), 1u);
  EXPECT_EQ(m.recipients[0].macros[0].second, "b@example.org");
  ASSERT_NE(m.macro("i"), nullptr);
  EXPECT_EQ(*m.macro("{i}"), "4F1A2B3C");
  EXPECT_EQ(*m.macro("auth_authen"), "alice");
  EXPECT_EQ(*m.macro("{daemon_name}"), "ORIGINATING");
  EXPECT_EQ(*m.macro("tls_version"), "TLSv1.3");
  EXPECT_EQ(*m.macro("rcpt_addr"), "c@example.org");  // the latest RCPT's
  EXPECT_EQ(m.macro("client_addr"), nullptr);
  EXPECT_EQ(m.sequence, 1u);
  EXPECT_FALSE(m.truncated);

  // The verdict: header values get the leading space the MTA expects with HDR_LEADSPC.
  ASSERT_TRUE(h.session.reply({Action::add_header("X-Spam", "Yes"),
                               Action::insert_header(0, "X-Folded", "a\r\n\tb"),
                               Action::delete_header("X-Old", 1),
                               Action::reply_code(554, "5.7.1", "Spam message rejected")},
                              h.out));
  auto r = h.take_replies();
  ASSERT_EQ(commands(r), "him" "y");
  EXPECT_EQ(r[0].second, "X-Spam\0 Yes\0"s);
  EXPECT_EQ(r[1].second, be32(0) + "X-Folded\0 a\n\tb\0"s);
  EXPECT_EQ(r[2].second, be32(1) + "X-Old\0\0"s);
  EXPECT_FALSE(h.session.awaiting_reply());
  EXPECT_FALSE(h.session.reply({Action::accept()}, h.out));  // nothing pending any more
  EXPECT_TRUE(h.out.empty());

  // A second message on the same connection keeps connect/HELO, not the envelope.
  ASSERT_TRUE(h.feed(mail("<x@example.net>") + rcpt("<y@example.org>") +
                     postfix_message("A: b\r\n\r\nbody\r\n", true) + eob()));
  ASSERT_EQ(h.sink.messages.size(), 2u);
  const Message& m2 = h.sink.messages[1];
  EXPECT_EQ(m2.sequence, 2u);
  EXPECT_EQ(m2.helo, "client.example.net");
  EXPECT_EQ(m2.recipients.size(), 1u);
  EXPECT_EQ(m2.macro("auth_authen"), nullptr);  // message macros do not carry over
  EXPECT_EQ(*m2.macro("j"), "mx.example.org");  // connection macros do
  EXPECT_EQ(m2.data, "A: b\r\n\r\nbody\r\n");
}

TEST(MilterSession, ScanHeadersFollowRspamdsProxy) {
  Harness h;
  ASSERT_TRUE(h.feed(optneg() + envelope() + postfix_message(kMessage, true) + eob()));
  ASSERT_EQ(h.sink.messages.size(), 1u);
  std::string dump;
  for (const auto& [k, v] : scan_headers(h.sink.messages[0])) dump += k + "=" + v + "\n";
  EXPECT_EQ(dump,
            "Hostname=client.example.net\nIP=192.0.2.10\nHelo=client.example.net\n"
            "From=<alice@example.net>\nRcpt=<b@example.org>\nRcpt=<c@example.org>\n"
            "Queue-Id=4F1A2B3C\nUser=alice\nUser-Agent=Postfix\nTLS-Version=TLSv1.3\n"
            "MTA-Name=ORIGINATING\nFlags=milter,body_block\n"
            "X-Rspamd-Mail-Esmtp-Args=SIZE=1234\nX-Rspamd-Rcpt-Esmtp-Args=1:NOTIFY=NEVER\n");
  // Unknown client name, no macros, null sender.
  Harness bare;
  ASSERT_TRUE(bare.feed(optneg(6, 0x1, 0x1fffff) + connect("unknown", '6', 1, "2001:db8::1") +
                        mail("<>") + eob()));
  dump.clear();
  for (const auto& [k, v] : scan_headers(bare.sink.messages.at(0))) dump += k + "=" + v + "\n";
  EXPECT_EQ(dump, "IP=2001:db8::1\nFrom=<>\nFlags=milter\n");
}

TEST(MilterSession, RealMessagesSurviveByteForByte) {
  for (const char* name : {"gmail.msg", "related.msg", "rfc8463-example.msg"}) {
    std::string msg = to_crlf(read_file(std::string(MW_TESTDATA_DIR) + "/dkim/mimekit/" + name));
    ASSERT_FALSE(msg.empty()) << name;
    Harness h;
    std::string stream = optneg() + envelope() + postfix_message(msg, true) + eob();
    // Split the stream at odd places as the network would.
    for (size_t i = 0; i < stream.size(); i += 977) {
      ASSERT_TRUE(h.feed(std::string_view(stream).substr(i, 977)));
    }
    ASSERT_EQ(h.sink.messages.size(), 1u) << name;
    EXPECT_EQ(h.sink.messages[0].data, msg) << name;
  }
}

TEST(MilterSession, WithoutLeadingSpaceTheUsualSpaceIsRestored) {
  Harness h;
  ASSERT_TRUE(h.feed(optneg(6, 0x1ff, kAllNoReply)));  // MTA without HDR_LEADSPC
  std::string msg = "From: a@example.net\r\nSubject: folded\r\n next line\r\n\r\nbody\r\n";
  ASSERT_TRUE(h.feed(envelope() + postfix_message(msg, false) + eob()));
  ASSERT_EQ(h.sink.messages.size(), 1u);
  EXPECT_EQ(h.sink.messages[0].data, msg);
  EXPECT_FALSE(h.sink.messages[0].exact_headers);
  h.out.clear();
  h.session.reply({Action::add_header("X-Spam", "Yes")}, h.out);
  auto r = h.take_replies();
  ASSERT_EQ(commands(r), "ha");
  EXPECT_EQ(r[0].second, "X-Spam\0Yes\0"s);  // the MTA adds the space itself
}

TEST(MilterSession, SplitAtEveryByteGivesTheSameMessage) {
  std::string stream = optneg() + envelope() + postfix_message(kMessage, true) + eob();
  for (size_t step : {1, 2, 3, 5, 8, 13}) {
    Harness h;
    for (size_t i = 0; i < stream.size(); i += step) {
      ASSERT_TRUE(h.feed(std::string_view(stream).substr(i, step)));
    }
    ASSERT_EQ(h.sink.messages.size(), 1u);
    EXPECT_EQ(h.sink.messages[0].data, kMessage);
  }
}

TEST(MilterSession, Version2MtaGetsContinueForEveryStage) {
  Harness h;
  ASSERT_TRUE(h.feed(optneg(2, 0x1f, 0x7f)));
  auto neg = h.take_replies();
  EXPECT_EQ(neg[0].second, be32(2) + be32(0x1f) + be32(0));
  ASSERT_TRUE(h.feed(connect("h", '4', 25, "192.0.2.1") + helo("h") + mail("<a@b>") +
                     rcpt("<c@d>") + data() + header("A", "1") + header("B", "2") + eoh() +
                     body("x\r\n") + packet('U', cstr("XYZZY")) + eob()));
  EXPECT_EQ(commands(h.take_replies()), "cccccccccc");
  ASSERT_EQ(h.sink.messages.size(), 1u);
  EXPECT_EQ(h.sink.messages[0].data, "A: 1\r\nB: 2\r\n\r\nx\r\n");
  h.session.reply({Action::quarantine("held")}, h.out);  // not granted in v2 offer 0x1f
  EXPECT_EQ(commands(h.take_replies()), "a");
}

TEST(MilterSession, AbortQuitAndQuitNewConnection) {
  Harness h;
  ASSERT_TRUE(h.feed(optneg() + envelope() + header("A", " 1")));
  EXPECT_TRUE(h.session.in_message());
  ASSERT_TRUE(h.feed(abort_()));
  EXPECT_FALSE(h.session.in_message());
  EXPECT_EQ(h.sink.aborts, 0);  // nothing was pending
  ASSERT_TRUE(h.feed(mail("<n@x>") + header("B", " 2") + eob()));
  ASSERT_EQ(h.sink.messages.size(), 1u);
  EXPECT_EQ(h.sink.messages[0].data, "B: 2\r\n\r\n");  // header-only message
  EXPECT_TRUE(h.sink.messages[0].recipients.empty());
  EXPECT_EQ(h.sink.messages[0].helo, "client.example.net");
  // ABORT while a verdict is pending cancels it.
  ASSERT_TRUE(h.feed(abort_()));
  EXPECT_EQ(h.sink.aborts, 1);
  EXPECT_FALSE(h.session.reply({Action::accept()}, h.out));
  // QUIT_NC forgets the connection but keeps the negotiation.
  ASSERT_TRUE(h.feed(quit_nc() + mail("<z@x>") + eob()));
  ASSERT_EQ(h.sink.messages.size(), 2u);
  EXPECT_EQ(h.sink.messages[1].helo, "");
  EXPECT_EQ(h.sink.messages[1].connect.family, 'U');
  ASSERT_TRUE(h.feed(quit() + helo("ignored after quit")));
  EXPECT_TRUE(h.session.finished());
  EXPECT_EQ(h.sink.aborts, 2);
}

TEST(MilterSession, ProtocolErrors) {
  {
    Harness h;
    EXPECT_FALSE(h.feed(helo("too early")));
    EXPECT_FALSE(h.feed(optneg()));  // stays failed
  }
  {
    Harness h;
    EXPECT_FALSE(h.feed(optneg(1)));
  }
  {
    Harness h;
    ASSERT_TRUE(h.feed(optneg() + mail("<a@b>") + eob()));
    EXPECT_FALSE(h.feed(rcpt("<while@waiting>")));
  }
  {
    MilterOptions small;
    small.max_frame_size = 128;
    Harness h(small);
    ASSERT_TRUE(h.feed(optneg()));
    EXPECT_FALSE(h.feed(body(std::string(200, 'x'))));
  }
  {
    Harness h;
    ASSERT_TRUE(h.feed(optneg() + packet('Z', "unknown command") + mail("<a@b>")));
    EXPECT_TRUE(h.take_replies().size() == 1);  // only the OPTNEG reply; 'Z' ignored
  }
}

TEST(MilterSession, ActionsFollowTheNegotiation) {
  Harness h;
  ASSERT_TRUE(h.feed(optneg(6, kActAddHeaders, kAllNoReply) + mail("<a@b>") + eob()));
  h.out.clear();
  ASSERT_TRUE(h.session.reply({Action::change_header("Subject", 1, "x"),  // not granted
                               Action::add_header("X-A", "1"), Action::quarantine("q"),
                               Action::reject(), Action::add_header("X-After", "ignored")},
                              h.out));
  EXPECT_EQ(commands(h.take_replies()), "hr");
  ASSERT_TRUE(h.feed(mail("<a@b>") + eob()));
  h.out.clear();
  ASSERT_TRUE(h.session.reply({Action::reply_code(250, "", "not an error code")}, h.out));
  EXPECT_EQ(commands(h.take_replies()), "t");  // an unusable verdict becomes tempfail
  ASSERT_TRUE(h.feed(mail("<a@b>") + eob()));
  h.out.clear();
  ASSERT_TRUE(h.session.reply({Action::add_header("Bad Name", "x")}, h.out));
  EXPECT_EQ(commands(h.take_replies()), "a");
}

TEST(MilterSession, LimitsDegrade) {
  MilterOptions l;
  l.max_recipients = 2;
  l.max_message_size = 64;
  Harness h(l);
  ASSERT_TRUE(h.feed(optneg() + mail("<a@b>") + rcpt("<1@x>") + rcpt("<2@x>") + rcpt("<3@x>") +
                     rcpt("<4@x>") + header("Subject", " " + std::string(40, 's')) + eoh() +
                     body(std::string(100, 'b')) + eob()));
  ASSERT_EQ(h.sink.messages.size(), 1u);
  const Message& m = h.sink.messages[0];
  EXPECT_EQ(m.recipients.size(), 2u);
  EXPECT_EQ(m.recipients_dropped, 2u);
  EXPECT_TRUE(m.truncated);
  EXPECT_EQ(m.data.size(), 64u);
}

TEST(MilterSession, MacroRequestsNeedSetSymList) {
  SessionOptions o;
  o.macro_requests = {{MacroStage::kConnect, "{client_addr}"}};
  Harness with(MilterOptions{}, o);
  ASSERT_TRUE(with.feed(optneg(6, 0x1ff, 0)));
  auto r = with.take_replies();
  EXPECT_EQ(r[0].second, be32(6) + be32(0x17f) + be32(0) + be32(0) + "{client_addr}\0"s);
  Harness without(MilterOptions{}, o);
  ASSERT_TRUE(without.feed(optneg(6, 0xff, 0)));
  EXPECT_EQ(without.take_replies()[0].second.size(), 12u);
}

TEST(MilterSession, BodyWithoutEohAndDataWithEob) {
  Harness h;
  ASSERT_TRUE(h.feed(optneg() + mail("<a@b>") + header("A", " 1") + body("first\r\n") +
                     packet('E', "last\r\n")));
  ASSERT_EQ(h.sink.messages.size(), 1u);
  EXPECT_EQ(h.sink.messages[0].data, "A: 1\r\n\r\nfirst\r\nlast\r\n");
  EXPECT_EQ(h.sink.messages[0].body_offset, 8u);
}

// ---- macro limits (issue 10) -------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> tiny_pairs(size_t n) {
  return std::vector<std::pair<std::string, std::string>>(n, {"a", "b"});
}

TEST(MilterSessionMacros, StagesOverTheCapEndTheSessionWithTempfail) {
  MilterOptions limits;
  limits.max_macro_bytes = 4096;
  Harness h(limits);
  ASSERT_TRUE(h.feed(optneg()));
  h.take_replies();
  // Three stages of 1500 bytes each: the third goes over 4096 together.
  std::string big(1496, 'x');
  ASSERT_TRUE(h.feed(macros('C', {{"j", big}})));
  ASSERT_TRUE(h.feed(macros('H', {{"j", big}})));
  ASSERT_TRUE(h.feed(macros('C', {{"j", big}})));  // replaces C: still two sets
  Status st = h.feed(macros('M', {{"j", big}}));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kLimit);
  EXPECT_TRUE(h.session.over_limit());
  auto r = h.take_replies();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].first, 't');
  EXPECT_FALSE(h.feed(macros('C', {{"j", "x"}})));  // the session stays failed
}

TEST(MilterSessionMacros, PairsAreCappedToo) {
  MilterOptions limits;
  limits.max_macros = 100;
  Harness h(limits);
  ASSERT_TRUE(h.feed(optneg()));
  ASSERT_TRUE(h.feed(macros('C', tiny_pairs(60))));
  Status st = h.feed(macros('H', tiny_pairs(60)));
  ASSERT_FALSE(st);
  EXPECT_TRUE(h.session.over_limit());
}

TEST(MilterSessionMacros, AnOversizePacketIsRefusedBeforeDecoding) {
  MilterOptions limits;
  limits.max_macro_bytes = 1024;
  limits.max_macros = 16;
  Harness h(limits);
  ASSERT_TRUE(h.feed(optneg()));
  h.take_replies();
  Status st = h.feed(macros('C', tiny_pairs(20000)));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("max_macro_bytes"), std::string::npos);
  EXPECT_EQ(h.take_replies()[0].first, 't');
}

TEST(MilterSessionMacros, StagesWithoutACommandAreIgnored) {
  MilterOptions limits;
  limits.max_macro_bytes = 4096;
  Harness h(limits);
  ASSERT_TRUE(h.feed(optneg()));
  std::string big(3000, 'x');
  for (int stage = 1; stage < 256; ++stage) {
    if (std::string_view("CHMRTNEU").find(static_cast<char>(stage)) != std::string_view::npos) {
      continue;
    }
    ASSERT_TRUE(h.feed(macros(static_cast<char>(stage), {{"j", big}}))) << stage;
  }
  ASSERT_TRUE(h.feed(macros('C', {{"j", big}})));  // the bogus ones took no room
  ASSERT_TRUE(h.feed(connect("c.example", '4', 25, "192.0.2.1") + helo("c.example") +
                     mail("<a@b>") + rcpt("<c@d>") + data() + eob()));
  ASSERT_EQ(h.sink.messages.size(), 1u);
  for (const auto& [stage, list] : h.sink.messages[0].macros) {
    EXPECT_NE(std::string_view("CHMRTNEU").find(stage), std::string_view::npos) << stage;
  }
}

TEST(MilterSessionMacros, RecipientsKeepTheirMacrosWhileTheyFit) {
  MilterOptions limits;
  limits.max_macro_bytes = 2048;
  Harness h(limits);
  ASSERT_TRUE(h.feed(optneg() + connect("c.example", '4', 25, "192.0.2.1") + mail("<a@b>")));
  std::string rcpts;
  for (int i = 0; i < 100; ++i) {  // 100 x 40 bytes: the first ones keep theirs
    rcpts += macros('R', {{"{rcpt_addr}", "user" + std::to_string(i) + "@example.org......"}}) +
             rcpt("<user" + std::to_string(i) + "@example.org>");
  }
  ASSERT_TRUE(h.feed(rcpts + data() + eob()));  // a long recipient list is legitimate
  ASSERT_EQ(h.sink.messages.size(), 1u);
  const auto& r = h.sink.messages[0].recipients;
  ASSERT_EQ(r.size(), 100u);
  EXPECT_FALSE(r.front().macros.empty());
  EXPECT_TRUE(r.back().macros.empty());
}

TEST(MilterSessionMacros, WhatIsHeldFollowsRecipientsAndMessages) {
  // The session keeps a running total of the macros it holds: recipients taking theirs,
  // messages ending and new MAIL commands must each give the room back.
  MilterOptions limits;
  limits.max_macro_bytes = 4096;
  Harness h(limits);
  ASSERT_TRUE(h.feed(optneg() + connect("c.example", '4', 25, "192.0.2.1")));
  std::string m_value(1799, 'm');  // 1800 bytes with the name
  std::string r_value(999, 'r');   // 1000
  for (int m = 0; m < 10; ++m) {
    // At most 1800 (M) + 2 x 1000 (R: the stage's and the next recipient's) are held; what a
    // finished message or recipient held must not stay counted.
    std::string conversation = macros('M', {{"j", m_value}}) + mail("<a@b>");
    for (int r = 0; r < 10; ++r) {
      conversation += macros('R', {{"j", r_value}}) + rcpt("<c@d>");
    }
    ASSERT_TRUE(h.feed(conversation + data() + eob())) << "message " << m;
    ASSERT_TRUE(h.session.reply({Action::accept()}, h.out));
  }
  EXPECT_EQ(h.sink.messages.size(), 10u);
  EXPECT_FALSE(h.session.over_limit());
  // 1800 (M) + 2 x 1000 (R) held, then a 1000-byte E stage: 4800 > 4096.
  ASSERT_TRUE(h.feed(macros('M', {{"j", m_value}}) + mail("<a@b>") +
                     macros('R', {{"j", r_value}})));
  EXPECT_FALSE(h.feed(macros('E', {{"j", r_value}})));
  EXPECT_TRUE(h.session.over_limit());
}

}  // namespace
}  // namespace mw::proto::milter
