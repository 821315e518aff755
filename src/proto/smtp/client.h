// A small blocking SMTP client (RFC 5321) for commands that hand mail to a relay, such as
// `mailward dmarc-report`: connect, EHLO (HELO when refused), MAIL FROM, RCPT TO, DATA with
// dot-stuffing, QUIT. No TLS and no AUTH: the relay is a local MTA that trusts us by address
// (a private network or loopback), as for any cron job that sends mail.
//
// Never used in a worker: every call blocks the calling thread (each read and write is
// bounded by `timeout`).
//
// Ownership: plain values; the socket lives for one send(). Failure modes (as Status):
//   kInvalidInput  relay address not HOST:PORT with a numeric IPv4/IPv6 host, or an address
//                  with CR, LF or angle brackets
//   kIo            connection refused or lost
//   kTimeout       the relay was silent for longer than `timeout`
//   kUnsupported   the relay answered a command with an error reply (the reply is in the
//                  message, e.g. "RCPT TO: 550 5.1.1 <x@y>: unknown user")
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace mw::proto::smtp {

struct SendOptions {
  std::string relay;       // "127.0.0.1:25", "[::1]:25"
  std::string helo;        // our name in EHLO
  double timeout = 60.0;   // seconds per read or write
  size_t max_reply = 64 * 1024;  // bytes of one (multi-line) reply at most
};

// Send `message` (header and body, CRLF line ends) from `from` to `to`.
Status send(const SendOptions& options, const std::string& from,
            const std::vector<std::string>& to, const std::string& message);

}  // namespace mw::proto::smtp
