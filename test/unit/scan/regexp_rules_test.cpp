// Regexp rules (scan/regexp_rules.h): every atom class, expressions over atoms, batching of
// classes, syntax errors. Rules are added as the Lua config API adds them; tasks run through
// the real pipeline (MIME parser, Hyperscan or PCRE2).
// Also: the shortcut for rules that cannot hold without a matching atom (negations and
// upper bounds must still be evaluated when nothing matched).
#include "scan/regexp_rules.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "scan_test_util.h"

namespace mw::scan {
namespace {

using testing::has_symbol;
using testing::ScanHarness;
using testing::symbol_names;

constexpr const char* kMessage =
    "From: Taro <taro@example.jp>\r\n"
    "To: hanako@example.net\r\n"
    "Subject: =?UTF-8?B?5YWN6LKs?= Invoice 42\r\n"  // decoded: "免責 Invoice 42"
    "X-Mailer: BulkBlaster 9\r\n"
    "Content-Type: multipart/alternative; boundary=\"B\"\r\n"
    "\r\n"
    "--B\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Please wire the m=C3=B6ney to https://pay.example.org/now or mail billing@example.org\r\n"
    "--B\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<p>Click <b>here</b></p>\r\n"
    "--B--\r\n";

class RegexpRulesTest : public ::testing::Test {
 protected:
  // Register `rules` (name -> expression), build, run kMessage (or `message`).
  std::unique_ptr<Task> run(const std::map<std::string, std::string>& rules,
                            std::string message = kMessage) {
    Status st = h_.build("", [&](Engine& e) -> Status {
      e.regexp_rules = std::make_unique<RegexpRules>();
      for (const auto& [name, expr] : rules) {
        auto idx = e.regexp_rules->add_rule(name, expr);
        if (!idx) return fail(idx.error());
        SymbolDef d;
        d.name = name;
        d.callback = e.regexp_rules->callback(*idx);
        auto id = e.registry.add(std::move(d));
        if (!id) return fail(id.error());
      }
      return e.regexp_rules->build(e.options.match, h_.logger());
    });
    EXPECT_TRUE(st) << st.error().message;
    if (!st) return nullptr;
    return h_.run(std::move(message));
  }

