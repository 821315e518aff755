#include "proto/milter/codec.h"

#include <gtest/gtest.h>

#include "milter_util.h"

namespace mw::proto::milter {
namespace {

using namespace test;  // NOLINT
using namespace std::string_literals;

// The decoded views point into `d`: keep it alive while using them.
std::vector<Decoded> decode_all(FrameDecoder& d, std::string_view bytes) {
  std::vector<Decoded> out;
  d.append(bytes);
  while (true) {
    auto f = d.next();
    EXPECT_TRUE(f) << f.error().message;
    if (!f || !f->has_value()) break;
    auto c = decode(**f);
    EXPECT_TRUE(c);
    if (!c) break;
    out.push_back(*c);
  }
  return out;
}

TEST(MilterCodec, DecodesEveryMtaCommand) {
  std::string stream = optneg(6, 0x1ff, 0x1fffff) +
                       macros('C', {{"j", "mx.example.org"}, {"{daemon_name}", "ORIGINATING"}}) +
                       connect("client.example.net", '4', 2525, "192.0.2.10") +
                       helo("client.example.net") +
                       mail("<a@example.net>", {"SIZE=100", "BODY=8BITMIME"}) +
                       rcpt("<b@example.org>", {"NOTIFY=NEVER"}) + data() +
                       header("Subject", " Hello") + eoh() + body("line\r\n") + eob() +
                       packet('U', cstr("XFOO bar")) + abort_() + quit_nc() + quit();
  FrameDecoder decoder(1u << 20);
  auto cmds = decode_all(decoder, stream);
  ASSERT_EQ(cmds.size(), 15u);
  auto o = std::get<OptNeg>(cmds[0]);
  EXPECT_EQ(o.version, 6u);
  EXPECT_EQ(o.actions, 0x1ffu);
  EXPECT_EQ(o.protocol, 0x1fffffu);
  auto m = std::get<Macros>(cmds[1]);
  EXPECT_EQ(m.stage, 'C');
  ASSERT_EQ(m.pairs.size(), 2u);
  EXPECT_EQ(m.pairs[1].first, "{daemon_name}");
  EXPECT_EQ(m.pairs[1].second, "ORIGINATING");
  auto c = std::get<Connect>(cmds[2]);
  EXPECT_EQ(c.hostname, "client.example.net");
  EXPECT_EQ(c.family, '4');
  EXPECT_EQ(c.port, 2525);
  EXPECT_EQ(c.address, "192.0.2.10");
  EXPECT_EQ(std::get<Helo>(cmds[3]).name, "client.example.net");
  auto ml = std::get<Mail>(cmds[4]);
  EXPECT_EQ(ml.address, "<a@example.net>");
  ASSERT_EQ(ml.args.size(), 2u);
  EXPECT_EQ(ml.args[1], "BODY=8BITMIME");
  auto r = std::get<Rcpt>(cmds[5]);
  EXPECT_EQ(r.address, "<b@example.org>");
  EXPECT_EQ(r.args.size(), 1u);
  EXPECT_EQ(std::get<Marker>(cmds[6]).command, Command::kData);
  auto h = std::get<Header>(cmds[7]);
  EXPECT_EQ(h.name, "Subject");
  EXPECT_EQ(h.value, " Hello");
  EXPECT_EQ(std::get<Marker>(cmds[8]).command, Command::kEoh);
  EXPECT_EQ(std::get<Body>(cmds[9]).chunk, "line\r\n");
  EXPECT_TRUE(std::get<BodyEob>(cmds[10]).chunk.empty());
  EXPECT_EQ(std::get<UnknownCommand>(cmds[11]).line, "XFOO bar");
  EXPECT_EQ(std::get<Marker>(cmds[12]).command, Command::kAbort);
  EXPECT_EQ(std::get<Marker>(cmds[13]).command, Command::kQuitNewConn);
  EXPECT_EQ(std::get<Marker>(cmds[14]).command, Command::kQuit);
}

TEST(MilterCodec, SplitAtEveryByteGivesTheSameFrames) {
  std::string stream = optneg() + macros('M', {{"i", "4F1A2B"}}) + mail("<a@b>") +
                       header("To", " x@y") + body(std::string(300, 'b')) + eob();
  std::vector<std::string> expected;
  {
    FrameDecoder d(1u << 20);
    d.append(stream);
    while (true) {
      auto f = d.next();
      ASSERT_TRUE(f);
      if (!f->has_value()) break;
      expected.push_back(std::string(1, (*f)->command) + std::string((*f)->data));
    }
  }
  ASSERT_EQ(expected.size(), 6u);
  for (size_t step = 1; step <= 7; ++step) {
    FrameDecoder d(1u << 20);
    std::vector<std::string> got;
    for (size_t i = 0; i < stream.size(); i += step) {
      d.append(std::string_view(stream).substr(i, step));
      while (true) {
        auto f = d.next();
        ASSERT_TRUE(f);
        if (!f->has_value()) break;
        got.push_back(std::string(1, (*f)->command) + std::string((*f)->data));
      }
    }
    EXPECT_EQ(got, expected) << "step " << step;
    EXPECT_EQ(d.buffered(), 0u);
  }
}

TEST(MilterCodec, OversizeAndEmptyPacketsAreErrors) {
  FrameDecoder d(1024);
  d.append(be32(1025) + "B");  // only the length is needed to refuse it
  auto f = d.next();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, ErrorCode::kLimit);
  FrameDecoder z(1024);
  z.append(be32(0));
  auto g = z.next();
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidInput);
  FrameDecoder ok(1024);
  ok.append(be32(1024) + "B" + std::string(1023, 'x'));
  auto h = ok.next();
  ASSERT_TRUE(h);
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->data.size(), 1023u);
}

