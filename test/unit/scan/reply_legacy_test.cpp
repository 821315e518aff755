// The RSPAMC and SPAMD line replies (scan/reply.h) rendered from constructed Verdicts: the
// exact text, what Exim parses (both protocols), spamc's Content-length, PROCESS/HEADERS
// rewriting, no line injection, locale-free numbers.
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
  // As Rspamd: no X-Symbol or X-Milter lines (Exim copies everything after the Metric line
  // into $spam_report, and so into users' headers).
  std::string text = rspamc_reply(sample());
  EXPECT_EQ(text,
            "RSPAMD/1.3 0 EX_OK\r\n"
            "Metric: default; True; 16.50 / 15.00 / 0.0\r\n"
            "Action: reject\r\n"
            "Symbol: BAYES_SPAM(5.10)\r\n"
            "Symbol: R_SPF_FAIL(1.00)\r\n"
            "Symbol: MIME_GOOD(-0.10)\r\n"
            "Message: Spam message rejected\r\n"
            "Message-ID: <abc@example.org>\r\n");
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

TEST(LegacyReply, SpamdSymbolsReply) {
  Verdict r = sample();
  std::string text = spamd_reply(r, SpamdCommand::kSymbols, 5, "");
  EXPECT_EQ(text,
            "SPAMD/1.1 0 EX_OK\r\n"
            "Spam: True ; 16.50 / 15.00\r\n"
            "Content-length: 31\r\n"
            "\r\n"
            "BAYES_SPAM,R_SPF_FAIL,MIME_GOOD");
  Verdict ham;
  ham.score = 0.5;
  ham.required_score = 15;
  EXPECT_EQ(spamd_reply(ham, SpamdCommand::kCheck, 5, ""),
            "SPAMD/1.1 0 EX_OK\r\nSpam: False ; 0.50 / 15.00\r\n\r\n");
  // Protocol 1.2 and older: no Content-length; the list ends its line.
  EXPECT_EQ(spamd_reply(r, SpamdCommand::kSymbols, 2, ""),
            "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 16.50 / 15.00\r\n\r\n"
            "BAYES_SPAM,R_SPF_FAIL,MIME_GOOD\r\n");
}

