// The RSPAMC and SPAMD line replies (reply.h), rendered from a Verdict.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "mime/headers.h"
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

// "<name>value\r\n" as one-line text, nothing when `value` is empty.
void append_optional_line(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  out.append(name);
  append_line_text(out, value);
  out.append("\r\n");
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
  append_optional_line(out, "Subject: ", v.subject);
  append_optional_line(out, "Message: ", v.smtp_message);
  append_optional_line(out, "Message-ID: ", v.message_id);
  return out;
}

namespace {

bool spamd_is_spam(const Verdict& v) {
  return is_reject(v) || v.action == Action::kDiscard || v.action == Action::kQuarantine ||
         (v.required_score > 0 && round_score(v.score) >= round_score(v.required_score));
}

// The comma-separated symbol names of SYMBOLS (a name cannot break the list or the line).
std::string symbol_list(const Verdict& v, char sep) {
  std::string out;
  for (size_t i = 0; i < v.symbols.size(); ++i) {
    if (i > 0) out.push_back(sep);
    for (char c : v.symbols[i].name) {
      out.push_back((c == ',' || c == '\r' || c == '\n' || c == '\0' || c == ' ') ? '_' : c);
    }
  }
  return out;
}

// The REPORT text: a summary line and one row per symbol (score, name, description and
// options), lines ending in `eol`.
std::string report_text(const Verdict& v, std::string_view eol) {
  std::string out = "Mailward results: ";
  append_score(out, v.score);
  out.append(" points, ");
  append_score(out, v.required_score);
  out.append(" required, action ");
  append_line_text(out, v.action_name());
  out.append(eol);
  out.append(eol);
  out.append("   pts rule name                  description").append(eol);
  out.append("------ -------------------------- ----------------------------------------");
  out.append(eol);
  for (const auto& s : v.symbols) {
    std::string pts;
    append_score(pts, s.score);
    if (pts.size() < 6) out.append(6 - pts.size(), ' ');
    out.append(pts).push_back(' ');
    std::string name;
    append_line_text(name, s.name);
    out.append(name);
    if (name.size() < 26) out.append(26 - name.size(), ' ');
    out.push_back(' ');
    append_line_text(out, s.description);
    if (!s.options.empty()) {
      out.append(s.description.empty() ? "[" : " [");
      for (size_t i = 0; i < s.options.size(); ++i) {
        if (i > 0) out.append(", ");
        append_line_text(out, s.options[i]);
      }
      out.push_back(']');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out.append(eol);
  }
  return out;
}

// The message (PROCESS) or its header section with the blank line (HEADERS), rewritten:
// the X-Spam-Flag/Status/Level fields it came with and the fields the milter block removes
// are dropped, ours and the milter block's additions go on top.
std::string rewrite_message(const Verdict& v, std::string_view message, bool headers_only) {
  // Every field, whatever the parser's cap (a field not listed would be lost).
  mime::Vec<mime::Header> fields;
  mime::HeaderBlock block = mime::split_header_block(
      message, 0, std::numeric_limits<uint32_t>::max(), mime::LineStop{}, fields);
  std::string_view rest = message.substr(block.end);
  bool crlf = message.find("\r\n") != std::string_view::npos &&
              message.find("\r\n") + 1 == message.find('\n');
  std::string_view eol = crlf ? "\r\n" : "\n";
  auto folded = [&](std::string_view value) {
    std::string tmp;
    append_folded(tmp, value);
    if (crlf) return tmp;
    std::string lf;
    for (char c : tmp) {
      if (c != '\r') lf.push_back(c);
    }
    return lf;
  };
  std::string out;
  bool spam = spamd_is_spam(v);
  if (spam) out.append("X-Spam-Flag: YES").append(eol);
  std::string status = spam ? "Yes, score=" : "No, score=";
  append_score(status, v.score);
  status.append(" required=");
  append_score(status, v.required_score);
  status.append(" action=");
  append_line_text(status, v.action_name());
  status.append(" tests=").append(symbol_list(v, ','));
  out.append("X-Spam-Status: ").append(status).append(eol);
  int stars = static_cast<int>(v.score < 0 ? 0 : v.score > 50 ? 50 : v.score);
  out.append("X-Spam-Level: ").append(static_cast<size_t>(stars), '*').append(eol);
  for (const auto& h : v.additions.milter.add_headers) {
    append_line_text(out, h.name);
    out.append(": ").append(folded(h.value)).append(eol);
  }
  std::vector<std::pair<std::string_view, uint32_t>> seen;  // occurrences per name so far
  for (const mime::Header& f : fields) {
    uint32_t n = 1;
    for (auto& [name, count] : seen) {
      if (core::iequals(name, f.name)) n = ++count;
    }
    if (n == 1) seen.emplace_back(f.name, 1);
    if (core::iequals(f.name, "X-Spam-Flag") || core::iequals(f.name, "X-Spam-Status") ||
        core::iequals(f.name, "X-Spam-Level")) {
      continue;
    }
    bool removed = false;
    for (const auto& r : v.additions.milter.remove_headers) {
      if (core::iequals(r.name, f.name) && (r.index == 0 || r.index == n)) removed = true;
    }
    if (!removed) out.append(f.raw_field);
  }
  if (headers_only) {
    out.append(eol);
  } else if (rest.empty()) {
    out.append(eol);
  } else {
    out.append(rest);
  }
  return out;
}

}  // namespace

Result<SpamdCommand> parse_spamd_command(std::string_view name) {
  static constexpr std::pair<std::string_view, SpamdCommand> kCommands[] = {
      {"CHECK", SpamdCommand::kCheck},     {"SYMBOLS", SpamdCommand::kSymbols},
      {"REPORT", SpamdCommand::kReport},   {"REPORT_IFSPAM", SpamdCommand::kReportIfSpam},
      {"PROCESS", SpamdCommand::kProcess}, {"HEADERS", SpamdCommand::kHeaders},
  };
  for (const auto& [n, c] : kCommands) {
    if (core::iequals(n, name)) return c;
  }
  return fail(ErrorCode::kUnsupported, "unsupported spamd command");
}

std::string spamd_reply(const Verdict& v, SpamdCommand command, int version_minor,
                        std::string_view message) {
  std::string body;
  switch (command) {
    case SpamdCommand::kCheck:
      break;
    case SpamdCommand::kSymbols:
      body = symbol_list(v, ',');
      if (version_minor < 3) body.append("\r\n");  // older clients read to the end of line
      break;
    case SpamdCommand::kReport:
      body = report_text(v, "\r\n");
      break;
    case SpamdCommand::kReportIfSpam:
      if (spamd_is_spam(v)) body = report_text(v, "\r\n");
      break;
    case SpamdCommand::kProcess:
      body = rewrite_message(v, message, false);
      break;
    case SpamdCommand::kHeaders:
      body = rewrite_message(v, message, true);
      break;
  }
  // SpamAssassin's order: Spam right after the status line (Exim parses exactly that), then
  // Content-length for clients of protocol 1.3 and later (spamc reads the body by it).
  std::string out = "SPAMD/1.1 0 EX_OK\r\nSpam: ";
  out.append(spamd_is_spam(v) ? "True ; " : "False ; ");
  append_scores(out, v);
  out.append("\r\n");
  if (command != SpamdCommand::kCheck && version_minor >= 3) {
    out.append("Content-length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
  return out;
}

}  // namespace mw::scan
