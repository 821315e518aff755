// The RSPAMC and SPAMC line replies (reply.h), rendered from a Verdict.
#include <charconv>
#include <cmath>

#include "scan/reply.h"

namespace mw::scan {

namespace {

void append_score(std::string& out, double v) {
  v = round_score(v);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  out.append(buf, r.ec == std::errc() ? static_cast<size_t>(r.ptr - buf) : 0);
}

// One-line text: line breaks and NULs become spaces.
void append_line_text(std::string& out, std::string_view s) {
  for (char c : s) out.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
}

// A header value that may be folded: every line break becomes CRLF and is followed by
// whitespace, so that the continuation cannot be read as a line of its own.
void append_folded(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\0') {
      out.push_back(' ');
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out.append("\r\n");
      bool next_ws = i + 1 < s.size() && (s[i + 1] == ' ' || s[i + 1] == '\t');
      if (!next_ws) out.push_back('\t');
    } else {
      out.push_back(c);
    }
  }
}

// X-Milter-Add and X-Milter-Del lines of the milter block.
void append_milter_lines(std::string& out, const MilterBlock& m) {
  for (const auto& h : m.add_headers) {
    out.append("X-Milter-Add: ");
    append_line_text(out, h.name);
    out.append(": ");
    append_folded(out, h.value);
    out.append("\r\n");
  }
  for (const auto& h : m.remove_headers) {
    out.append("X-Milter-Del: ");
    append_line_text(out, h.name);
    if (h.index != 0) out.append("[" + std::to_string(h.index) + "]");
    out.append("\r\n");
  }
}

// "score / required" of the Metric and Spam lines.
void append_scores(std::string& out, const Verdict& v) {
  append_score(out, v.score);
  out.append(" / ");
  append_score(out, v.required_score);
}

bool is_reject(const Verdict& v) { return v.custom_action.empty() && v.action == Action::kReject; }

}  // namespace

std::string rspamc_reply(const Verdict& v) {
  std::string out = "RSPAMD/1.3 0 EX_OK\r\nMetric: default; ";
  out.append(is_reject(v) ? "True; " : "False; ");
  append_scores(out, v);
  out.append(" / 0.0\r\nAction: ");
  append_line_text(out, v.action_name());
  out.append("\r\n");
  for (const auto& s : v.symbols) {
    out.append("Symbol: ");
    append_line_text(out, s.name);
    out.push_back('(');
    append_score(out, s.score);
    out.append(")\r\n");
  }
  for (const auto& s : v.symbols) {
    out.append("X-Symbol: ");
    append_line_text(out, s.name);
    out.push_back('(');
    append_score(out, s.score);
    out.push_back(')');
    if (!s.description.empty()) {
      out.append("; ");
      append_line_text(out, s.description);
    }
    if (!s.options.empty()) {
      out.append(" [");
      for (size_t i = 0; i < s.options.size(); ++i) {
        if (i > 0) out.append(", ");
        append_line_text(out, s.options[i]);
      }
      out.push_back(']');
    }
    out.append("\r\n");
  }
  if (!v.subject.empty()) {
    out.append("Subject: ");
    append_line_text(out, v.subject);
    out.append("\r\n");
  }
  if (!v.smtp_message.empty()) {
    out.append("Message: ");
    append_line_text(out, v.smtp_message);
    out.append("\r\n");
  }
  if (!v.message_id.empty()) {
    out.append("Message-ID: ");
    append_line_text(out, v.message_id);
    out.append("\r\n");
  }
  append_milter_lines(out, v.additions.milter);
  return out;
}

std::string spamc_reply(const Verdict& v) {
  std::string body;
  for (size_t i = 0; i < v.symbols.size(); ++i) {
    if (i > 0) body.push_back(',');
    for (char c : v.symbols[i].name) {
      // A name cannot break the list or the line.
      body.push_back((c == ',' || c == '\r' || c == '\n' || c == '\0') ? '_' : c);
    }
  }
  if (!body.empty()) body.append("\r\n");
  std::string out = "SPAMD/1.1 0 EX_OK\r\nContent-length: ";
  out.append(std::to_string(body.size()));
  out.append("\r\nSpam: ");
  out.append(is_reject(v) ? "True ; " : "False ; ");
  append_scores(out, v);
  out.append("\r\n");
  append_milter_lines(out, v.additions.milter);
  out.append("\r\n");
  out.append(body);
  return out;
}

}  // namespace mw::scan
