// The milter proxy's pure parts: an upstream's /checkv2 JSON -> Verdict -> milter replies for
// every action and every form of the reply's milter block, forged header removal, the
// envelope built from a milter message (macros), what the proxy negotiates, and the [proxy]
// options.
#include "server/milter_proxy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config.h"
#include "proto/milter/codec.h"
#include "scan/envelope.h"
#include "scan/reply.h"
#include "server/envelope.h"

namespace mw::server {
namespace {

namespace milter = proto::milter;
using milter::Action;
using Headers = std::vector<milter::HeaderEntry>;

json::Value J(std::string_view text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::Value();
}

// One line per action, easy to compare.
std::string show(const Action& a) {
  using K = Action::Kind;
  switch (a.kind) {
    case K::kAccept: return "accept";
    case K::kContinue: return "continue";
    case K::kDiscard: return "discard";
    case K::kReject: return "reject";
    case K::kTempfail: return "tempfail";
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
    case K::kReplaceBody: return "body";
    case K::kProgress: return "progress";
  }
  return "?";
}

// The actions for an upstream's /checkv2 reply: parsed into a Verdict (forward mode), mapped.
std::vector<std::string> map(std::string_view reply, const Headers& headers = {},
                             const ProxyOptions& o = {}) {
  auto v = scan::verdict_from_checkv2(J(reply));
  EXPECT_TRUE(v) << (v ? "" : v.error().message);
  std::vector<std::string> out;
  if (!v) return out;
  for (const Action& a : milter_actions(*v, headers, o)) {
    out.push_back(show(a));
    // Everything the mapping produces must be encodable for the MTA.
    std::string wire;
    EXPECT_TRUE(milter::encode_action(wire, a)) << show(a);
  }
  return out;
}

using V = std::vector<std::string>;

const Headers kPlain = {{"Received", " from a"}, {"From", " a@example.net"},
                        {"To", " b@example.org"}, {"Subject", " hello"}};

// ---- actions ---------------------------------------------------------------------------------

TEST(MilterActions, RejectUsesTheConfiguredMessage) {
  EXPECT_EQ(map(R"({"action":"reject","score":20})"), V{"code 554 5.7.1 Spam message rejected"});
  ProxyOptions o;
  o.reject_message = "Go away";
  EXPECT_EQ(map(R"({"action":"reject"})", {}, o), V{"code 554 5.7.1 Go away"});
}

TEST(MilterActions, SmtpMessageOverridesTheText) {
  EXPECT_EQ(map(R"({"action":"reject","messages":{"smtp_message":"Gtube pattern"}})"),
            V{"code 554 5.7.1 Gtube pattern"});
  EXPECT_EQ(map(R"({"action":"soft reject","messages":{"smtp_message":["Ratelimited"]}})"),
            V{"code 451 4.7.1 Ratelimited"});
}

TEST(MilterActions, RejectCarriesNoModifications) {
  Headers h = {{"X-Spam", " Yes"}};
  EXPECT_EQ(map(R"({"action":"reject","milter":{"add_headers":{"A":"b"}},
                   "dkim-signature":"v=1"})", h),
            V{"code 554 5.7.1 Spam message rejected"});
}

TEST(MilterActions, SoftReject) {
  EXPECT_EQ(map(R"({"action":"soft reject"})"), V{"code 451 4.7.1 Try again later"});
  ProxyOptions o;
  o.tempfail_message = "Later please";
  EXPECT_EQ(map(R"({"action":"soft reject"})", {}, o), V{"code 451 4.7.1 Later please"});
}

TEST(MilterActions, DiscardOnRejectOption) {
  ProxyOptions o;
  o.discard_on_reject = true;
  EXPECT_EQ(map(R"({"action":"reject"})", {}, o), V{"discard"});
}

TEST(MilterActions, QuarantineOnRejectOption) {
  ProxyOptions o;
  o.quarantine_on_reject = true;
  EXPECT_EQ(map(R"({"action":"reject"})", kPlain, o),
            (V{"add X-Spam: Yes", "quarantine Spam message quarantined", "accept"}));
  EXPECT_EQ(map(R"({"action":"reject","messages":{"smtp_message":"held"}})", kPlain, o),
            (V{"add X-Spam: Yes", "quarantine held", "accept"}));
}

TEST(MilterActions, RejectFlagsOfTheReply) {
  EXPECT_EQ(map(R"({"action":"reject","milter":{"reject":"discard"}})"), V{"discard"});
  EXPECT_EQ(map(R"({"action":"reject","reject":"discard"})"), V{"discard"});
  EXPECT_EQ(map(R"({"action":"reject","milter":{"reject":"quarantine"}})"),
            (V{"add X-Spam: Yes", "quarantine Spam message quarantined", "accept"}));
  EXPECT_EQ(map(R"({"action":"reject","reject":"quarantine"})"),
            (V{"add X-Spam: Yes", "quarantine Spam message quarantined", "accept"}));
  // A reply flag wins over the option.
  ProxyOptions o;
  o.discard_on_reject = true;
  EXPECT_EQ(map(R"({"action":"reject","milter":{"reject":"quarantine"}})", {}, o),
            (V{"add X-Spam: Yes", "quarantine Spam message quarantined", "accept"}));
}

TEST(MilterActions, DiscardAndQuarantineActions) {
  EXPECT_EQ(map(R"({"action":"discard"})"), V{"discard"});
  EXPECT_EQ(map(R"({"action":"quarantine","messages":{"smtp_message":"looks bad"}})"),
            (V{"add X-Spam: Yes", "quarantine looks bad", "accept"}));
}

TEST(MilterActions, RewriteSubject) {
  EXPECT_EQ(map(R"({"action":"rewrite subject","subject":"*** SPAM *** hello"})", kPlain),
            (V{"chg Subject#1: *** SPAM *** hello", "add X-Spam: Yes", "accept"}));
  // Without a Subject field the new one is added.
  Headers no_subject = {{"From", " a@example.net"}};
  EXPECT_EQ(map(R"({"action":"rewrite subject","subject":"*** SPAM *** "})", no_subject),
            (V{"add Subject: *** SPAM *** ", "add X-Spam: Yes", "accept"}));
  // Control characters cannot end the field early.
  EXPECT_EQ(map(R"({"action":"rewrite subject","subject":"a\r\nBcc: x"})", kPlain),
            (V{"chg Subject#1: a  Bcc: x", "add X-Spam: Yes", "accept"}));
}

TEST(MilterActions, AddHeaderAndCustomSpamHeader) {
  EXPECT_EQ(map(R"({"action":"add header"})"), (V{"add X-Spam: Yes", "accept"}));
  ProxyOptions o;
  o.spam_header = "X-Junk";
  EXPECT_EQ(map(R"({"action":"add header"})", {}, o), (V{"add X-Junk: Yes", "accept"}));
  EXPECT_EQ(map(R"({"action":"add header","milter":{"spam_header":"X-Other"}})"),
            (V{"add X-Other: Yes", "accept"}));
  EXPECT_EQ(map(R"({"action":"add header","milter":{"spam_header":{"X-Flag":"spam"}}})"),
            (V{"add X-Flag: spam", "accept"}));
}

TEST(MilterActions, HarmlessActionsAccept) {
  EXPECT_EQ(map(R"({"action":"no action"})", kPlain), V{"accept"});
  EXPECT_EQ(map(R"({"action":"greylist"})", kPlain), V{"accept"});
  EXPECT_EQ(map(R"({"action":"my custom action"})", kPlain), V{"accept"});
}

TEST(MilterActions, NoActionFlagAcceptsAndTells) {
  EXPECT_EQ(map(R"({"action":"reject","milter":{"no_action":true}})", kPlain),
            (V{"add X-Rspamd-Action: reject", "accept"}));
  EXPECT_EQ(map(R"({"action":"add header","milter":{"no_action":true}})", kPlain),
            (V{"add X-Rspamd-Action: add header", "accept"}));
}

TEST(MilterActions, NoVerdictIsAnError) {
  EXPECT_FALSE(scan::verdict_from_checkv2(J(R"({"score":3})")));
  EXPECT_FALSE(scan::verdict_from_checkv2(J(R"([1,2])")));
  EXPECT_FALSE(scan::verdict_from_checkv2(J(R"({"action":5})")));
  auto e = scan::verdict_from_checkv2(J(R"({"error":"arena cap","error_domain":"protocol-error"})"));
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("arena cap"), std::string::npos);
}

