// The milter proxy's verdict mapping from constructed Verdicts (the self-scan path: no JSON
// anywhere): every action, the typed milter block, DKIM signatures, score headers.
#include "server/milter_actions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/milter/codec.h"

namespace mw::server {
namespace {

namespace milter = proto::milter;
using milter::Action;
using scan::Verdict;
using Headers = std::vector<milter::HeaderEntry>;
using V = std::vector<std::string>;

std::string show(const Action& a) {
  using K = Action::Kind;
  switch (a.kind) {
    case K::kAccept: return "accept";
    case K::kDiscard: return "discard";
    case K::kReplyCode: return "code " + std::to_string(a.code) + " " + a.enhanced + " " + a.text;
    case K::kQuarantine: return "quarantine " + a.text;
    case K::kAddHeader: return "add " + a.name + ": " + a.value;
    case K::kInsertHeader: return "ins " + std::to_string(a.index) + " " + a.name + ": " + a.value;
    case K::kChangeHeader:
      return (a.value.empty() ? "del " : "chg ") + a.name + "#" + std::to_string(a.index) +
             (a.value.empty() ? "" : ": " + a.value);
    case K::kChangeFrom: return "from " + a.text;
    case K::kAddRcpt: return "rcpt+ " + a.text;
    case K::kDelRcpt: return "rcpt- " + a.text;
    default: return "other";
  }
}

V map(const Verdict& v, const Headers& headers = {}, const ProxyOptions& o = {}) {
  V out;
  for (const Action& a : milter_actions(v, headers, o)) {
    out.push_back(show(a));
    std::string wire;
    EXPECT_TRUE(milter::encode_action(wire, a)) << show(a);
  }
  return out;
}

Verdict with(scan::Action a, std::string smtp_message = {}) {
  Verdict v;
  v.action = a;
  v.smtp_message = std::move(smtp_message);
  return v;
}

const Headers kPlain = {{"Received", " from a"}, {"From", " a@example.net"},
                        {"Subject", " hello"}, {"X-Spam", " Yes"}};

TEST(MilterActionsFromVerdict, TerminalActions) {
  EXPECT_EQ(map(with(scan::Action::kReject)), V{"code 554 5.7.1 Spam message rejected"});
  EXPECT_EQ(map(with(scan::Action::kReject, "GTUBE")), V{"code 554 5.7.1 GTUBE"});
  EXPECT_EQ(map(with(scan::Action::kSoftReject)), V{"code 451 4.7.1 Try again later"});
  EXPECT_EQ(map(with(scan::Action::kSoftReject, "on hold")), V{"code 451 4.7.1 on hold"});
  EXPECT_EQ(map(with(scan::Action::kDiscard)), V{"discard"});
  EXPECT_EQ(map(with(scan::Action::kQuarantine, "look"), kPlain),
            (V{"del X-Spam#1", "add X-Spam: Yes", "quarantine look", "accept"}));
}

TEST(MilterActionsFromVerdict, HowToReject) {
  Verdict v = with(scan::Action::kReject);
  v.additions.milter.reject = "discard";
  EXPECT_EQ(map(v), V{"discard"});
  Verdict top = with(scan::Action::kReject);
  top.additions.fields.set("reject", "quarantine");  // a top-level reply field
  EXPECT_EQ(map(top), (V{"add X-Spam: Yes", "quarantine Spam message quarantined", "accept"}));
  ProxyOptions o;
  o.discard_on_reject = true;
  EXPECT_EQ(map(with(scan::Action::kReject), {}, o), V{"discard"});
  EXPECT_EQ(map(top, {}, o),  // the verdict's flag wins over the option
            (V{"add X-Spam: Yes", "quarantine Spam message quarantined", "accept"}));
}

TEST(MilterActionsFromVerdict, RewriteSubjectAndSpamHeader) {
  Verdict v = with(scan::Action::kRewriteSubject);
  v.subject = "[SPAM] hello\r\nBcc: x";
  v.additions.milter.spam_header = "X-Flag";
  v.additions.milter.spam_header_value = "spam";
  EXPECT_EQ(map(v, kPlain),
            (V{"del X-Spam#1", "chg Subject#1: [SPAM] hello  Bcc: x", "add X-Flag: spam",
               "accept"}));
  Headers no_subject = {{"From", " a@example.net"}};
  EXPECT_EQ(map(v, no_subject),
            (V{"add Subject: [SPAM] hello  Bcc: x", "add X-Flag: spam", "accept"}));
}

TEST(MilterActionsFromVerdict, CustomActionsAndNoAction) {
  Verdict custom;
  custom.custom_action = "greylisted later";
  EXPECT_EQ(map(custom, kPlain), (V{"del X-Spam#1", "accept"}));
  custom.additions.milter.no_action = true;
  EXPECT_EQ(map(custom), (V{"add X-Rspamd-Action: greylisted later", "accept"}));
  Verdict reject = with(scan::Action::kReject);
  reject.additions.milter.no_action = true;
  EXPECT_EQ(map(reject), (V{"add X-Rspamd-Action: reject", "accept"}));
}

TEST(MilterActionsFromVerdict, MilterBlockInOrder) {
  Verdict v = with(scan::Action::kNoAction);
  scan::MilterBlock& m = v.additions.milter;
  m.remove_headers = {{"Received", 0}, {"X-Old", -1}, {"X-None", 3}};
  m.add_headers = {{"X-Top", "t", 0}, {"X-End", "e", std::nullopt}, {"X-Minus", "m", -1},
                   {"X-Before-Last", "b", -2}, {"X-Far", "f", 40}};
  m.change_from = "<bounce@example.org>";
  m.add_rcpt = {"<copy@example.org>"};
  m.del_rcpt = {"<old@example.org>"};
  v.additions.dkim_signatures = {"v=1; d=a.example", "DKIM-Signature: v=1; d=b.example"};
  Headers h = {{"Received", " r1"}, {"X-Old", " o1"}, {"received", " r2"}, {"X-Old", " o2"},
               {"Subject", " s"}};
  // Three deletions leave two fields: -2 inserts before the last of them.
  EXPECT_EQ(map(v, h),
            (V{"del Received#2", "del Received#1", "del X-Old#2", "ins 0 X-Top: t",
               "add X-End: e", "add X-Minus: m", "ins 1 X-Before-Last: b", "ins 40 X-Far: f",
               "from <bounce@example.org>", "rcpt+ <copy@example.org>",
               "rcpt- <old@example.org>", "ins 0 DKIM-Signature: v=1; d=b.example",
               "ins 0 DKIM-Signature: v=1; d=a.example", "accept"}));
}

TEST(MilterActionsFromVerdict, ScoreHeaders) {
  Verdict v = with(scan::Action::kAddHeader);
  v.score = 7.4999999;
  v.required_score = 15;
  v.symbols.push_back({"A", 7.4999999, 7.5, "", {"x", "y\nz"}});
  ProxyOptions o;
  o.add_score_headers = true;
  o.remove_forged_spam_headers = false;
  EXPECT_EQ(map(v, kPlain, o),
            (V{"add X-Spam: Yes", "add X-Spamd-Result: default: True [7.50 / 15.00];\n\tA(7.50)[x,y z]",
               "add X-Spam-Score: 7.50", "accept"}));
  Verdict ham;
  ham.score = -1;
  EXPECT_EQ(map(ham, {}, o),
            (V{"add X-Spamd-Result: default: False [-1.00 / 0.00]", "add X-Spam-Score: -1.00",
               "accept"}));
}

TEST(MilterActionsFromVerdict, DefaultActions) {
  ProxyOptions o;
  EXPECT_EQ(show(default_actions(o).at(0)), "accept");
  o.default_action = DefaultAction::kTempfail;
  o.tempfail_message = "later";
  EXPECT_EQ(show(default_actions(o).at(0)), "code 451 4.7.1 later");
}

}  // namespace
}  // namespace mw::server