TEST(MilterCodec, LenientDecoding) {
  // OPTNEG must carry its three words.
  std::string short_optneg = "\0\0\0\6"s;
  EXPECT_FALSE(decode(Frame{'O', short_optneg}));
  // Unknown command bytes are tolerated.
  auto u = decode(Frame{'Z', "whatever"});
  ASSERT_TRUE(u);
  EXPECT_EQ(std::get<Unrecognized>(*u).command, 'Z');
  // Missing final NULs, a macro name without a value, an empty macro packet. (Decoded views
  // point into the frame data, so the data lives in named strings.)
  std::string hdr = "Subject\0no terminator"s;
  auto h = decode(Frame{'L', hdr});
  ASSERT_TRUE(h);
  EXPECT_EQ(std::get<Header>(*h).value, "no terminator");
  std::string mac = "R{rcpt_addr}\0b@c\0i"s;
  auto m = decode(Frame{'D', mac});
  ASSERT_TRUE(m);
  auto mv = std::get<Macros>(*m);
  ASSERT_EQ(mv.pairs.size(), 2u);
  EXPECT_EQ(mv.pairs[1].first, "i");
  EXPECT_EQ(mv.pairs[1].second, "");
  auto e = decode(Frame{'D', ""});
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<Macros>(*e).stage, 0);
  // CONNECT: Sendmail's IPv6 prefix, unknown family, missing address.
  std::string v6data = "host\0" "6\x01\xbb" "IPv6:2001:db8::1\0"s;
  auto v6 = decode(Frame{'C', v6data});
  ASSERT_TRUE(v6);
  EXPECT_EQ(std::get<Connect>(*v6).address, "2001:db8::1");
  EXPECT_EQ(std::get<Connect>(*v6).port, 443);
  std::string unk_data = "localhost\0U"s;
  auto unk = decode(Frame{'C', unk_data});
  ASSERT_TRUE(unk);
  EXPECT_EQ(std::get<Connect>(*unk).family, 'U');
  std::string unix_data = "localhost\0L\0\0/var/run/x.sock\0"s;
  auto unix_sock = decode(Frame{'C', unix_data});
  ASSERT_TRUE(unix_sock);
  EXPECT_EQ(std::get<Connect>(*unix_sock).address, "/var/run/x.sock");
  std::string short_data = "h\0" "4"s;
  auto short_c = decode(Frame{'C', short_data});
  ASSERT_TRUE(short_c);
  EXPECT_EQ(std::get<Connect>(*short_c).address, "");
  auto nothing = decode(Frame{'C', ""});
  ASSERT_TRUE(nothing);
  // MAIL with an empty trailing argument (double NUL).
  std::string mail_data = "<a@b>\0\0"s;
  auto mail = decode(Frame{'M', mail_data});
  ASSERT_TRUE(mail);
  EXPECT_TRUE(std::get<Mail>(*mail).args.empty());
  // End of body with data: the data is a last chunk.
  auto eob = decode(Frame{'E', "tail"});
  ASSERT_TRUE(eob);
  EXPECT_EQ(std::get<BodyEob>(*eob).chunk, "tail");
}

std::vector<std::pair<char, std::string>> encoded(const Action& a) {
  std::string out;
  EXPECT_TRUE(encode_action(out, a));
  return replies(out);
}

