// The JSON replies (scan/reply.h) rendered from constructed Verdicts: /checkv2 and legacy
// /check exactly as clients read them, the milter block in its canonical form, and the
// forward-mode parser (verdict_from_checkv2) reading a reply back into the same Verdict.
#include <gtest/gtest.h>

#include "scan/reply.h"

namespace mw::scan {
namespace {

Verdict full() {
  Verdict v;
  v.action = Action::kRewriteSubject;
  v.score = 7.1234567;
  v.required_score = 15;
  v.thresholds.set(Action::kReject, 15);
  v.thresholds.set(Action::kRewriteSubject, 6);
  v.symbols.push_back({"A_SYM", 5.1, 5.1, "first", {"x", "y"}});
  v.symbols.push_back({"B_SYM", 2.0234567, 1, "", {}});
  v.groups = std::vector<VerdictGroup>{{"headers", 7.1, "Header checks"}, {"misc", 0, ""}};
  v.profile = std::vector<std::pair<std::string, double>>{{"A_SYM", 0.0012344}};
  v.subject = "*** SPAM *** hi";
  v.passthrough_module = "outbound";
  v.smtp_message = "held";
  v.urls = {{"http://a.example/x", "a.example", "example"}};
  v.emails = {"a@example.org"};
  v.message_id = "m1@example.org";
  v.time_real = 0.0123456789;
  MilterBlock& m = v.additions.milter;
  m.add_headers = {{"X-A", "1", 0}, {"X-B", "2", std::nullopt}, {"X-A", "3", -1}};
  m.remove_headers = {{"X-Spam", 0}, {"Received", 1}, {"Received", -1}};
  m.change_from = "<b@example.org>";
  m.add_rcpt = {"<c@example.org>"};
  m.reject = "quarantine";
  m.spam_header = "X-Junk";
  v.additions.fields.set("outbound_features", json::Value::object());
  v.additions.dkim_signing.status = "signed";
  v.additions.dkim_signing.signatures = {{"example.org", "s1", "rsa-sha256"}};
  v.additions.dkim_signatures = {"v=1; d=example.org"};
  v.additions.arc_sealing.status = "skipped";
  v.additions.arc_sealing.reason = "no key";
  return v;
}

TEST(Checkv2Reply, EveryFieldInOrder) {
  EXPECT_EQ(
      json::write(checkv2_reply(full())),
      R"({"is_skipped":false,"score":7.123457,"required_score":15.0,"action":"rewrite subject",)"
      R"("thresholds":{"rewrite subject":6.0,"reject":15.0},)"
      R"("symbols":{"A_SYM":{"name":"A_SYM","score":5.1,"metric_score":5.1,)"
      R"("description":"first","options":["x","y"]},)"
      R"("B_SYM":{"name":"B_SYM","score":2.023457,"metric_score":1.0}},)"
      R"("groups":{"headers":{"score":7.1,"description":"Header checks"},"misc":{"score":0.0}},)"
      R"("profile":{"A_SYM":0.001234},"subject":"*** SPAM *** hi",)"
      R"("passthrough_module":"outbound","messages":{"smtp_message":"held"},)"
      R"("urls":["a.example"],"emails":["a@example.org"],"message-id":"m1@example.org",)"
      R"("time_real":0.012346,)"
      R"("milter":{"add_headers":{"X-A":[{"value":"1","order":0},{"value":"3","order":-1}],)"
      R"("X-B":{"value":"2"}},"remove_headers":{"X-Spam":0,"Received":[1,-1]},)"
      R"("change_from":"<b@example.org>","add_rcpt":["<c@example.org>"],)"
      R"("reject":"quarantine","spam_header":"X-Junk"},)"
      R"("outbound_features":{},)"
      R"("dkim-signing":{"status":"signed","signatures":[{"domain":"example.org",)"
      R"("selector":"s1","algorithm":"rsa-sha256"}]},"dkim-signature":"v=1; d=example.org",)"
      R"("arc-sealing":{"status":"skipped","reason":"no key"}})");
}

TEST(Checkv2Reply, MinimalVerdict) {
  Verdict v;
  EXPECT_EQ(json::write(checkv2_reply(v)),
            R"({"is_skipped":false,"score":0.0,"required_score":0.0,"action":"no action",)"
            R"("thresholds":{},"symbols":{},"messages":{},"time_real":0.0})");
}

TEST(Checkv2Reply, ExtendedUrlsAndSeveralSignatures) {
  Verdict v;
  v.extended_urls = true;
  v.urls = {{"http://a.example/x", "a.example", "example"}};
  v.additions.dkim_signatures = {"v=1; d=a", "v=1; d=b"};
  json::Value r = checkv2_reply(v);
  EXPECT_EQ(json::write(*r.find("urls")),
            R"([{"url":"http://a.example/x","host":"a.example","tld":"example"}])");
  EXPECT_EQ(json::write(*r.find("dkim-signature")), R"(["v=1; d=a","v=1; d=b"])");
}

TEST(Checkv2Reply, CustomActionNameAndSpamHeaderValue) {
  Verdict v;
  v.custom_action = "my action";
  v.additions.milter.spam_header = "X-Flag";
  v.additions.milter.spam_header_value = "spam";
  v.additions.milter.no_action = true;
  json::Value r = checkv2_reply(v);
  EXPECT_EQ(r.find("action")->as_string(), "my action");
  EXPECT_EQ(json::write(*r.find("milter")), R"({"no_action":true,"spam_header":{"X-Flag":"spam"}})");
}

TEST(LegacyJsonReply, DefaultMetricAndRmilter) {
  Verdict v = full();
  v.groups.reset();
  v.profile.reset();
  json::Value r = legacy_reply(v);
  const json::Value* metric = r.find("default");
  ASSERT_NE(metric, nullptr);
  EXPECT_TRUE(metric->find("is_spam")->as_bool());  // rewrite subject counts as spam here
  EXPECT_EQ(metric->find("action")->as_string(), "rewrite subject");
  EXPECT_EQ(json::write(*metric->find("A_SYM")),
            R"({"name":"A_SYM","score":5.1,"description":"first","options":["x","y"]})");
  EXPECT_EQ(r.find("subject")->as_string(), "*** SPAM *** hi");
  EXPECT_NE(r.find("rmilter"), nullptr);
  EXPECT_EQ(r.find("milter"), nullptr);
  EXPECT_EQ(r.find("passthrough_module"), nullptr);
  for (Action a : {Action::kNoAction, Action::kGreylist, Action::kDiscard}) {
    Verdict h;
    h.action = a;
    EXPECT_FALSE(legacy_reply(h).find("default")->find("is_spam")->as_bool());
  }
  for (Action a : {Action::kReject, Action::kSoftReject, Action::kAddHeader}) {
    Verdict s;
    s.action = a;
    EXPECT_TRUE(legacy_reply(s).find("default")->find("is_spam")->as_bool());
  }
}

TEST(ErrorReply, Shape) {
  EXPECT_EQ(json::write(error_reply("arena cap")),
            R"({"error":"arena cap","error_domain":"protocol-error"})");
}

// ---- forward mode: an upstream's JSON back into a Verdict ----------------------------------

TEST(VerdictFromCheckv2, RoundTrip) {
  Verdict v = full();
  auto back = verdict_from_checkv2(checkv2_reply(v));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(json::write(checkv2_reply(*back)), json::write(checkv2_reply(v)));
  EXPECT_EQ(back->action, Action::kRewriteSubject);
  EXPECT_TRUE(back->custom_action.empty());
  ASSERT_EQ(back->symbols.size(), 2u);
  EXPECT_EQ(back->symbols[0].options, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(back->smtp_message, "held");
  EXPECT_EQ(back->additions.milter.reject, "quarantine");
  ASSERT_EQ(back->additions.milter.add_headers.size(), 3u);
  EXPECT_EQ(back->additions.dkim_signing.signatures.size(), 1u);
  EXPECT_EQ(back->additions.arc_sealing.reason, "no key");
  EXPECT_NE(back->additions.fields.find("outbound_features"), nullptr);
}

TEST(VerdictFromCheckv2, NoVerdict) {
  EXPECT_FALSE(verdict_from_checkv2(json::Value::array()));
  EXPECT_FALSE(verdict_from_checkv2(*json::parse(R"({"score":3})")));
  EXPECT_FALSE(verdict_from_checkv2(*json::parse(R"({"action":5})")));
  auto e = verdict_from_checkv2(*json::parse(R"({"error":"arena cap"})"));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "scanner error: arena cap");
}

TEST(VerdictFromCheckv2, RspamdForms) {
  auto v = verdict_from_checkv2(*json::parse(R"({"action":"greylisted?","reject":"discard",
      "messages":{"smtp_message":["first","second"]},
      "rmilter":{"add_headers":[{"X-One":"1"},{"X-Two":{"value":"2","order":"top"}}],
                 "remove_headers":{"X-Old":[1,"x",2]},"add_rcpt":"<a@example.org>",
                 "spam_header":{"X-S":"yes"},"custom":{"k":1}},
      "dkim-signature":["v=1; d=a", 7]})"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->custom_action, "greylisted?");
  EXPECT_EQ(v->action_name(), "greylisted?");
  EXPECT_EQ(v->smtp_message, "first");
  EXPECT_EQ(v->additions.fields.find("reject")->as_string(), "discard");
  const MilterBlock& m = v->additions.milter;
  ASSERT_EQ(m.add_headers.size(), 2u);
  EXPECT_EQ(m.add_headers[0].name, "X-One");
  EXPECT_FALSE(m.add_headers[0].order);
  EXPECT_FALSE(m.add_headers[1].order);  // not a number: appended
  ASSERT_EQ(m.remove_headers.size(), 2u);
  EXPECT_EQ(m.remove_headers[1].index, 2);
  EXPECT_EQ(m.add_rcpt, (std::vector<std::string>{"<a@example.org>"}));
  EXPECT_EQ(m.spam_header, "X-S");
  EXPECT_EQ(m.spam_header_value, "yes");
  EXPECT_EQ(json::write(m.other), R"({"custom":{"k":1}})");
  EXPECT_EQ(v->additions.dkim_signatures, (std::vector<std::string>{"v=1; d=a"}));
}

// ---- the milter block as rules build it ----------------------------------------------------

TEST(MilterBlockMerge, LaterNamesReplaceEarlierOnes) {
  MilterBlock m;
  m.merge_json(*json::parse(R"({"add_headers":{"A":{"value":"1","order":0},"B":"2"},
                                "remove_headers":{"X":1},"reject":"discard"})"));
  m.merge_json(*json::parse(R"({"add_headers":{"A":["3","4"],"C":{"value":"5"}},
                                "remove_headers":{"Y":2},"reject":7})"));
  ASSERT_EQ(m.add_headers.size(), 4u);
  EXPECT_EQ(m.add_headers[0].value, "3");  // A replaced where it stood
  EXPECT_EQ(m.add_headers[1].value, "4");
  EXPECT_EQ(m.add_headers[2].name, "B");
  EXPECT_EQ(m.add_headers[3].name, "C");
  ASSERT_EQ(m.remove_headers.size(), 2u);
  EXPECT_TRUE(m.reject.empty());  // a value of the wrong type clears the flag
  m.put_header({"B", "new", 0});
  EXPECT_EQ(m.add_headers[2].value, "new");
  EXPECT_FALSE(m.empty());
  EXPECT_TRUE(MilterBlock{}.empty());
}

TEST(ReplyAdditionsFields, DkimSignatureIsTyped) {
  ReplyAdditions a;
  a.set_field("dkim-signature", json::Value("v=1"));
  a.set_field("x-field", json::Value(3));
  EXPECT_EQ(a.dkim_signatures, (std::vector<std::string>{"v=1"}));
  EXPECT_EQ(json::write(a.fields), R"({"x-field":3})");
}

}  // namespace
}  // namespace mw::scan
