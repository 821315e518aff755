#include "outbound/credential.h"

#include <algorithm>
#include <set>

#include "outbound/credential_fields.h"
#include "outbound/credential_labels.h"
#include "outbound/credential_parse.h"

namespace mw::outbound {

namespace {

constexpr size_t kMaxMasked = 200;

// The examined lines of a source: quoted lines skipped, long lines cut, CR dropped.
std::vector<cred::Line> lines_of(const TextSource& src, const FinderLimits& limits) {
  std::vector<cred::Line> out;
  std::string_view t = src.text;
  size_t i = 0, index = 0;
  while (i < t.size() && out.size() < limits.max_lines) {
    size_t j = t.find('\n', i);
    if (j == std::string_view::npos) j = t.size();
    std::string_view line = t.substr(i, j - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t k = line.find_first_not_of(" \t");
    bool quoted = k != std::string_view::npos && line[k] == '>';
    if (line.size() > limits.max_line_bytes) line = line.substr(0, limits.max_line_bytes);
    if (!quoted && k != std::string_view::npos) out.push_back({line, index});
    ++index;
    i = j + 1;
  }
  return out;
}

// Cut to at most `n` bytes on a UTF-8 character boundary.
std::string cut_utf8(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t end = n;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s + "...";
}

std::string replace_all(std::string text, std::string_view what, std::string_view with) {
  if (what.empty()) return text;
  size_t at = 0;
  while ((at = text.find(what, at)) != std::string::npos) {
    text.replace(at, what.size(), with);
    at += with.size();
  }
  return text;
}

CredentialRecord to_record(const cred::Draft& d, const TextSource& src,
                           std::span<const cred::Line> lines, const SenderIdentity& sender) {
  CredentialRecord r;
  r.format = d.format;
  r.where = std::string(src.where);
  r.identity = d.identity;
  r.login = d.login == d.identity ? std::string() : d.login;
  r.secret = std::string(d.secret);
  r.secret_forms.push_back(r.secret);
  for (const auto& f : d.extra_forms) r.secret_forms.push_back(f);
  r.host = d.host;
  r.port = d.port;
  r.method = d.method;
  r.complete = d.complete();
  r.own = cred::is_own(d.identity, sender) || (!d.login.empty() && cred::is_own(d.login, sender));
  for (const auto& rcpt : sender.recipients) {
    SenderIdentity owner{rcpt, rcpt};
    if (!r.own && (cred::is_own(d.identity, owner) || (!d.login.empty() && cred::is_own(d.login, owner)))) {
      r.handover = true;
    }
  }
  r.onboarding = d.onboarding;
  r.config = d.config;
  r.strength = d.strength;
  std::string text;
  for (const auto& l : lines) {
    if (l.index < d.first_line || l.index > d.last_line) continue;
    std::string_view t = l.text;
    size_t b = t.find_first_not_of(" \t");
    t = b == std::string_view::npos ? std::string_view() : t.substr(b);
    if (t.empty()) continue;
    if (!text.empty()) text += " | ";
    text += t;
    if (text.size() > 4 * kMaxMasked) break;
  }
  std::string mask = mask_secret(r.secret);
  for (const auto& form : r.secret_forms) text = replace_all(std::move(text), form, mask);
  r.masked = cut_utf8(std::move(text), kMaxMasked);
  return r;
}

// Where-evidence written in the Subject ("smtp.example.jp:587 OK", "465 LOGIN works"): it
// completes an account written in the body (a user and a password without a server).
struct SubjectWhere {
  std::string host;
  uint16_t port = 0;
  std::string method;
  // A port alone is not enough ("Order 25").
  bool any() const { return !host.empty() || !method.empty(); }
};

SubjectWhere subject_where(std::string_view subject) {
  SubjectWhere w;
  size_t i = 0;
  while (i < subject.size()) {
    size_t j = subject.find_first_of(" \t;|,/", i);
    if (j == std::string_view::npos) j = subject.size();
    cred::Field f = cred::classify(subject.substr(i, j - i));
    if (f.kind == cred::Kind::kHost && w.host.empty() && !cred::is_web_or_local_host(f.text)) {
      w.host = std::string(f.text);
    } else if (f.kind == cred::Kind::kHostPort && w.host.empty() && !cred::is_other_service_port(f.port) &&
               !cred::is_web_or_local_host(f.host)) {
      w.host = std::string(f.host);
      if (cred::is_smtp_port(f.port)) w.port = f.port;
    } else if (f.kind == cred::Kind::kPort && w.port == 0) {
      w.port = f.port;
    } else if (f.kind == cred::Kind::kMethod && w.method.empty()) {
      w.method = std::string(f.text);
    }
    i = j + 1;
  }
  return w;
}

}  // namespace

std::string mask_secret(std::string_view secret) {
  size_t shown = secret.size() >= 8 ? 2 : secret.size() >= 5 ? 1 : 0;
  std::string out(secret.substr(0, shown));
  out.append(secret.size() - shown, '*');
  return out;
}

CredentialFindings find_credentials(std::span<const TextSource> sources,
                                    const SenderIdentity& sender, const FinderLimits& limits) {
  CredentialFindings out;
  SubjectWhere where;
  for (const TextSource& src : sources) {
    if (src.subject) where = subject_where(src.text);
  }
  for (const TextSource& src : sources) {
    std::vector<cred::Line> lines = lines_of(src, limits);
    std::vector<cred::Draft> drafts = cred::parse_labelled(lines);
    std::vector<cred::Draft> positional = cred::parse_vertical(lines, sender);
    for (const auto& l : lines) {
      if (auto d = cred::parse_positional(l, sender)) positional.push_back(std::move(*d));
    }
    for (auto& d : positional) {
      // Keep the better reading of a secret found twice (labelled and positional).
      auto same = std::find_if(drafts.begin(), drafts.end(), [&](const cred::Draft& x) {
        return x.secret == d.secret;
      });
      if (same == drafts.end()) drafts.push_back(std::move(d));
      else if (d.weight() > same->weight()) *same = std::move(d);
    }
    // An account in the body, the server in the Subject: one record.
    for (auto& d : drafts) {
      if (!d.account() || src.subject || !where.any()) continue;
      d.host = where.host;
      d.port = where.port;
      d.method = where.method;
      d.mail_host = true;
      d.format += "+subject";
    }
    std::erase_if(drafts, [](const cred::Draft& d) { return !d.complete() && !d.partial(); });
    std::set<size_t> record_lines;
    for (const auto& d : drafts) {
      for (size_t i = d.first_line; i <= d.last_line; ++i) record_lines.insert(i);
      if (out.records.size() < limits.max_records) {
        out.records.push_back(to_record(d, src, lines, sender));
      }
    }
    if (src.subject) continue;
    std::string body;
    for (const auto& l : lines) {
      if (!record_lines.count(l.index)) out.prose += cred::prose_units(l.text);
      body.append(l.text).push_back('\n');
    }
    if (cred::has_onboarding_phrase(body)) out.onboarding_text = true;
  }
  // Complete records first, then the Subject's, then the stronger secret.
  std::stable_sort(out.records.begin(), out.records.end(),
                   [](const CredentialRecord& a, const CredentialRecord& b) {
                     if (a.complete != b.complete) return a.complete;
                     bool as = a.where == "subject", bs = b.where == "subject";
                     if (as != bs) return as;
                     return a.strength > b.strength;
                   });
  const CredentialRecord* best = out.best();
  if (best == nullptr || !best->complete) return out;
  if (best->onboarding || out.onboarding_text) {
    out.reason = "onboarding";
  } else if (best->handover) {
    out.reason = "handover";
  } else if (best->config && best->where != "subject") {
    out.reason = "config";
  } else if (best->where == "subject") {
    out.decisive = true;
    out.reason = "record in subject";
  } else if (out.prose > limits.max_prose) {
    out.reason = "prose";
  } else {
    out.decisive = true;
    out.reason = "bare record";
  }
  return out;
}

}  // namespace mw::outbound