  ScanHarness h_;
};

TEST_F(RegexpRulesTest, HeaderAtomsSeeDecodedOrRawValues) {
  auto t = run({
      {"DECODED", "Subject=/免責/"},
      {"DECODED_RAWFORM", "Subject=/5YWN6LKs/"},  // base64 text is not in the decoded value
      {"RAW", "Subject=/5YWN6LKs/{raw_header}"},
      {"RAW_FLAG", "Subject=/=\\?UTF-8\\?B\\?/X"},
      {"NAME_ANY_CASE", "x-mailer=/^BulkBlaster/"},
      {"CASELESS", "Subject=/invoice/i"},
      {"CASED", "Subject=/invoice/"},
      {"ABSENT_HEADER", "Reply-To=/./"},
  });
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(has_symbol(*t, "DECODED"));
  EXPECT_FALSE(has_symbol(*t, "DECODED_RAWFORM"));
  EXPECT_TRUE(has_symbol(*t, "RAW"));
  EXPECT_TRUE(has_symbol(*t, "RAW_FLAG"));
  EXPECT_TRUE(has_symbol(*t, "NAME_ANY_CASE"));
  EXPECT_TRUE(has_symbol(*t, "CASELESS"));
  EXPECT_FALSE(has_symbol(*t, "CASED"));
  EXPECT_FALSE(has_symbol(*t, "ABSENT_HEADER"));
}

TEST_F(RegexpRulesTest, BodyClasses) {
  auto t = run({
      {"ALL_HEADER", "/^X-Mailer: BulkBlaster/m{all_header}"},
      {"MIME_DECODED", "/m\\x{f6}ney/u{mime}"},  // QP decoded, charset converted
      {"MIME_HTML_TEXT", "/Click here/{mime}"},  // HTML turned to text
      {"MIME_NOT_RAW", "/m=C3=B6ney/{mime}"},
      {"RAW_MIME", "/m=C3=B6ney/{raw_mime}"},
      {"BODY", "/^--B--/m{body}"},
      {"BODY_NO_HEADERS", "/^X-Mailer/m{body}"},
      {"MESSAGE", "/^From: Taro.*X-Mailer: Bulk.*--B--/s{message}"},  // headers and body
      {"URL", "/pay\\.example\\.org\\/now/{url}"},
      {"EMAIL", "/^billing@example\\.org$/{email}"},
      {"EXISTS", "header_exists(X-Mailer)"},
      {"EXISTS_NOT", "header_exists('X-Spam-Flag')"},
  });
  ASSERT_NE(t, nullptr);
  for (const char* sym : {"ALL_HEADER", "MIME_DECODED", "MIME_HTML_TEXT", "RAW_MIME", "BODY",
                          "MESSAGE", "URL", "EMAIL", "EXISTS"}) {
    EXPECT_TRUE(has_symbol(*t, sym)) << sym;
  }
  for (const char* sym : {"MIME_NOT_RAW", "BODY_NO_HEADERS", "EXISTS_NOT"}) {
    EXPECT_FALSE(has_symbol(*t, sym)) << sym;
  }
}

TEST_F(RegexpRulesTest, ExpressionsCombineAtoms) {
  auto t = run({
      {"AND", "Subject=/Invoice/ & X-Mailer=/Bulk/"},
      {"AND_NOT", "Subject=/Invoice/ & !X-Mailer=/Bulk/"},
      {"OR", "Subject=/nothing/ | /here/{mime}"},
      {"SUM", "Subject=/Invoice/ + X-Mailer=/Bulk/ + /absent/{body} >= 2"},
      {"SUM_HIGH", "Subject=/Invoice/ + X-Mailer=/Bulk/ + /absent/{body} > 2"},
  });
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(symbol_names(*t), (std::vector<std::string>{"AND", "OR", "SUM"}));
}

TEST_F(RegexpRulesTest, ClassesAreBatchedAndPatternsShared) {
  ASSERT_NE(run({
                {"R1", "Subject=/a/ & Subject=/b/"},
                {"R2", "subject=/a/ | From=/c/"},  // same class (header names fold), same /a/
                {"R3", "/x/{mime} & /y/{body}"},
                {"R4", "Subject=/a/{raw_header}"},  // raw header: a class of its own
            }),
            nullptr);
  const RegexpRules& rr = *h_.engine().regexp_rules;
  EXPECT_EQ(rr.rule_count(), 4u);
  // header:subject (a, b), header:from (c), mime (x), body (y), raw_header:subject (a).
  EXPECT_EQ(rr.class_count(), 5u);
  EXPECT_EQ(rr.pattern_count(), 6u);
  EXPECT_EQ(rr.classes_from_cache(), 0u);  // no cache directory configured
}

TEST_F(RegexpRulesTest, EvaluateGivesTheExpressionValue) {
  auto t = run({{"SUM", "Subject=/Invoice/ + X-Mailer=/Bulk/ + /absent/{body}"}});
  ASSERT_NE(t, nullptr);
  EXPECT_DOUBLE_EQ(h_.engine().regexp_rules->evaluate(*t, 0), 2.0);
}

TEST(RegexpRulesSyntax, BadRulesAreRefusedWithTheReason) {
  struct Case {
    const char* expr;
    const char* says;
  } cases[] = {
      {"Subject", "has no /regexp/"},
      {"Subject:/x/", "bad atom"},
      {"/x/{frobnicate}", "unknown regexp type {frobnicate}"},
      {"/x/", "needs a type"},
      {"/x/{header}", "needs Header="},
      {"header_exists()", "needs a header name"},
      {"Subject=/a/ &", ""},
  };
  for (const auto& c : cases) {
    RegexpRules rr;
    auto r = rr.add_rule("BAD", c.expr);
    ASSERT_FALSE(r) << c.expr;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos)
        << c.expr << ": " << r.error().message;
  }
}

TEST_F(RegexpRulesTest, AnUncompilableRegexpDisablesOnlyItsRule) {
  // add_rule() takes it (syntax is checked by the engines at build); neither engine can
  // compile it, so its atom never matches while the class's other patterns still work.
  auto t = run({{"BROKEN", "Subject=/(/"}, {"FINE", "Subject=/Invoice/"}});
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(has_symbol(*t, "BROKEN"));
  EXPECT_TRUE(has_symbol(*t, "FINE"));
}

TEST(RegexpRulesSyntax, NoRulesAfterBuild) {
  RegexpRules rr;
  ASSERT_TRUE(rr.add_rule("A", "Subject=/a/"));
  core::Logger logger(core::LogLevel::kSilent);
  ASSERT_TRUE(rr.build(match::MatchOptions{}, logger));
  EXPECT_FALSE(rr.add_rule("B", "Subject=/b/"));
}

constexpr const char* kPlainMessage =
    "From: a@example.com\r\nTo: b@example.net\r\nSubject: hello there\r\n"
    "List-Id: <users.lists.example.org>\r\nX-Mailer: Mailer/1.0 (no / slash!)\r\n"
    "Message-ID: <m1@example.com>\r\n\r\nThe garden club meets on Thursday.\r\n";

TEST_F(RegexpRulesTest, RulesWithoutMatchesStayOff) {
  auto t = run({{"SUM", "/viagra/i{mime} + /cialis/i{mime} >= 1"},
                {"OR", "/lottery/i{mime} | Subject=/winner/i{header}"},
                {"AND", "/garden/i{mime} & /lottery/i{mime}"}},
              kPlainMessage);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->outcome().has_symbol("SUM"));
  EXPECT_FALSE(t->outcome().has_symbol("OR"));
  EXPECT_FALSE(t->outcome().has_symbol("AND"));
}

