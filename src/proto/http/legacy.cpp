#include "proto/http/legacy.h"

namespace mw::proto::http {

namespace {

// One-line text: line breaks and NULs become spaces.
void append_line_text(std::string& out, std::string_view s) {
  for (char c : s) out.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
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

}  // namespace

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