TEST(MilterActions, DefaultActions) {
  ProxyOptions o;
  ASSERT_EQ(default_actions(o).size(), 1u);
  EXPECT_EQ(show(default_actions(o)[0]), "accept");
  o.default_action = DefaultAction::kTempfail;
  EXPECT_EQ(show(default_actions(o)[0]), "code 451 4.7.1 Try again later");
}

// ---- the milter block ------------------------------------------------------------------------

TEST(MilterBlock, AddHeadersObjectForms) {
  EXPECT_EQ(map(R"({"action":"no action","milter":{"add_headers":{
                     "X-A":{"value":"appended"},
                     "X-B":{"value":"top","order":0},
                     "X-C":{"value":"third","order":3},
                     "X-D":{"value":"end","order":-1}}}})", kPlain),
            (V{"add X-A: appended", "ins 0 X-B: top", "ins 3 X-C: third", "add X-D: end",
               "accept"}));
}

TEST(MilterBlock, AddHeadersNegativeOrderCountsFromTheEnd) {
  // Four fields: -2 inserts before the last one (index 3), -5 lands at the top.
  EXPECT_EQ(map(R"({"action":"no action","milter":{"add_headers":{
                     "X-E":{"value":"e","order":-2},
                     "X-F":{"value":"f","order":-5},
                     "X-G":{"value":"g","order":-50}}}})", kPlain),
            (V{"ins 3 X-E: e", "ins 0 X-F: f", "ins 0 X-G: g", "accept"}));
}

