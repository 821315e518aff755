#include "proto/http/legacy.h"

#include <charconv>
#include <cmath>

namespace mw::proto::http {

namespace {

void append_score(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0;
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

const char* status_line_prefix(Protocol p) {
  return p == Protocol::kSpamc ? "SPAMD/1.1" : "RSPAMD/1.3";
}

int exit_code_for(int http_status) {
  switch (http_status) {
    case 404: return 64;  // EX_USAGE: unknown command
    case 408: return 79;  // EX_TIMEOUT (SpamAssassin's)
    case 413: return 98;  // EX_TOOBIG (SpamAssassin's)
    case 503: return 75;  // EX_TEMPFAIL
    default: return http_status >= 500 ? 70 : 76;  // EX_SOFTWARE / EX_PROTOCOL
  }
}

std::string rspamc_reply(const LegacyResult& r) {
  std::string out = "RSPAMD/1.3 0 EX_OK\r\nMetric: default; ";
  out.append(r.is_spam ? "True; " : "False; ");
  append_score(out, r.score);
  out.append(" / ");
  append_score(out, r.required_score);
  out.append(" / 0.0\r\nAction: ");
  append_line_text(out, r.action);
  out.append("\r\n");
  for (const auto& s : r.symbols) {
    out.append("Symbol: ");
    append_line_text(out, s.name);
    out.push_back('(');
    append_score(out, s.score);
    out.append(")\r\n");
  }
  for (const auto& s : r.symbols) {
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
  if (!r.subject.empty()) {
    out.append("Subject: ");
    append_line_text(out, r.subject);
    out.append("\r\n");
  }
  for (const auto& m : r.messages) {
    out.append("Message: ");
    append_line_text(out, m);
    out.append("\r\n");
  }
  if (!r.message_id.empty()) {
    out.append("Message-ID: ");
    append_line_text(out, r.message_id);
    out.append("\r\n");
  }
  for (const auto& h : r.milter_add) {
    out.append("X-Milter-Add: ");
    append_line_text(out, h.name);
    out.append(": ");
    append_folded(out, h.value);
    out.append("\r\n");
  }
  for (const auto& h : r.milter_remove) {
    out.append("X-Milter-Del: ");
    append_line_text(out, h.name);
    if (h.index != 0) {
      out.push_back('[');
      out.append(std::to_string(h.index));
      out.push_back(']');
    }
    out.append("\r\n");
  }
  return out;
}

std::string spamc_reply(const LegacyResult& r) {
  std::string body;
  for (size_t i = 0; i < r.symbols.size(); ++i) {
    if (i > 0) body.push_back(',');
    for (char c : r.symbols[i].name) {
      // A name cannot break the list or the line.
      body.push_back((c == ',' || c == '\r' || c == '\n' || c == '\0') ? '_' : c);
    }
  }
  if (!body.empty()) body.append("\r\n");
  std::string out = "SPAMD/1.1 0 EX_OK\r\nContent-length: ";
  out.append(std::to_string(body.size()));
  out.append("\r\nSpam: ");
  out.append(r.is_spam ? "True ; " : "False ; ");
  append_score(out, r.score);
  out.append(" / ");
  append_score(out, r.required_score);
  out.append("\r\n");
  for (const auto& h : r.milter_add) {
    out.append("X-Milter-Add: ");
    append_line_text(out, h.name);
    out.append(": ");
    append_folded(out, h.value);
    out.append("\r\n");
  }
  for (const auto& h : r.milter_remove) {
    out.append("X-Milter-Del: ");
    append_line_text(out, h.name);
    if (h.index != 0) out.append("[" + std::to_string(h.index) + "]");
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
  return out;
}

}  // namespace

std::string format_legacy_reply(Protocol protocol, const LegacyResult& result) {
  return protocol == Protocol::kSpamc ? spamc_reply(result) : rspamc_reply(result);
}

std::string format_legacy_error(Protocol protocol, int http_status, std::string_view message) {
  std::string out = status_line_prefix(protocol);
  out.push_back(' ');
  out.append(std::to_string(exit_code_for(http_status)));
  out.push_back(' ');
  append_line_text(out, message.empty() ? reason_phrase(http_status) : message);
  out.append("\r\n");
  return out;
}

std::string format_legacy_pong(Protocol protocol) {
  return protocol == Protocol::kSpamc ? "SPAMD/1.5 0 PONG\r\n" : "RSPAMD/1.3 0 PONG\r\n";
}

Response legacy_response(std::string text) {
  Response r;
  r.raw = true;
  r.close = true;
  r.content_type.clear();
  r.body = std::move(text);
  return r;
}

}  // namespace mw::proto::http
