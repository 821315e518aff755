// What a milter message says about its envelope, read the way Rspamd's milter proxy reads it
// (rspamd-compat.md section 2.2): once into typed fields (scan_fields), from which the milter
// proxy builds its scan envelope directly, and as the scan protocol's request headers
// (scan_headers) for a forward to a scanner and for rules that read request headers.
//
//   Hostname      the CONNECT name, else the {client_name} macro; left out when unknown
//   IP            the CONNECT address (families '4' and '6' only)
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
// A header whose value would be empty is left out (From and Flags are always there).
//
// Ownership: returns owned strings. Loop affinity: none. Failure modes: none.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "proto/milter/session.h"

namespace mw::proto::milter {

struct ScanFields {
  std::string hostname;                 // "" when unknown
  std::string ip;                       // "" when the CONNECT packet had none
  std::string helo;
  std::string mail_from;                // as sent, "<>" for the null sender
  std::vector<std::string> recipients;  // as sent
  std::string queue_id;
  std::string user;                     // SASL login
  std::string user_agent;
  std::string mta_name;
  std::string mta_host;                 // j: the MTA's host name (not sent as a header)
  std::string tls_cipher;
  std::string tls_version;
  std::string tls_cert_issuer;
  std::string mailer;
  bool body_block = false;
  std::vector<std::string> mail_args;                       // KEY=VALUE
  std::vector<std::pair<size_t, std::string>> rcpt_args;    // (recipient index, KEY=VALUE)
};

ScanFields scan_fields(const Message& message);
std::vector<std::pair<std::string, std::string>> scan_headers(const ScanFields& fields);
inline std::vector<std::pair<std::string, std::string>> scan_headers(const Message& message) {
  return scan_headers(scan_fields(message));
}

}  // namespace mw::proto::milter