TEST(MilterBlock, AddHeadersArrayAndLegacyForms) {
  EXPECT_EQ(map(R"({"action":"no action","milter":{"add_headers":{
                     "Authentication-Results":[{"value":"mx; spf=pass","order":0},
                                               {"value":"mx; dkim=none","order":1}],
                     "X-Legacy":"plain value",
                     "X-Mixed":["one", {"value":"two"}],
                     "X-Bad":{"order":1},
                     "X-Bad2":17}}})"),
            (V{"ins 0 Authentication-Results: mx; spf=pass",
               "ins 1 Authentication-Results: mx; dkim=none", "add X-Legacy: plain value",
               "add X-Mixed: one", "add X-Mixed: two", "accept"}));
  // An array of objects instead of one object.
  EXPECT_EQ(map(R"({"action":"no action","milter":{"add_headers":[
                     {"X-One":"1"}, {"X-Two":{"value":"2","order":0}}]}})"),
            (V{"add X-One: 1", "ins 0 X-Two: 2", "accept"}));
}

TEST(MilterBlock, RemoveHeaders) {
  Headers h = {{"Received", " a"}, {"X-Foo", " 1"}, {"received", " b"}, {"X-Foo", " 2"},
               {"RECEIVED", " c"}, {"X-Bar", " x"}};
  // 0 = every occurrence (highest index first), N = the Nth, -N = the Nth from the end.
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":{"Received":0}}})", h),
            (V{"del Received#3", "del Received#2", "del Received#1", "accept"}));
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":{"X-Foo":2}}})", h),
            (V{"del X-Foo#2", "accept"}));
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":{"X-Foo":-1}}})", h),
            (V{"del X-Foo#2", "accept"}));
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":{"Received":-3}}})", h),
            (V{"del Received#1", "accept"}));
  // Out of range or absent: nothing to delete.
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":{
                     "X-Foo":3, "X-Bar":-2, "X-None":0}}})", h),
            V{"accept"});
  // Arrays of indexes, arrays of objects; an index named twice is deleted once.
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":{"Received":[1,3,-1]}}})",
                h),
            (V{"del Received#3", "del Received#1", "accept"}));
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":[{"X-Foo":1},{"X-Bar":1}]}})",
                h),
            (V{"del X-Foo#1", "del X-Bar#1", "accept"}));
}

TEST(MilterBlock, EnvelopeChanges) {
  EXPECT_EQ(map(R"({"action":"no action","milter":{
                     "change_from":"<bounce@example.org>",
                     "add_rcpt":["<copy@example.org>","<audit@example.org>"],
                     "del_rcpt":"<old@example.org>"}})"),
            (V{"from <bounce@example.org>", "rcpt+ <copy@example.org>",
               "rcpt+ <audit@example.org>", "rcpt- <old@example.org>", "accept"}));
}

TEST(MilterBlock, LegacyRmilterName) {
  EXPECT_EQ(map(R"({"action":"no action","rmilter":{"add_headers":{"X-A":"1"}}})"),
            (V{"add X-A: 1", "accept"}));
}

