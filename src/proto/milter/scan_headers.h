// The scan-protocol request headers of a milter message, as Rspamd's milter proxy builds
// them (rspamd-compat.md section 2.2), so that the scan layer maps milter and HTTP requests
// to a task the same way.
//
//   Hostname      the CONNECT name, else the {client_name} macro; left out when unknown
//   IP            the CONNECT address (families '4' and '6' only; {client_addr} is not used)
//   Helo          HELO/EHLO argument
//   From          the MAIL FROM argument as sent ("<>" for the null sender)
//   Rcpt          one per recipient, as sent
//   Queue-Id      {i} / i              User           {auth_authen}
//   User-Agent    {v} / v              MTA-Name       {daemon_name}, else {j} / j
//   TLS-Cipher    {cipher}             TLS-Version    {tls_version}
//   TLS-Cert-Issuer {cert_issuer}      Mailer         {rcpt_mailer}
//   Flags         "milter", plus "body_block" when the MTA granted body replacement
//   X-Rspamd-Mail-Esmtp-Args  KEY=VALUE, one per MAIL FROM ESMTP argument
//   X-Rspamd-Rcpt-Esmtp-Args  <recipient index>:KEY=VALUE, one per RCPT TO argument
//
// Ownership: returns owned strings. Loop affinity: none. Failure modes: none.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "proto/milter/session.h"

namespace mw::proto::milter {

std::vector<std::pair<std::string, std::string>> scan_headers(const Message& message);

}  // namespace mw::proto::milter
