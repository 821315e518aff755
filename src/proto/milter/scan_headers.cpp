#include "proto/milter/scan_headers.h"

namespace mw::proto::milter {

namespace {

bool known_name(const std::string& name) {
  // Postfix says "unknown"; Sendmail gives the bracketed address when there is no name.
  return !name.empty() && name != "unknown" && name.front() != '[';
}

std::string macro_or_empty(const Message& m, const char* name) {
  const std::string* v = m.macro(name);
  return v != nullptr ? *v : std::string();
}

}  // namespace

ScanFields scan_fields(const Message& m) {
  ScanFields f;
  if (known_name(m.connect.hostname)) {
    f.hostname = m.connect.hostname;
  } else if (const std::string* n = m.macro("client_name"); n != nullptr && known_name(*n)) {
    f.hostname = *n;
  }
  if (m.connect.family == '4' || m.connect.family == '6') f.ip = m.connect.address;
  f.helo = m.helo;
  f.mail_from = m.mail_from.empty() ? std::string("<>") : m.mail_from;
  for (size_t i = 0; i < m.recipients.size(); ++i) {
    f.recipients.push_back(m.recipients[i].address);
    for (const auto& a : m.recipients[i].args) f.rcpt_args.emplace_back(i, a);
  }
  f.queue_id = macro_or_empty(m, "i");
  f.user = macro_or_empty(m, "auth_authen");
  f.user_agent = macro_or_empty(m, "v");
  f.tls_cipher = macro_or_empty(m, "cipher");
  f.tls_version = macro_or_empty(m, "tls_version");
  f.tls_cert_issuer = macro_or_empty(m, "cert_issuer");
  f.mailer = macro_or_empty(m, "rcpt_mailer");
  f.mta_name = macro_or_empty(m, "daemon_name");
  f.mta_host = macro_or_empty(m, "j");
  if (f.mta_name.empty()) f.mta_name = f.mta_host;
  f.body_block = (m.actions & kActChangeBody) != 0;
  f.mail_args = m.mail_args;
  return f;
}

std::vector<std::pair<std::string, std::string>> scan_headers(const ScanFields& f) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) out.emplace_back(name, value);
  };
  add("Hostname", f.hostname);
  add("IP", f.ip);
  add("Helo", f.helo);
  out.emplace_back("From", f.mail_from);
  for (const auto& r : f.recipients) out.emplace_back("Rcpt", r);
  add("Queue-Id", f.queue_id);
  add("User", f.user);
  add("User-Agent", f.user_agent);
  add("TLS-Cipher", f.tls_cipher);
  add("TLS-Version", f.tls_version);
  add("TLS-Cert-Issuer", f.tls_cert_issuer);
  add("Mailer", f.mailer);
  add("MTA-Name", f.mta_name);
  out.emplace_back("Flags", f.body_block ? "milter,body_block" : "milter");
  for (const auto& a : f.mail_args) out.emplace_back("X-Rspamd-Mail-Esmtp-Args", a);
  for (const auto& [i, a] : f.rcpt_args) {
    out.emplace_back("X-Rspamd-Rcpt-Esmtp-Args", std::to_string(i) + ":" + a);
  }
  return out;
}

}  // namespace mw::proto::milter
