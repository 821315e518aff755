// Received trace fields (RFC 5321 section 4.4, RFC 5322 section 3.6.7) parsed leniently.
//
// A Received field names who handed the message over (from), who took it (by), how (with,
// via), the queue id (id), the recipient (for) and when (after the last ';'). Real MTAs add
// their own comments: the client's reverse-DNS name and IP address, the HELO argument when
// it differs, the TLS version and cipher, the authenticated user. parse_received() reads the
// shapes Postfix, Exim, Sendmail, qmail/qpsmtpd, Courier, CommuniGate, MDaemon, OpenSMTPD,
// Microsoft Exchange and Outlook.com, Gmail, Yahoo and others write:
//
//   from HELO (RDNS [IP]) ... by HOST (Postfix) with ESMTPS id ID for <RCPT>; DATE
//   from RDNS ([IP] helo=HELO) by HOST with esmtpsa (TLS1.3) tls CIPHER (Exim 4.96) ...
//   from RDNS (HELO HELO) (IP) by HOST with SMTP; DATE                     (qmail)
//   from HELO ([IP]) by HOST with Microsoft SMTP Server (version=TLS1_2, cipher=...) id ...
//   from [IP] (RDNS [IP]) by smtp.gmail.com with ESMTPSA id ... (version=TLS1_3 cipher=...)
//
// Which name is the HELO and which the reverse-DNS name: an explicit HELO in the client
// comment ("helo=x", "HELO x", "EHLO x") makes the word after `from` the reverse-DNS name;
// otherwise that word is the HELO and a host name beside the IP in the comment is the
// reverse-DNS name. Exim (recognised by its "(Exim ...)" comment) writes the reverse-DNS name
// after `from` and omits helo= when the HELO equals it.
//
// Protocols (`with`, else `via`): SMTP, ESMTP and the RFC 3848 / RFC 6531 forms (ESMTPA,
// ESMTPS, ESMTPSA, LMTP, LMTPA, LMTPS, LMTPSA, UTF8SMTP...): an S means TLS, an A means the
// client authenticated. TLS is also read from comments (Postfix "using TLSv1.3 with cipher",
// Exchange/Gmail "version=... cipher=...", Exim "TLS1.2:CIPHER:256", Courier "TLS: ...");
// authentication from Sendmail's "(authenticated ...)", Postfix's "(Authenticated sender:",
// Courier's "(AUTH: ...)" and similar.
//
// Limits: the first kMaxReceivedParse bytes of a value are read; at most kMaxReceivedTokens
// tokens are looked at. Malformed input never fails: what could not be recognised is left
// empty (`parsed` says whether anything was).
//
// Ownership: every view points into the value given or into the arena (normalised IP text).
// Loop affinity: none. Failure modes: none, except core::ArenaExhausted from the arena.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/arena.h"

namespace mw::mime {

inline constexpr size_t kMaxReceivedParse = 8192;
inline constexpr size_t kMaxReceivedTokens = 160;

enum class ReceivedProto : uint8_t {
  kUnknown,  // no protocol given, or one we do not know ("NNFMP", "Thrift")
  kSmtp,     // SMTP, BSMTP, Microsoft SMTPSVC
  kEsmtp,    // ESMTP and its S/A variants (see the flags), UTF8SMTP
  kLmtp,     // LMTP and variants
  kHttp,     // HTTP, HTTPS (webmail), HTTPREST (mail APIs)
  kImap,
  kPop3,
  kLocal,    // local delivery / pickup ("with local", Exim "local-smtp")
  kMapi,     // Exchange MAPI
  kOther,    // named, but none of the above (TCP, ECSTREAM, qmail-scanner...)
};
// Lower-case name: "smtp", "esmtp", "lmtp", "http", "imap", "pop3", "local", "mapi", "other",
// "unknown".
std::string_view received_proto_name(ReceivedProto p);

// What the reverse-DNS part of the client comment says.
enum class RdnsState : uint8_t {
  kNotRecorded,  // no name beside the IP (Exchange "([ip])", a bare IP...)
  kPresent,      // a name: `rdns`
  kAbsent,       // the MTA says there is none: Postfix "unknown", Courier "softdnserr",
                 // Exchange "RDNS failed", "unverified"
};

enum ReceivedFlag : uint16_t {
  kRcvdTls = 1u << 0,           // the hop used TLS
  kRcvdAuth = 1u << 1,          // the client authenticated
  kRcvdUtf8 = 1u << 2,          // UTF8SMTP / UTF8LMTP (RFC 6531)
  kRcvdHeloLiteral = 1u << 3,   // the HELO is an address literal "[192.0.2.1]" / "[IPv6:...]"
  kRcvdHeloBareIp = 1u << 4,    // the HELO is an IP address without brackets
  kRcvdHeloExplicit = 1u << 5,  // the HELO was named explicitly (helo=, "HELO x")
  kRcvdRdnsForged = 1u << 6,    // Sendmail's "(may be forged)": forward DNS did not confirm
  kRcvdFromComment = 1u << 7,   // the whole from clause was inside a leading comment
};

struct Received {
  std::string_view raw;          // the value parsed (as given, not cut)
  std::string_view from;         // the word after `from` as written (brackets kept)
  std::string_view helo;         // the HELO argument (explicit, else `from`); may be empty
  std::string_view rdns;         // the client's reverse-DNS name (no trailing dot) or empty
  std::string_view ip;           // the client IP, canonical text ("192.0.2.1", "2001:db8::1";
                                 // IPv4-mapped IPv6 as IPv4), or empty
  std::string_view by;           // the receiving host (brackets of a literal removed)
  std::string_view with;         // the protocol word as written ("ESMTPSA", "esmtps")
  std::string_view via;
  std::string_view id;           // queue id (angle brackets removed)
  std::string_view for_addr;     // recipient (angle brackets removed)
  std::string_view ident;        // identd / login information in the client comment
  std::string_view tls_version;  // canonical: "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0",
                                 // "SSLv3", or as written when unknown
  std::string_view tls_cipher;
  int64_t timestamp = 0;         // the date after the last ';' (epoch seconds); 0 when none
  ReceivedProto proto = ReceivedProto::kUnknown;
  RdnsState rdns_state = RdnsState::kNotRecorded;
  uint8_t ip_family = 0;         // 4, 6 or 0
  uint16_t flags = 0;            // ReceivedFlag bits
  bool parsed = false;           // at least a from, by or with clause was recognised

  bool has(ReceivedFlag f) const { return (flags & f) != 0; }
};

// Parse one Received field value (unfolded; comments and folding whitespace allowed).
Received parse_received(core::Arena& arena, std::string_view value);

}  // namespace mw::mime
