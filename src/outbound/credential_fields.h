// What one field of a credential record is (internal to src/outbound: the verifier of
// credential.h). Pure functions over bytes; ASCII case folding only, except where noted.
//
// A field is one piece of a line cut at a delimiter ("taro@example.jp", "465", "LOGIN",
// "mail.example.jp:587", "Passw0rd"). classify() says what it can be; the record assembly
// (credential_parse.cpp) decides what it is from the other fields around it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ascii.h"

namespace mw::outbound::cred {

enum class Kind : uint8_t {
  kEmpty,
  kNoise,     // status words and arrows around a record: OK, valid, ->, SMTP, test
  kEmail,     // local@domain.tld
  kHost,      // a DNS name with a real top-level domain, or an IPv4 literal
  kHostPort,  // host:port
  kPort,      // an SMTP submission port (25, 26, 465, 587, 2525, 2526, 8025)
  kCount,     // a small number (a checker's attempt counter)
  kNumber,    // other numbers, dates, times, phone numbers, amounts
  kMethod,    // an SMTP AUTH mechanism (LOGIN, PLAIN, CRAM-MD5, XOAUTH2...)
  kSecurity,  // SSL, TLS, STARTTLS
  kLogin,     // one word that can be a login name (or a weak password)
  kSecret,    // one token that looks like a password (see secret_strength)
  kUserPass,  // user:pass or address:pass in one field
  kUrl,       // [smtp[s]://]user:pass@host[:port]
  kProse,     // three or more words
  kOther,     // anything else (two words, key=value, file names...)
};

struct Field {
  std::string_view text;  // trimmed
  Kind kind = Kind::kEmpty;
  // Compound fields (kHostPort, kUserPass, kUrl): their parts, views into `text`.
  std::string_view user;
  std::string_view secret;
  std::string_view host;
  uint16_t port = 0;
  int strength = 0;  // secret_strength of the field (kSecret, kLogin, kUserPass, kUrl)
};

inline constexpr size_t kMinSecret = 4;
inline constexpr size_t kMaxSecret = 64;

// Trim spaces, quotes and one pair of enclosing brackets.
std::string_view trim_field(std::string_view s);
Field classify(std::string_view raw);

bool is_email(std::string_view s);
// A DNS name: 2+ labels of [A-Za-z0-9-], an alphabetic top-level domain (not a file
// extension such as .php or .pdf), or a dotted-quad IPv4 address.
bool is_hostname(std::string_view s);
// A host named like a mail server: smtp., mail., mx., submit., relay., out(going)., mta.,
// send., post., exchange. (first label, digits and dashes allowed after the word).
bool is_mail_host(std::string_view host);
// A web server's name (www.) or a local one (localhost, 127.x, private addresses): not where
// a stolen credential is tried.
bool is_web_or_local_host(std::string_view host);
// 1..65535, or -1.
int parse_port(std::string_view s);
bool is_smtp_port(int port);
// Ports of other services (IMAP, POP3, FTP, SSH, HTTP(S), databases, remote desktops): a
// host next to one is not an SMTP server.
bool is_other_service_port(int port);
bool is_auth_method(std::string_view s);
bool is_security_word(std::string_view s);
bool is_noise_word(std::string_view s);
bool is_login_token(std::string_view s);

// How much `s` looks like a password:
//   0  it cannot be one: too short or long, spaces, non-ASCII, a placeholder (${SECRET},
//      <password>, ********, xxxx, "changeme"), an address, a host name, a URL, a number,
//      a date or phone number, key=value;
//   1  it may be one only where the record's structure says so (a lower-case word, a
//      title-case word, a long number, a placeholder word such as "password");
//   2  it looks like one: at least 5 characters of two or more classes (lower, upper,
//      digits, symbols; a title-case word counts as one class).
int secret_strength(std::string_view s);
// A placeholder written in a template or in documentation: ${X}, {{x}}, <x>, %X%, $X,
// masks such as ******** or xxxx (and our own "Pa******"), environment lookups.
bool is_placeholder(std::string_view s);
// Words that stand for a password rather than being one (password, secret, changeme...).
bool is_placeholder_word(std::string_view s);

// How much prose a line holds: one unit per word of letters (Latin, Cyrillic...) and one per
// two CJK characters. Digits and punctuation count nothing.
size_t prose_units(std::string_view line);

// Lower-case ASCII letters and Cyrillic capitals (the label dictionary is in lower case).
std::string fold_case(std::string_view s);
// ASCII case-insensitive equality: core's (core/ascii.h).
using core::iequals;

}  // namespace mw::outbound::cred
