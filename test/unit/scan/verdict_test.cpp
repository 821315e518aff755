// make_verdict: what a finished task's Verdict holds (symbols sorted and without removed ones,
// the rewritten subject, the passthrough module, URLs and addresses of the message, request
// flags, reply additions) and that rules' reply additions reach it typed.
#include "scan/verdict.h"

#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "scan/reply.h"

namespace mw::scan {
namespace {

using test::kMessage;

class VerdictTest : public test::EngineFixture {};

constexpr const char* kLinks =
    "From: a@example.com\r\nTo: b@example.net, c@example.net\r\nSubject: offer\r\n"
    "Message-ID: <m2@example.com>\r\n\r\n"
    "http://one.example.org/a http://one.example.org/b http://two.example.net/ "
    "mail b@example.net and b@example.net\r\n";

TEST_F(VerdictTest, SymbolsScoresAndSubjectRewrite) {
  build("[actions]\nreject = 20\nadd_header = 3\nrewrite_subject = 5\nsubject = \"[%d] %s\"\n"
        "[symbols.Z_LAST]\nscore = 4.0\ndescription = \"z\"\n[symbols.A_FIRST]\nscore = 2.5\n",
        [](Engine& e) {
          add(e, "Z_LAST", inserts("Z_LAST", 1.0, {"opt"}));
          add(e, "A_FIRST", inserts("A_FIRST"));
        });
  auto t = run();
  Verdict v = make_verdict(*t);
  EXPECT_EQ(v.action, Action::kRewriteSubject);
  EXPECT_EQ(v.action_name(), "rewrite subject");
  EXPECT_DOUBLE_EQ(v.score, 6.5);
  EXPECT_DOUBLE_EQ(v.required_score, 20);
  ASSERT_EQ(v.symbols.size(), 2u);
  EXPECT_EQ(v.symbols[0].name, "A_FIRST");  // sorted by name
  EXPECT_EQ(v.symbols[1].name, "Z_LAST");
  EXPECT_EQ(v.symbols[1].description, "z");
  EXPECT_EQ(v.symbols[1].options, std::vector<std::string>{"opt"});
  EXPECT_DOUBLE_EQ(v.symbols[1].metric_score, 4.0);
  EXPECT_EQ(v.subject, "[6.50] hello");
  EXPECT_EQ(v.message_id, "m1@example.com");
  EXPECT_FALSE(v.passthrough_module);
  EXPECT_FALSE(v.groups);
  EXPECT_FALSE(v.profile);
  EXPECT_FALSE(v.is_skipped);
}

TEST_F(VerdictTest, NoSubjectUnlessRewriting) {
  build("[actions]\nreject = 20\nadd_header = 1\n[symbols.A]\nscore = 3\n",
        [](Engine& e) { add(e, "A", inserts("A")); });
  EXPECT_TRUE(make_verdict(*run()).subject.empty());
}

TEST_F(VerdictTest, PreResultGivesPassthroughAndSmtpMessage) {
  build("", [](Engine& e) {
    add(e, "HOLD",
        [](Task& t, SymbolId) {
          t.outcome().set_pre_result({Action::kSoftReject, "on hold", "", 0, false});
          return RunState::kDone;
        },
        SymbolType::kPrefilter);
  });
  Verdict v = make_verdict(*run());
  EXPECT_EQ(v.action, Action::kSoftReject);
  EXPECT_EQ(v.smtp_message, "on hold");
  ASSERT_TRUE(v.passthrough_module);
  EXPECT_EQ(*v.passthrough_module, "unknown");  // no module named
}

// Issue 17: MTAs that decide by score (Exim's `spam` condition, spamc) must agree with a
// forced action: like Rspamd, a forcing pre-result answers with the action's threshold as
// the score (or its own score) and is_skipped true.
TEST_F(VerdictTest, ForcedActionsCarryTheirThresholdAndAreSkipped) {
  auto forcing = [](PreResult pr) {
    return [pr](Engine& e) {
      add(e, "LOW", inserts("LOW"));
      add(e, "FORCE",
          [pr](Task& t, SymbolId) {
            t.outcome().set_pre_result(pr);
            return RunState::kDone;
          },
          SymbolType::kPrefilter);
    };
  };
  const char* conf = "[actions]\nreject = 15\nadd_header = 6\n[symbols.LOW]\nscore = 1\n";
  build(conf, forcing({Action::kReject, "Gtube pattern", "gtube", 0, false}));
  Verdict v = make_verdict(*run());
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_DOUBLE_EQ(v.score, 15);
  EXPECT_DOUBLE_EQ(v.required_score, 15);
  EXPECT_TRUE(v.is_skipped);
  EXPECT_NE(checkv2_reply(v).find("is_skipped"), nullptr);
  EXPECT_TRUE(checkv2_reply(v).find("is_skipped")->as_bool());

  build(conf, forcing({Action::kAddHeader, "", "m", 0, false}));
  v = make_verdict(*run());
  EXPECT_EQ(v.action, Action::kAddHeader);
  EXPECT_DOUBLE_EQ(v.score, 6);

  PreResult scored{Action::kReject, "", "m", 0, false};
  scored.score = 42;
  build(conf, forcing(scored));
  EXPECT_DOUBLE_EQ(make_verdict(*run()).score, 42);

  build("[actions]\nreject = false\nadd_header = 6\n", forcing({Action::kDiscard, "", "m", 0, false}));
  EXPECT_DOUBLE_EQ(make_verdict(*run()).score, 6);  // no threshold: the required score

  build(conf, forcing({Action::kNoAction, "", "allow", 0, false}));
  v = make_verdict(*run());
  EXPECT_EQ(v.action, Action::kNoAction);
  EXPECT_DOUBLE_EQ(v.score, 0);  // the filters did not run; nothing raised
  EXPECT_TRUE(v.is_skipped);

  // A `least` pre-result only sets a minimum action: the scan goes on, the score stays.
  build(conf, forcing({Action::kAddHeader, "", "m", 0, true}));
  v = make_verdict(*run());
  EXPECT_EQ(v.action, Action::kAddHeader);
  EXPECT_DOUBLE_EQ(v.score, 1);
  EXPECT_FALSE(v.is_skipped);
}

TEST_F(VerdictTest, UrlsAndEmailsOncePerMode) {
  build("", [](Engine&) {});
  Verdict hosts = make_verdict(*run({}, kLinks));
  ASSERT_EQ(hosts.urls.size(), 2u);  // unique hosts
  EXPECT_EQ(hosts.urls[0].host, "one.example.org");
  EXPECT_FALSE(hosts.extended_urls);
  EXPECT_EQ(hosts.emails, std::vector<std::string>{"b@example.net"});
  Envelope ext;
  ext.flags = kTaskExtUrls | kTaskGroups | kTaskProfile;
  Verdict urls = make_verdict(*run(ext, kLinks));
  EXPECT_TRUE(urls.extended_urls);
  EXPECT_EQ(urls.urls.size(), 3u);  // unique URLs
  EXPECT_TRUE(urls.groups);
  EXPECT_TRUE(urls.profile);
}

TEST_F(VerdictTest, RemovedSymbolsAndSkippedScans) {
  build("[symbols.A]\nscore = 1\n[symbols.B]\nscore = 1\n"
        "[composites.AB]\nexpression = \"A & B\"\nscore = 5\n",
        [](Engine& e) {
          add(e, "A", inserts("A"));
          add(e, "B", inserts("B"));
        });
  Verdict v = make_verdict(*run());
  ASSERT_EQ(v.symbols.size(), 1u);
  EXPECT_EQ(v.symbols[0].name, "AB");
  EXPECT_EQ(v.symbol("A"), nullptr);
  Envelope skip;
  skip.flags = kTaskSkip;
  Verdict s = make_verdict(*run(skip));
  EXPECT_TRUE(s.is_skipped);
  EXPECT_TRUE(s.symbols.empty());
}

TEST_F(VerdictTest, ReplyAdditionsOfRules) {
  build("", [](Engine& e) {
    add(e, "MILTER",
        [](Task& t, SymbolId) {
          ReplyAdditions& a = t.outcome().additions();
          a.milter.merge_json(*json::parse(R"({"add_headers":{"X-A":{"value":"1","order":0}}})"));
          a.set_field("dkim-signature", json::Value("v=1"));
          a.set_field("custom", json::Value(7));
          return RunState::kDone;
        },
        SymbolType::kPostfilter);
  });
  Verdict v = make_verdict(*run());
  ASSERT_EQ(v.additions.milter.add_headers.size(), 1u);
  EXPECT_EQ(v.additions.milter.add_headers[0].order, 0);
  EXPECT_EQ(v.additions.dkim_signatures, std::vector<std::string>{"v=1"});
  EXPECT_EQ(v.additions.fields.find("custom")->as_int(), 7);
}

}  // namespace
}  // namespace mw::scan