TEST(MilterBlock, DkimSignaturesGoOnTopInReplyOrder) {
  EXPECT_EQ(map(R"({"action":"no action","dkim-signature":"v=1; a=rsa-sha256; d=example.org"})"),
            (V{"ins 0 DKIM-Signature: v=1; a=rsa-sha256; d=example.org", "accept"}));
  // Inserted at the top one after the other: the last inserted ends up first, so the reply
  // order is kept by inserting in reverse.
  EXPECT_EQ(map(R"({"action":"add header","dkim-signature":["v=1; d=a.example",
                                                            "DKIM-Signature: v=1; d=b.example"]})"),
            (V{"add X-Spam: Yes", "ins 0 DKIM-Signature: v=1; d=b.example",
               "ins 0 DKIM-Signature: v=1; d=a.example", "accept"}));
}

TEST(MilterBlock, OrderOfEverything) {
  Headers h = {{"X-Spam", " Yes"}, {"Subject", " s"}, {"X-Old", " o"}};
  ProxyOptions o;
  o.add_score_headers = true;
  auto got = map(R"({"action":"rewrite subject","score":7.5,"required_score":15,
                    "subject":"[SPAM] s","symbols":{"A":{"score":7.5,"options":["x"]}},
                    "dkim-signature":"v=1",
                    "milter":{"remove_headers":{"X-Old":1},
                              "add_headers":{"X-New":{"value":"n","order":0}},
                              "change_from":"<f@example.org>"}})",
                 h, o);
  EXPECT_EQ(got, (V{"del X-Spam#1", "del X-Old#1", "chg Subject#1: [SPAM] s", "add X-Spam: Yes",
                    "add X-Spamd-Result: default: True [7.50 / 15.00];\n\tA(7.50)[x]",
                    "add X-Spam-Score: 7.50", "ins 0 X-New: n", "from <f@example.org>",
                    "ins 0 DKIM-Signature: v=1", "accept"}));
}

// ---- forged headers and score headers --------------------------------------------------------

TEST(ForgedHeaders, IncomingSpamHeadersAreDeleted) {
  Headers h = {{"X-Spam", " Yes"},         {"Received", " r"},
               {"x-spam-status", " Yes, score=99"}, {"X-Spam", " yes"},
               {"X-Spamd-Result", " default: True"}, {"X-Spammy-Thing", " 1"},
               {"X-Not-Spam", " keep"}};
  EXPECT_EQ(map(R"({"action":"no action"})", h),
            (V{"del X-Spam#2", "del X-Spam#1", "del x-spam-status#1", "del X-Spamd-Result#1",
               "del X-Spammy-Thing#1", "accept"}));
}

TEST(ForgedHeaders, ConfiguredSpamHeaderCountsAsForged) {
  Headers h = {{"X-Junk", " Yes"}, {"X-Spam", " Yes"}};
  ProxyOptions o;
  o.spam_header = "X-Junk";
  EXPECT_EQ(map(R"({"action":"add header"})", h, o),
            (V{"del X-Junk#1", "del X-Spam#1", "add X-Junk: Yes", "accept"}));
}

TEST(ForgedHeaders, CanBeKept) {
  Headers h = {{"X-Spam", " Yes"}};
  ProxyOptions o;
  o.remove_forged_spam_headers = false;
  EXPECT_EQ(map(R"({"action":"no action"})", h, o), V{"accept"});
}

TEST(ForgedHeaders, NoDoubleDeletionWithRemoveHeaders) {
  Headers h = {{"X-Spam", " Yes"}, {"X-Spam", " no"}};
  EXPECT_EQ(map(R"({"action":"no action","milter":{"remove_headers":{"x-spam":0}}})", h),
            (V{"del X-Spam#2", "del X-Spam#1", "accept"}));
}

TEST(ScoreHeaders, SummaryOfEveryAcceptedMessage) {
  ProxyOptions o;
  o.add_score_headers = true;
  EXPECT_EQ(map(R"({"action":"no action","score":-0.1,"required_score":15,
                    "symbols":{"B_SYM":{"score":-0.1},"C_SYM":{"score":0,"options":["a","b\nc"]}}})",
                {}, o),
            (V{"add X-Spamd-Result: default: False [-0.10 / 15.00];\n\tB_SYM(-0.10)[];\n\t"
               "C_SYM(0.00)[a,b c]",
               "add X-Spam-Score: -0.10", "accept"}));
  // Not on rejected mail.
  EXPECT_EQ(map(R"({"action":"reject","score":20})", {}, o),
            V{"code 554 5.7.1 Spam message rejected"});
}