TEST_F(RegexpRulesTest, NegationsAndUpperBoundsHoldWithoutMatches) {
  auto t = run({{"NOT_LOTTERY", "!/lottery/i{mime}"},
                {"NOT_WORD", "not /lottery/i{mime}"},
                {"FEWER", "/viagra/i{mime} + /cialis/i{mime} < 1"},
                {"NO_HEADER", "!header_exists(X-Spam-Flag)"}},
              kPlainMessage);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->outcome().has_symbol("NOT_LOTTERY"));
  EXPECT_TRUE(t->outcome().has_symbol("NOT_WORD"));
  EXPECT_TRUE(t->outcome().has_symbol("FEWER"));
  EXPECT_TRUE(t->outcome().has_symbol("NO_HEADER"));
}

TEST_F(RegexpRulesTest, SlashesAndBangsInsideRegexpsAreNotOperators) {
  // The '!' and '/' inside the regexp are text, the one outside is a negation.
  auto t = run({{"BANG_INSIDE", "X-Mailer=/no \\/ slash!/{header}"},
                {"BANG_OUTSIDE", "!X-Mailer=/no \\/ slash!/{header} | /garden/i{mime}"}},
              kPlainMessage);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->outcome().has_symbol("BANG_INSIDE"));
  EXPECT_TRUE(t->outcome().has_symbol("BANG_OUTSIDE"));
}

TEST_F(RegexpRulesTest, HeaderExistsIgnoresCase) {
  auto t = run({{"LIST", "header_exists(list-id) & header_exists(MESSAGE-ID)"},
                {"NOT_THERE", "header_exists(X-Not-There)"}},
              kPlainMessage);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->outcome().has_symbol("LIST"));
  EXPECT_FALSE(t->outcome().has_symbol("NOT_THERE"));
}

TEST_F(RegexpRulesTest, CountsNeedEnoughMatches) {
  auto t = run({{"TWO", "/garden/i{mime} + /thursday/i{mime} >= 2"},
                {"THREE", "/garden/i{mime} + /thursday/i{mime} + /lottery/i{mime} >= 3"}},
              kPlainMessage);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->outcome().has_symbol("TWO"));
  EXPECT_FALSE(t->outcome().has_symbol("THREE"));
}

}  // namespace
}  // namespace mw::scan
