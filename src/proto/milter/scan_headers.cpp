#include "proto/milter/scan_headers.h"

namespace mw::proto::milter {

namespace {

bool known_name(const std::string& name) {
  // Postfix says "unknown"; Sendmail gives the bracketed address when there is no name.
  return !name.empty() && name != "unknown" && name.front() != '[';
}

}  // namespace

std::vector<std::pair<std::string, std::string>> scan_headers(const Message& m) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* name, const std::string& value) { out.emplace_back(name, value); };
  auto add_macro = [&](const char* header, const char* macro) {
    if (const std::string* v = m.macro(macro); v != nullptr && !v->empty()) add(header, *v);
  };

  if (known_name(m.connect.hostname)) {
    add("Hostname", m.connect.hostname);
  } else if (const std::string* n = m.macro("client_name"); n != nullptr && known_name(*n)) {
    add("Hostname", *n);
  }
  if ((m.connect.family == '4' || m.connect.family == '6') && !m.connect.address.empty()) {
    add("IP", m.connect.address);
  }
  if (!m.helo.empty()) add("Helo", m.helo);
  add("From", m.mail_from.empty() ? std::string("<>") : m.mail_from);
  for (const auto& r : m.recipients) add("Rcpt", r.address);
  add_macro("Queue-Id", "i");
  add_macro("User", "auth_authen");
  add_macro("User-Agent", "v");
  add_macro("TLS-Cipher", "cipher");
  add_macro("TLS-Version", "tls_version");
  add_macro("TLS-Cert-Issuer", "cert_issuer");
  add_macro("Mailer", "rcpt_mailer");
  if (const std::string* d = m.macro("daemon_name"); d != nullptr && !d->empty()) {
    add("MTA-Name", *d);
  } else {
    add_macro("MTA-Name", "j");
  }
  add("Flags", (m.actions & kActChangeBody) ? "milter,body_block" : "milter");
  for (const auto& a : m.mail_args) add("X-Rspamd-Mail-Esmtp-Args", a);
  for (size_t i = 0; i < m.recipients.size(); ++i) {
    for (const auto& a : m.recipients[i].args) {
      add("X-Rspamd-Rcpt-Esmtp-Args", std::to_string(i) + ":" + a);
    }
  }
  return out;
}

}  // namespace mw::proto::milter