// ---- envelope --------------------------------------------------------------------------------

milter::Message postfix_message() {
  milter::Message m;
  m.sequence = 1;
  m.connect = {"mail.example.net", '4', 41234, "192.0.2.7"};
  m.helo = "mail.example.net";
  m.mail_from = "<alice@example.net>";
  m.mail_args = {"SIZE=1234", "BODY=8BITMIME"};
  milter::Recipient r1;
  r1.address = "<bob@example.org>";
  milter::Recipient r2;
  r2.address = "<carol@example.org>";
  r2.args = {"NOTIFY=NEVER"};
  m.recipients = {r1, r2};
  m.macros = {
      {'C', {{"j", "mx.example.org"}, {"daemon_name", "ORIGINATING"}, {"v", "Postfix 3.7.11"}}},
      {'H', {{"tls_version", "TLSv1.3"}, {"cipher", "TLS_AES_256_GCM_SHA384"}}},
      {'M', {{"i", "4XyZ12"}, {"auth_authen", "alice"}, {"auth_type", "PLAIN"}}},
      {'E', {{"i", "4XyZ12"}}},
  };
  m.data = "From: alice@example.net\r\n\r\nhi\r\n";
  return m;
}

TEST(EnvelopeFromMilter, MacrosAndConnectInformation) {
  scan::Envelope env = envelope_from_milter(proxy_scan_fields(postfix_message()));
  EXPECT_EQ(env.ip, "192.0.2.7");
  EXPECT_EQ(env.hostname, "mail.example.net");
  EXPECT_EQ(env.helo, "mail.example.net");
  EXPECT_EQ(env.from, "alice@example.net");
  EXPECT_TRUE(env.has_from);
  EXPECT_EQ(env.rcpts, (std::vector<std::string>{"bob@example.org", "carol@example.org"}));
  EXPECT_EQ(env.user, "alice");
  EXPECT_TRUE(env.authenticated());
  EXPECT_EQ(env.queue_id, "4XyZ12");
  EXPECT_EQ(env.mta_name, "ORIGINATING");  // {daemon_name} wins over j for MTA-Name
  EXPECT_EQ(env.mta_host, "mx.example.org");  // j: the authserv-id fallback
  EXPECT_TRUE(env.flags & scan::kTaskMilter);
  EXPECT_FALSE(env.flags & scan::kTaskBodyBlock);  // the proxy never asks for body changes
  ASSERT_NE(env.request_header("TLS-Cipher"), nullptr);
  EXPECT_EQ(*env.request_header("TLS-Cipher"), "TLS_AES_256_GCM_SHA384");
  ASSERT_NE(env.request_header("TLS-Version"), nullptr);
  EXPECT_EQ(*env.request_header("TLS-Version"), "TLSv1.3");
  ASSERT_NE(env.request_header("User-Agent"), nullptr);
  EXPECT_EQ(*env.request_header("User-Agent"), "Postfix 3.7.11");
  ASSERT_NE(env.request_header("X-Rspamd-Rcpt-Esmtp-Args"), nullptr);
  EXPECT_EQ(*env.request_header("X-Rspamd-Rcpt-Esmtp-Args"), "1:NOTIFY=NEVER");
}

TEST(EnvelopeFromMilter, SendmailStyleAndFallbacks) {
  milter::Message m;
  m.connect = {"[192.0.2.9]", 'L', 0, "/var/run/sock"};  // no usable address in CONNECT
  m.mail_from = "<>";
  m.macros = {{'C', {{"j", "sendmail.example.org"}, {"client_addr", "192.0.2.9"},
                     {"client_name", "relay.example.net"}}},
              {'M', {{"i", "q1"}}}};
  scan::Envelope env = envelope_from_milter(proxy_scan_fields(m));
  EXPECT_EQ(env.ip, "192.0.2.9");              // {client_addr}
  EXPECT_EQ(env.hostname, "relay.example.net");  // {client_name}
  EXPECT_EQ(env.mta_name, "sendmail.example.org");  // j without {daemon_name}
  EXPECT_EQ(env.from, "");
  EXPECT_TRUE(env.has_from);
  EXPECT_EQ(env.user, "");
  EXPECT_FALSE(env.authenticated());
  EXPECT_EQ(env.queue_id, "q1");
}

