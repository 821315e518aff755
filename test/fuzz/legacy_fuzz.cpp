// Fuzz target: the legacy line protocol (Exim's `CHECK RSPAMC/1.3`, spamc's
// `SYMBOLS SPAMC/1.5`) through the request parser, and the legacy reply writers
// (scan/reply.h, from a Verdict) fed with what a request carried. Checks: no crash/hang/overread, the body never exceeds its
// limit, and the reply text keeps its line structure whatever the symbol names, options
// and messages hold (no injected lines, CRLF everywhere, a correct spamd Content-length).
// Input: the first byte picks a first line (or none: raw bytes) and the piece size.
// Seeds: test/fuzz/corpus/legacy/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/http/legacy.h"
#include "proto/http/parser.h"
#include "scan/reply.h"

namespace {

using namespace mw::proto::http;  // NOLINT

constexpr std::string_view kFirstLines[] = {
    "CHECK RSPAMC/1.3\r\n", "SYMBOLS RSPAMC/1.3\r\n", "CHECK SPAMC/1.5\r\n",
    "SYMBOLS SPAMC/1.2\r\n", "PING SPAMC/1.5\r\n",    "REPORT_IFSPAM RSPAMC/1.3\r\n",
    "PROCESS SPAMC/1.4\r\n", "",
};

// SPAMD PROCESS/HEADERS: the message keeps its own line endings; the head is checked.
void check_spamd_rewrite(const std::string& text, int version_minor) {
  if (text.rfind("SPAMD/1.1 0 EX_OK\r\nSpam: ", 0) != 0) __builtin_trap();
  size_t eoh = text.find("\r\n\r\n");
  if (eoh == std::string::npos) __builtin_trap();
  size_t cl = text.find("\r\nContent-length: ");
  if ((version_minor >= 3) != (cl != std::string::npos && cl < eoh)) __builtin_trap();
  if (cl != std::string::npos && cl < eoh &&
      std::stoul(text.substr(cl + 18)) != text.size() - eoh - 4) {
    __builtin_trap();
  }
}

void check_reply(const std::string& text, Protocol protocol, int version_minor = 5) {
  // Every line ends with CRLF; no bare CR or LF.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) __builtin_trap();
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) __builtin_trap();
  }
  if (protocol == Protocol::kSpamc) {  // the SYMBOLS list of 1.3+ has no line end
    check_spamd_rewrite(text, version_minor);
    return;
  }
  if (text.size() < 2 || text.substr(text.size() - 2) != "\r\n") __builtin_trap();
  // RSPAMC: the Exim-parsed prefix, then only known fields or folded continuations.
  if (text.rfind("RSPAMD/1.3 0 EX_OK\r\nMetric: default; ", 0) != 0) __builtin_trap();
  size_t pos = text.find("\r\n") + 2;
  while (pos < text.size()) {
    std::string_view line(text.data() + pos, text.find("\r\n", pos) - pos);
    static constexpr std::string_view kFields[] = {"Metric: ", "Action: ", "Symbol: ",
                                                   "Subject: ", "Message: ", "Message-ID: "};
    bool ok = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    for (auto f : kFields) ok = ok || line.rfind(f, 0) == 0;
    if (!ok) __builtin_trap();
    pos += line.size() + 2;
  }
}

void reply_for(const Request& r) {
  mw::scan::Verdict v;
  if (const std::string* a = r.header("Action")) v.custom_action = *a;
  if (r.body.size() % 2 == 0) v.action = mw::scan::Action::kReject;
  v.score = static_cast<double>(r.body.size()) / 7.0;
  v.required_score = 15;
  for (const auto& f : r.headers) {
    mw::scan::VerdictSymbol s;
    s.name = f.name;
    s.score = -static_cast<double>(f.value.size());
    s.description = f.value;
    s.options.push_back(r.body.substr(0, 64));
    s.options.push_back(f.value);
    v.symbols.push_back(std::move(s));
    v.additions.milter.add_headers.push_back({f.name, f.value + "\n" + r.body.substr(0, 32), {}});
    v.additions.milter.remove_headers.push_back(
        {f.value, static_cast<int64_t>(f.value.size()) - 3});
  }
  v.subject = r.body.substr(0, 80);
  v.smtp_message = r.body.substr(r.body.size() / 2, 40);
  v.message_id = r.path;
  if (r.protocol == Protocol::kSpamc) {
    using mw::scan::SpamdCommand;
    SpamdCommand cmd = r.body.size() % 3 == 0   ? SpamdCommand::kSymbols
                       : r.body.size() % 3 == 1 ? SpamdCommand::kReport
                                                : SpamdCommand::kProcess;
    std::string text = mw::scan::spamd_reply(v, cmd, r.version_minor, r.body);
    if (cmd == SpamdCommand::kProcess) {
      check_spamd_rewrite(text, r.version_minor);
    } else {
      check_reply(text, r.protocol, r.version_minor);
    }
  } else {
    check_reply(mw::scan::rspamc_reply(v), r.protocol);
  }
  std::string err = format_legacy_error(r.protocol, static_cast<int>(r.body.size() % 600),
                                        r.body.substr(0, 100));
  if (err.find('\n') != err.size() - 1) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t ctl = data[0];
  std::string input(kFirstLines[ctl & 7]);
  input.append(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t stride = static_cast<size_t>(ctl >> 3) + 1;
  mw::proto::HttpLimits limits;
  limits.max_request_line = 256;
  limits.max_header_size = 4096;
  limits.max_headers = 64;
  limits.max_body_size = 1 << 15;
  RequestParser p(limits);
  std::string buf;
  for (size_t i = 0; i < input.size(); i += stride) {
    buf.append(input, i, stride);
    while (true) {
      size_t n = p.feed(buf);
      buf.erase(0, n);
      if (p.failed()) return 0;
      if (!p.complete()) break;
      Request r = p.take();
      if (r.body.size() > limits.max_body_size) __builtin_trap();
      if (r.legacy()) reply_for(r);
    }
  }
  p.finish();
  if (p.complete()) {
    Request r = p.take();
    if (r.body.size() > limits.max_body_size) __builtin_trap();
    if (r.legacy()) reply_for(r);
  }
  return 0;
}