TEST(MilterCodec, EncodesEveryReply) {
  EXPECT_EQ(commands(encoded(Action::accept())), "a");
  EXPECT_EQ(commands(encoded(Action::continue_())), "c");
  EXPECT_EQ(commands(encoded(Action::discard())), "d");
  EXPECT_EQ(commands(encoded(Action::reject())), "r");
  EXPECT_EQ(commands(encoded(Action::tempfail())), "t");
  EXPECT_EQ(commands(encoded(Action::progress())), "p");
  EXPECT_EQ(encoded(Action::accept())[0].second, "");
  auto y = encoded(Action::reply_code(554, "5.7.1", "Spam message rejected"));
  ASSERT_EQ(y.size(), 1u);
  EXPECT_EQ(y[0].first, 'y');
  EXPECT_EQ(y[0].second, "554 5.7.1 Spam message rejected\0"s);
  auto ml = encoded(Action::reply_code(451, "4.7.1", "Try again later\r\nsee https://x/%20\n"));
  EXPECT_EQ(ml[0].second, "451-4.7.1 Try again later\r\n451 4.7.1 see https://x/%%20\0"s);
  auto noenh = encoded(Action::reply_code(550, "", "No"));
  EXPECT_EQ(noenh[0].second, "550 No\0"s);
  auto h = encoded(Action::add_header("X-Spam", " Yes"));
  EXPECT_EQ(h[0].first, 'h');
  EXPECT_EQ(h[0].second, "X-Spam\0 Yes\0"s);
  auto i = encoded(Action::insert_header(1, "DKIM-Signature", " v=1;\n\tb=abc"));
  EXPECT_EQ(i[0].first, 'i');
  EXPECT_EQ(i[0].second, be32(1) + "DKIM-Signature\0 v=1;\n\tb=abc\0"s);
  auto m = encoded(Action::delete_header("X-Spam", 2));
  EXPECT_EQ(m[0].first, 'm');
  EXPECT_EQ(m[0].second, be32(2) + "X-Spam\0\0"s);
  EXPECT_EQ(encoded(Action::change_from("<new@x>"))[0].second, "<new@x>\0"s);
  auto chf = encoded(Action::change_from("<new@x>", "SIZE=10"));
  EXPECT_EQ(chf[0].second, "<new@x>\0SIZE=10\0"s);
  EXPECT_EQ(encoded(Action::add_rcpt("<r@x>"))[0].first, '+');
  EXPECT_EQ(encoded(Action::add_rcpt("<r@x>", "NOTIFY=NEVER"))[0].first, '2');
  EXPECT_EQ(encoded(Action::del_rcpt("<r@x>"))[0].first, '-');
  auto q = encoded(Action::quarantine("held\r\nby policy"));
  EXPECT_EQ(q[0].first, 'q');
  EXPECT_EQ(q[0].second, "held  by policy\0"s);
  std::string big(150000, 'b');
  auto body = encoded(Action::replace_body(big));
  ASSERT_EQ(commands(body), "bbb");
  EXPECT_EQ(body[0].second.size(), kChunkSize);
  EXPECT_EQ(body[0].second + body[1].second + body[2].second, big);
}

TEST(MilterCodec, RefusesRepliesTheMtaWouldReject) {
  std::string out;
  EXPECT_FALSE(encode_action(out, Action::reply_code(250, "2.0.0", "ok")));
  EXPECT_FALSE(encode_action(out, Action::reply_code(554, "4.7.1", "class mismatch")));
  EXPECT_FALSE(encode_action(out, Action::reply_code(554, "5.7", "short")));
  EXPECT_FALSE(encode_action(out, Action::reply_code(554, "5.x.1", "letters")));
  EXPECT_FALSE(encode_action(out, Action::add_header("", "v")));
  EXPECT_FALSE(encode_action(out, Action::add_header("Bad:Name", "v")));
  EXPECT_FALSE(encode_action(out, Action::add_header("Bad Name", "v")));
  EXPECT_FALSE(encode_action(out, Action::add_rcpt("")));
  EXPECT_TRUE(out.empty());
  // Long text and many lines are bounded; a cut never leaves half of "%%".
  Action many = Action::reply_code(550, "5.7.1", std::string(100, '\n') + "x");
  ASSERT_TRUE(encode_action(out, many));
  auto r = replies(out);
  EXPECT_LE(std::count(r[0].second.begin(), r[0].second.end(), '\n'), 31);
  out.clear();
  ASSERT_TRUE(encode_action(out, Action::reply_code(550, "5.7.1", std::string(1000, '%'))));
  r = replies(out);
  size_t text = r[0].second.size() - 1 - std::string("550 5.7.1 ").size();
  EXPECT_EQ(text % 2, 0u);
  EXPECT_LE(text, 480u);
}

TEST(MilterCodec, OptnegReplyWithMacroLists) {
  std::string out;
  encode_optneg(out, 6, kActAddHeaders | kActSetSymList, kNoReplyHeader,
                {{MacroStage::kConnect, "{client_addr} j"}, {MacroStage::kMail, "{auth_authen}"}});
  auto r = replies(out);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].first, 'O');
  EXPECT_EQ(r[0].second, be32(6) + be32(0x101) + be32(0x80) + be32(0) + "{client_addr} j\0"s +
                             be32(2) + "{auth_authen}\0"s);
  out.clear();
  encode_optneg(out, 6, kActAddHeaders, 0, {{MacroStage::kConnect, "j"}});
  EXPECT_EQ(replies(out)[0].second.size(), 12u);  // no lists without kActSetSymList
}

}  // namespace
}  // namespace mw::proto::milter