TEST(EnvelopeFromMilter, UnknownHostnameIsLeftOut) {
  milter::Message m = postfix_message();
  m.connect.hostname = "unknown";
  m.connect.family = '6';
  m.connect.address = "2001:db8::7";
  scan::Envelope env = envelope_from_milter(proxy_scan_fields(m));
  EXPECT_EQ(env.hostname, "");
  EXPECT_EQ(env.ip, "2001:db8::7");
}

// ---- negotiation and options -----------------------------------------------------------------

TEST(ProxySession, AsksOnlyForWhatItUses) {
  auto so = proxy_session_options();
  EXPECT_EQ(so.wanted_actions & milter::kActChangeBody, 0u);
  EXPECT_NE(so.wanted_actions & milter::kActAddHeaders, 0u);
  EXPECT_NE(so.wanted_actions & milter::kActChangeHeaders, 0u);
  EXPECT_NE(so.wanted_actions & milter::kActQuarantine, 0u);
  std::string all = " ";
  for (const auto& l : so.macro_requests) all += l.names + " ";
  for (const char* m : {"{auth_authen}", "{client_addr}", "{client_name}", "{daemon_name}",
                        "{tls_version}", "{cipher}", " i ", " j "}) {
    EXPECT_NE(all.find(m), std::string::npos) << m;
  }
}

struct SchemaConfig {
  core::Schema schema;
  core::ConfigPtr cfg;
  explicit SchemaConfig(const std::string& toml) {
    declare_proxy_options(schema);
    std::vector<core::ConfigIssue> issues;
    auto c = core::Config::from_string(schema, toml, issues);
    EXPECT_TRUE(c) << (issues.empty() ? "" : issues[0].to_string());
    if (c) cfg = *c;
  }
};

TEST(ProxyOptionsTest, Defaults) {
  SchemaConfig sc("");
  ASSERT_TRUE(sc.cfg);
  auto o = proxy_options_from(*sc.cfg);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->mode, ProxyMode::kSelfScan);
  EXPECT_EQ(o->default_action, DefaultAction::kAccept);
  EXPECT_EQ(o->reject_message, "Spam message rejected");
  EXPECT_EQ(o->tempfail_message, "Try again later");
  EXPECT_EQ(o->spam_header, "X-Spam");
  EXPECT_TRUE(o->remove_forged_spam_headers);
  EXPECT_FALSE(o->add_score_headers);
  EXPECT_FALSE(o->discard_on_reject);
  EXPECT_FALSE(o->quarantine_on_reject);
  EXPECT_EQ(o->workers, 1);
}

TEST(ProxyOptionsTest, ForwardMode) {
  SchemaConfig sc(
      "[proxy]\nmode = \"forward\"\nupstreams = [\"127.0.0.1:11333\", \"[::1]:11333\"]\n"
      "timeout = \"2s\"\ndefault_action = \"tempfail\"\n");
  ASSERT_TRUE(sc.cfg);
  auto o = proxy_options_from(*sc.cfg);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->mode, ProxyMode::kForward);
  EXPECT_EQ(o->upstreams.size(), 2u);
  EXPECT_DOUBLE_EQ(o->timeout, 2.0);
  EXPECT_EQ(o->default_action, DefaultAction::kTempfail);
}

TEST(ProxyOptionsTest, ForwardWithoutUpstreamsIsAnError) {
  SchemaConfig sc("[proxy]\nmode = \"forward\"\n");
  ASSERT_TRUE(sc.cfg);
  EXPECT_FALSE(proxy_options_from(*sc.cfg));
}

TEST(ProxyOptionsTest, BadValuesAreRefused) {
  core::Schema schema;
  declare_proxy_options(schema);
  std::vector<core::ConfigIssue> issues;
  EXPECT_FALSE(core::Config::from_string(schema, "[proxy]\nmode = \"relay\"\n", issues));
  issues.clear();
  EXPECT_FALSE(core::Config::from_string(schema, "[proxy]\ndefault_action = \"reject\"\n", issues));
  SchemaConfig sc("[proxy]\nspam_header = \"X Spam:\"\n");
  ASSERT_TRUE(sc.cfg);
  EXPECT_FALSE(proxy_options_from(*sc.cfg));
}

}  // namespace
}  // namespace mw::server