TEST(LegacyReply, EximCanParseTheSpamdReport) {
  // Exim's spam.c without variant=rspamd sends REPORT SPAMC/1.2 and tries two formats; the
  // second (SpamAssassin's) needs Spam right after the status line.
  Verdict r = sample();
  std::string text = spamd_reply(r, SpamdCommand::kReport, 2, "");
  char version[8] = {0};
  double score = 0, threshold = 0;
  int offset = 0;
  int n = std::sscanf(text.c_str(), "SPAMD/%7s 0 EX_OK\r\nContent-length: %*u\r\n\r\n%lf/%lf\r\n%n",
                      version, &score, &threshold, &offset);
  EXPECT_NE(n, 3);
  n = std::sscanf(text.c_str(), "SPAMD/%7s 0 EX_OK\r\nSpam: %*s ; %lf / %lf\r\n\r\n%n", version,
                  &score, &threshold, &offset);
  ASSERT_EQ(n, 3) << text;
  EXPECT_DOUBLE_EQ(score, 16.5);
  EXPECT_DOUBLE_EQ(threshold, 15);
  std::string report = text.substr(static_cast<size_t>(offset));
  EXPECT_EQ(report.rfind("Mailward results: 16.50 points, 15.00 required, action reject", 0), 0u)
      << report;
  EXPECT_NE(report.find("  5.10 BAYES_SPAM                 Message probably spam [99.99%]\r\n"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("  1.00 R_SPF_FAIL                 [-all, ip4:192.0.2.0/24]\r\n"),
            std::string::npos);
  // REPORT_IFSPAM: no report for ham.
  Verdict ham;
  ham.required_score = 15;
  EXPECT_EQ(spamd_reply(ham, SpamdCommand::kReportIfSpam, 5, ""),
            "SPAMD/1.1 0 EX_OK\r\nSpam: False ; 0.00 / 15.00\r\nContent-length: 0\r\n\r\n");
}

TEST(LegacyReply, SpamdProcessAndHeadersRewriteTheMessage) {
  Verdict r = sample();
  r.additions.milter.remove_headers.clear();
  r.additions.milter.remove_headers.push_back({"Authentication-Results", 2});
  std::string msg =
      "X-Spam-Flag: YES\n"
      "Authentication-Results: mx.example.org; spf=pass\n"
      "Authentication-Results: forged.example; dkim=pass\n"
      "Subject: hello\n"
      " folded\n"
      "\n"
      "body line\n";
  std::string text = spamd_reply(r, SpamdCommand::kProcess, 5, msg);
  size_t eoh = text.find("\r\n\r\n");
  ASSERT_NE(eoh, std::string::npos);
  std::string body = text.substr(eoh + 4);
  EXPECT_NE(text.find("Content-length: " + std::to_string(body.size()) + "\r\n"),
            std::string::npos);
  EXPECT_EQ(body,
            "X-Spam-Flag: YES\n"
            "X-Spam-Status: Yes, score=16.50 required=15.00 action=reject "
            "tests=BAYES_SPAM,R_SPF_FAIL,MIME_GOOD\n"
            "X-Spam-Level: ****************\n"
            "X-Spamd-Result: default: True [16.50 / 15.00];\n\tBAYES_SPAM(5.10)\n"
            "Authentication-Results: mx.example.org; spf=pass\n"
            "Subject: hello\n"
            " folded\n"
            "\n"
            "body line\n");
  std::string headers = spamd_reply(r, SpamdCommand::kHeaders, 5, msg);
  std::string hbody = headers.substr(headers.find("\r\n\r\n") + 4);
  EXPECT_EQ(hbody, body.substr(0, body.find("\n\n") + 2));
  // CRLF messages keep CRLF; ham gets no X-Spam-Flag.
  Verdict ham;
  ham.required_score = 15;
  std::string crlf = spamd_reply(ham, SpamdCommand::kProcess, 5, "Subject: a\r\n\r\nb\r\n");
  EXPECT_NE(crlf.find("\r\n\r\nX-Spam-Status: No, score=0.00 required=15.00 action=no action "
                      "tests=\r\nX-Spam-Level: \r\nSubject: a\r\n\r\nb\r\n"),
            std::string::npos)
      << crlf;
}

TEST(LegacyReply, SpamdCommands) {
  EXPECT_EQ(*parse_spamd_command("report_ifspam"), SpamdCommand::kReportIfSpam);
  EXPECT_EQ(*parse_spamd_command("HEADERS"), SpamdCommand::kHeaders);
  EXPECT_FALSE(parse_spamd_command("TELL"));
  // Spam by score as well as by action (Exim and spamc compare the numbers).
  Verdict v;
  v.score = 15;
  v.required_score = 15;
  EXPECT_EQ(spamd_reply(v, SpamdCommand::kCheck, 5, "").find("Spam: True ; 15.00 / 15.00"), 19u);
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
                   rest.rfind("Symbol: ", 0) == 0 || rest.rfind("Subject: ", 0) == 0;
      EXPECT_TRUE(known) << rest.substr(0, 20);
    }
    ++lines;
  }
  EXPECT_EQ(text.find("\r\nSymbol: FAKE"), std::string::npos);
  EXPECT_EQ(text.find("\r\nAction: reject"), std::string::npos);
  EXPECT_EQ(text.find("X-Milter"), std::string::npos);
  EXPECT_GT(lines, 3u);
  // PROCESS: an added header value keeps its folding, it never starts a field of its own.
  std::string p = spamd_reply(r, SpamdCommand::kProcess, 5, "Subject: a\r\n\r\nb\r\n");
  EXPECT_NE(p.find("X-H: line1\r\n\tline2\r\n"), std::string::npos);
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
