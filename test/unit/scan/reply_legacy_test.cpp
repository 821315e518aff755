// The RSPAMC and SPAMC line replies (scan/reply.h) rendered from constructed Verdicts: the
// exact text, what Exim parses, spamc's Content-length, no line injection, locale-free
// numbers.
#include <gtest/gtest.h>

#include <clocale>
#include <cstdio>

#include "scan/reply.h"

namespace mw::scan {
namespace {

VerdictSymbol sym(std::string name, double score, std::string description,
                  std::vector<std::string> options) {
  return {std::move(name), score, score, std::move(description), std::move(options)};
}

Verdict sample() {
  Verdict r;
  r.action = Action::kReject;
  r.score = 16.5;
  r.required_score = 15;
  r.symbols.push_back(sym("BAYES_SPAM", 5.1, "Message probably spam", {"99.99%"}));
  r.symbols.push_back(sym("R_SPF_FAIL", 1, "", {"-all", "ip4:192.0.2.0/24"}));
  r.symbols.push_back(sym("MIME_GOOD", -0.1, "Known content-type", {}));
  r.message_id = "<abc@example.org>";
  r.smtp_message = "Spam message rejected";
  r.additions.milter.add_headers.push_back(
      {"X-Spamd-Result", "default: True [16.50 / 15.00];\r\n\tBAYES_SPAM(5.10)", {}});
  r.additions.milter.remove_headers.push_back({"X-Spam", 0});
  r.additions.milter.remove_headers.push_back({"X-Virus", 2});
  return r;
}

TEST(LegacyReply, RspamcReplyFormat) {
  std::string text = rspamc_reply(sample());
  EXPECT_EQ(text,
            "RSPAMD/1.3 0 EX_OK\r\n"
            "Metric: default; True; 16.50 / 15.00 / 0.0\r\n"
            "Action: reject\r\n"
            "Symbol: BAYES_SPAM(5.10)\r\n"
            "Symbol: R_SPF_FAIL(1.00)\r\n"
            "Symbol: MIME_GOOD(-0.10)\r\n"
            "X-Symbol: BAYES_SPAM(5.10); Message probably spam [99.99%]\r\n"
            "X-Symbol: R_SPF_FAIL(1.00) [-all, ip4:192.0.2.0/24]\r\n"
            "X-Symbol: MIME_GOOD(-0.10); Known content-type\r\n"
            "Message: Spam message rejected\r\n"
            "Message-ID: <abc@example.org>\r\n"
            "X-Milter-Add: X-Spamd-Result: default: True [16.50 / 15.00];\r\n\tBAYES_SPAM(5.10)\r\n"
            "X-Milter-Del: X-Spam\r\n"
            "X-Milter-Del: X-Virus[2]\r\n");
}

TEST(LegacyReply, EximCanParseTheRspamcReply) {
  // Exim's spam.c (variant=rspamd) parses the reply with exactly this format.
  std::string text = rspamc_reply(sample());
  char version[8] = {0};
  char short_result[8] = {0};
  double score = 0, threshold = 0, reject = 0;
  int offset = 0;
  int n = std::sscanf(text.c_str(),
                      "RSPAMD/%7s 0 EX_OK\r\nMetric: default; %7s %lf / %lf / %lf\r\n%n",
                      version, short_result, &score, &threshold, &reject, &offset);
  ASSERT_EQ(n, 5);
  EXPECT_STREQ(version, "1.3");
  EXPECT_STREQ(short_result, "True;");
  EXPECT_DOUBLE_EQ(score, 16.5);
  EXPECT_DOUBLE_EQ(threshold, 15.0);
  EXPECT_EQ(text.compare(static_cast<size_t>(offset), 8, "Action: "), 0);
}

TEST(LegacyReply, SpamcReplyFormatAndLength) {
  Verdict r = sample();
  r.additions.milter = MilterBlock{};
  std::string text = spamc_reply(r);
  EXPECT_EQ(text,
            "SPAMD/1.1 0 EX_OK\r\n"
            "Content-length: 33\r\n"
            "Spam: True ; 16.50 / 15.00\r\n"
            "\r\n"
            "BAYES_SPAM,R_SPF_FAIL,MIME_GOOD\r\n");
  size_t eoh = text.find("\r\n\r\n");
  ASSERT_NE(eoh, std::string::npos);
  EXPECT_EQ(text.size() - (eoh + 4), 33u);
  Verdict ham;
  ham.score = 0.5;
  ham.required_score = 15;
  EXPECT_EQ(spamc_reply(ham),
            "SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: False ; 0.50 / 15.00\r\n\r\n");
}

TEST(LegacyReply, LineBreaksCannotInjectLines) {
  Verdict r;
  r.custom_action = "no action\r\nAction: reject";
  r.symbols.push_back(sym("A\r\nSymbol: FAKE(100.00)", 1, "d\ne", {"o\r\np"}));
  r.subject = "hi\r\nX: y";
  r.additions.milter.add_headers.push_back({"X-H", "line1\nline2", {}});
  std::string text = rspamc_reply(r);
  size_t lines = 0;
  size_t pos = 0;
  while ((pos = text.find("\r\n", pos)) != std::string::npos) {
    pos += 2;
    if (pos < text.size()) {
      // Every line starts with a known field name or is a folded continuation.
      std::string_view rest = std::string_view(text).substr(pos);
      bool known = rest.rfind("Metric: ", 0) == 0 || rest.rfind("Action: ", 0) == 0 ||
                   rest.rfind("Symbol: ", 0) == 0 || rest.rfind("X-Symbol: ", 0) == 0 ||
                   rest.rfind("Subject: ", 0) == 0 || rest.rfind("X-Milter-Add: ", 0) == 0 ||
                   rest.front() == '\t' || rest.front() == ' ';
      EXPECT_TRUE(known) << rest.substr(0, 20);
    }
    ++lines;
  }
  EXPECT_EQ(text.find("\r\nSymbol: FAKE"), std::string::npos);
  EXPECT_EQ(text.find("\r\nAction: reject"), std::string::npos);
  EXPECT_NE(text.find("X-Milter-Add: X-H: line1\r\n\tline2\r\n"), std::string::npos);
  EXPECT_GT(lines, 5u);
}

TEST(LegacyReply, ScoresIgnoreTheCLocale) {
  const char* old = std::setlocale(LC_NUMERIC, nullptr);
  std::string saved = old ? old : "C";
  if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") == nullptr) {
    std::setlocale(LC_NUMERIC, "C");
  }
  Verdict r;
  r.score = 1.25;
  r.required_score = 15;
  std::string text = rspamc_reply(r);
  std::setlocale(LC_NUMERIC, saved.c_str());
  EXPECT_NE(text.find("False; 1.25 / 15.00 / 0.0"), std::string::npos) << text;
}

}  // namespace
}  // namespace mw::scan
