#include "outbound/credential_scan.h"

#include <algorithm>
#include <string>
#include <vector>

#include "match/scratch.h"
#include "mime/charset.h"
#include "outbound/outbound.h"
#include "scan/task.h"

namespace mw::outbound {

namespace {

// The candidate class. Broad on purpose: it only spares the verifier the texts that cannot
// hold a record (no password label, no SMTP port or mechanism, no address or host next to a
// delimiter, no host:port, no smtp:// userinfo). Non-ASCII labels are plain UTF-8 bytes.
struct CandidatePattern {
  const char* source;
  uint32_t flags;
};
constexpr CandidatePattern kCandidates[] = {
    // smtp://user:pass@host (and smtps, submission)
    {R"((?:smtps?|submission)://[^\s/@]+@)", match::kCaseless},
    // password labels (every language of credential_labels.cpp) and JSON/config keys
    {R"(pass|pwd|\bpw\b|\bpsw|kennwort|mot\s+de\s+passe|\bmdp\b|contrase|\bclave\b|senha|secret)",
     match::kCaseless},
    {"\xE3\x83\x91\xE3\x82\xB9\xE3\x83\xAF\xE3\x83\xBC\xE3\x83\x89|"  // パスワード
     "\xE6\x9A\x97\xE8\xA8\xBC\xE7\x95\xAA\xE5\x8F\xB7|"               // 暗証番号
     "\xD0\xBF\xD0\xB0\xD1\x80\xD0\xBE\xD0\xBB\xD1\x8C|"               // пароль
     "\xD0\x9F\xD0\xB0\xD1\x80\xD0\xBE\xD0\xBB\xD1\x8C|"               // Пароль
     "\xD0\x9F\xD0\x90\xD0\xA0\xD0\x9E\xD0\x9B\xD0\xAC|"               // ПАРОЛЬ
     "\xE5\xAF\x86\xE7\xA0\x81|\xE5\xAF\x86\xE7\xA2\xBC|"              // 密码 密碼
     "\xE5\x8F\xA3\xE4\xBB\xA4|"                                       // 口令
     "\xEB\xB9\x84\xEB\xB0\x80\xEB\xB2\x88\xED\x98\xB8",               // 비밀번호
     0},
    // an SMTP submission port standing as a field
    {R"((?:^|[^0-9A-Za-z.])(?:25|26|465|587|2525|2526|8025)(?:[^0-9A-Za-z.]|$))", match::kMultiline},
    // an AUTH mechanism as a word
    {R"(\b(?:LOGIN|PLAIN|CRAM-MD5|DIGEST-MD5|XOAUTH2?|OAUTHBEARER|NTLM|GSSAPI|SCRAM-SHA-(?:1|256))\b)",
     match::kCaseless},
    // an address next to a delimiter
    {R"([A-Za-z0-9._%+-]@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[ \t]*[;|,:/\t ][ \t]*\S)", 0},
    {R"([;|,:/\t][ \t]*[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.)", 0},
    // a host name next to a delimiter, host:port
    {R"([A-Za-z0-9-]+\.[A-Za-z0-9.-]*[A-Za-z]{2}[ \t]*[;|,\t][ \t]*\S)", 0},
    {R"([;|,\t][ \t]*[A-Za-z0-9-]+\.[A-Za-z0-9.-]*\.[A-Za-z]{2})", 0},
    {R"([A-Za-z0-9-]+\.[A-Za-z0-9.-]*[A-Za-z]:[0-9]{2,5}\b)", 0},
};

bool has_suffix(std::string_view name, std::string_view ext) {
  if (name.size() < ext.size()) return false;
  std::string_view tail = name.substr(name.size() - ext.size());
  for (size_t i = 0; i < ext.size(); ++i) {
    char c = tail[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != ext[i]) return false;
  }
  return true;
}

bool text_attachment(const mime::Part& p) {
  if (p.is_multipart || p.is_message || p.is_text) return false;
  if (!p.is_attachment) return false;
  if (p.content_type.type == "text") return true;
  for (std::string_view ext : {".txt", ".csv", ".log", ".json", ".ini", ".cfg", ".conf", ".yml",
                               ".yaml", ".properties", ".env"}) {
    if (has_suffix(p.filename, ext)) return true;
  }
  return false;
}

// The first `bytes` of `text`, cut after the last whole line (or on a UTF-8 boundary).
std::string_view head(std::string_view text, size_t bytes) {
  if (text.size() <= bytes) return text;
  std::string_view h = text.substr(0, bytes);
  size_t nl = h.rfind('\n');
  if (nl != std::string_view::npos && nl > bytes / 2) return h.substr(0, nl + 1);
  size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

Result<std::unique_ptr<const CandidateFilter>> CandidateFilter::build(
    const match::MatchOptions& options, core::Logger& logger) {
  std::vector<match::Pattern> patterns;
  for (const auto& c : kCandidates) patterns.push_back(match::Pattern{c.source, c.flags});
  match::Compiler compiler(options, logger);
  auto set = compiler.build("outbound:credentials", std::move(patterns));
  if (!set) return fail(set.error());
  auto filter = std::unique_ptr<CandidateFilter>(new CandidateFilter());
  filter->set_ = std::move(*set);
  return std::unique_ptr<const CandidateFilter>(std::move(filter));
}

bool CandidateFilter::candidate(std::string_view text, match::Scratch& scratch) const {
  match::MatchSet hits = set_->make_match_set();
  if (!set_->scan(text, scratch, hits)) return true;
  return hits.any();
}

CredentialFindings scan_message(scan::Task& task, const Settings& settings) {
  CredentialFindings none;
  if (!task.has_message()) return none;
  const ContentOptions& o = settings.content;
  const mime::Message& m = task.message();
  std::vector<TextSource> sources;
  std::vector<std::string> converted;  // attachment texts converted to UTF-8
  converted.reserve(o.max_sources);
  if (!m.subject.empty()) sources.push_back({m.subject, "subject", true});
  for (const auto& tp : m.text_parts) {
    if (sources.size() >= o.max_sources) break;
    if (tp.text.empty()) continue;
    sources.push_back({head(tp.text, o.part_bytes), tp.is_html ? "html" : "text", false});
  }
  for (const mime::Part* p : m.parts) {
    if (sources.size() >= o.max_sources) break;
    if (!text_attachment(*p) || p->decoded.empty() || p->decoded.size() > o.attachment_bytes) {
      continue;
    }
    std::string_view bytes = p->decoded;
    if (!mime::is_valid_utf8(bytes)) {
      mime::CharsetConverter conv;
      std::string out;
      conv.to_utf8_append(out, bytes, p->content_type.charset);
      converted.push_back(std::move(out));
      bytes = converted.back();
    }
    sources.push_back({head(bytes, o.part_bytes), "attachment", false});
  }
  // Only the texts with a candidate go to the verifier.
  std::vector<TextSource> chosen;
  if (settings.candidates != nullptr) {
    match::Scratch& scratch = task.services().scratch(task.engine().options.match);
    for (const auto& s : sources) {
      if (settings.candidates->candidate(s.text, scratch)) chosen.push_back(s);
    }
  } else {
    chosen = sources;
  }
  if (chosen.empty()) return none;
  SenderIdentity sender{task.envelope().user, task.envelope().from, task.envelope().rcpts};
  CredentialFindings found = find_credentials(chosen, sender, o.limits);
  for (const auto& r : found.records) {
    std::string mask = mask_secret(r.secret);
    for (const auto& form : r.secret_forms) task.add_secret(form, mask);
  }
  return found;
}

}  // namespace mw::outbound
