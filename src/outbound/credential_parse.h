// The record parsers of the credential verifier (internal to src/outbound; credential.h is
// the contract). Each parser reads lines of one text source and proposes drafts: what a
// record would be, with the secret as a view into the text. credential.cpp merges the drafts,
// decides and masks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "outbound/credential.h"

namespace mw::outbound::cred {

struct Line {
  std::string_view text;
  size_t index = 0;  // position among the source's examined lines
};

struct Draft {
  std::string format;
  std::string identity;
  std::string login;
  std::string_view secret;              // as written in the text
  std::vector<std::string> extra_forms;  // other spellings of the secret (%-decoded)
  std::string host;
  uint16_t port = 0;
  std::string method;
  bool onboarding = false;
  bool foreign = false;    // another service (FTP, SSH, IMAP, a web site...) is named in it
  bool mail_host = false;  // the host is named or labelled as an SMTP server
  bool joined = false;  // identity and secret written as one field (user:pass, a URL)
  bool config = false;  // labelled with a program's keys (spring.mail.password, SMTP_PASS)
  int strength = 0;
  size_t first_line = 0;
  size_t last_line = 0;

  // Where to submit: an SMTP port, a mechanism, or a host unless the record is about another
  // service and the host is not a mail server's.
  bool where() const {
    return port != 0 || !method.empty() || (!host.empty() && (mail_host || !foreign));
  }
  bool complete() const { return !identity.empty() && !secret.empty() && where(); }
  // Part of a record: a strong secret next to a server, or written together with an address
  // ("addr:pw"). An address next to an ID in a table row is neither.
  bool partial() const {
    return !secret.empty() && strength >= 2 &&
           (where() || (joined && identity.find('@') != std::string::npos));
  }
  // An account without a server (a user and a password): a record when the Subject says where
  // (credential.cpp), nothing otherwise.
  bool account() const { return !identity.empty() && !secret.empty() && strength >= 1 && !where(); }
  // How much of a record it is (to keep the best of competing drafts).
  int weight() const;
};

// Delimited, spaced and compound records in one line (the best reading of it), or nullopt.
std::optional<Draft> parse_positional(const Line& line, const SenderIdentity& sender);

// Records written one field per line (address, password, host, port on lines of their own):
// runs of three or more consecutive one-token lines, read like a delimited line.
std::vector<Draft> parse_vertical(std::span<const Line> lines, const SenderIdentity& sender);

// Labelled records (credential_kv.cpp): key/value lines and segments, JSON and dict pairs,
// consecutive lines forming one record.
std::vector<Draft> parse_labelled(std::span<const Line> lines);

// Whether `login` names the sender's account (its SASL login, or the local part of it or of
// the envelope sender).
bool is_own(std::string_view identity, const SenderIdentity& sender);

// Percent-decoding of URL userinfo ("taro%40example.jp" -> "taro@example.jp").
std::string percent_decode(std::string_view s);

}  // namespace mw::outbound::cred
