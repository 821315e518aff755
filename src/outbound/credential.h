// The credential verifier: is there a working SMTP credential written down in this message?
//
// Attackers who test stolen SMTP credentials record what worked in the test mail, e.g.
// the Subject "taro@example.jp;taro;Passw0rd;mail.example.jp;465;2;LOGIN" (doc/outbound.md).
// A *credential record* is a secret-looking token together with an identity (an address or
// a login, the sender's own or another) and at least one of an SMTP host, a submission port
// or an AUTH method. Formats understood (credential_parse.cpp):
//   delimited    fields cut at ; | , : / TAB or spaces, any order, with or without count and
//                method ("addr;login;pw;host;465;2;LOGIN", "host:587:login:pw")
//   compound     "[host:port] login / pw -> OK", "addr:pw host:587", "user:pw@host:587"
//   url          "smtp://user:pw@host:587" (smtps, submission; %-encoded userinfo)
//   kv           labelled lines or segments ("Host: ...", "PASS=...", "user taro, port 587")
//                with labels in English, Japanese, German, French, Spanish, Portuguese,
//                Russian and Chinese; key names of config files (SMTP_PASSWORD,
//                spring.mail.username); HTML tables rendered as "label<TAB>value"
//   json         {"host": "...", "port": 587, "user": "...", "pass": "..."} (also 'quoted')
//
// What is not a secret: placeholders (${SECRET}, <password>, ********, "changeme"), prose
// ("the one you chose"), words where the record's structure does not make them one, numbers,
// dates, phone numbers, addresses and host names (credential_fields.h).
//
// The decision. A complete record is *decisive* (enough for OUTBOUND_RECON on its own) unless
//   - it is labelled or explained as a temporary / initial / new password, or the text asks
//     the reader to change it (an administrator giving a new colleague their account), or
//   - it is handed over: its identity is one of the recipients (an address or the local part
//     of one) and not the sender's own account (an administrator or a colleague sending a
//     user the settings of the user's own mailbox; a stolen credential goes to a collector,
//     not to its owner), or
//   - it is a program's configuration (its labels are keys such as spring.mail.password,
//     SMTP_PASS, smtpHost: a developer's mail with a config snippet), or
//   - it sits in a message body of ordinary prose: more than `max_prose` words of text
//     outside the record lines (a help-desk mail, a support request).
// A record in the Subject is decisive whatever the body says, unless it is onboarding.
// Records that are not decisive, and partial ones (a secret with an identity or a server but
// not both), are findings for the model (rules/outbound.lua).
//
// Ownership: plain values. A Record holds the secret in clear: callers register it with the
// task (Task::add_secret) and show only mask_secret() / Record::masked. Loop affinity: none.
// Failure modes: none; input beyond the limits below is not examined.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mw::outbound {

// One piece of text to examine, and where it comes from ("subject", "text", "html",
// "attachment"). Lines starting with '>' (quoted replies) are skipped.
struct TextSource {
  std::string_view text;
  std::string_view where;
  bool subject = false;
};

// The authenticated sender, to tell the user's own credentials from someone else's, and the
// recipients, to tell an account handed over to its owner from a stolen one reported.
struct SenderIdentity {
  std::string_view user;  // SASL login ("taro" or "taro@example.jp")
  std::string_view from;  // envelope sender
  std::span<const std::string> recipients = {};  // envelope recipients
};

struct FinderLimits {
  size_t max_lines = 60;        // lines examined per source
  size_t max_line_bytes = 512;  // longer lines are cut
  size_t max_prose = 40;        // prose words outside records before a body record is not
                                // decisive (credential_fields.h prose_units)
  size_t max_records = 8;
};

struct CredentialRecord {
  std::string format;     // "delimited", "spaced", "compound", "url", "kv", "json"
  std::string where;      // the TextSource's where
  std::string identity;   // address or login authenticated as ("" in a partial record)
  std::string login;      // a separate login field, when there is one
  std::string secret;     // IN CLEAR: never log or store it; see masked
  std::vector<std::string> secret_forms;  // how the secret is written in the text (raw,
                                          // %-encoded...): what the task must redact
  std::string host;
  uint16_t port = 0;
  std::string method;     // AUTH mechanism, upper case
  bool complete = false;  // identity + secret + (host | SMTP port | method)
  bool own = false;       // the identity is the sender's own account
  bool onboarding = false;  // a temporary / initial / new password, or "please change it"
  bool handover = false;    // the identity is a recipient's, not the sender's
  bool config = false;      // written as a program's configuration keys
  int strength = 0;       // the secret's strength (credential_fields.h)
  std::string masked;     // the record as written (its line or lines), the secret masked,
                          // at most 200 bytes
};

struct CredentialFindings {
  std::vector<CredentialRecord> records;  // complete ones first, then partial; subject first
  size_t prose = 0;                       // prose units outside record lines (bodies only)
  bool onboarding_text = false;           // the text explains how to change the password
  bool decisive = false;
  std::string reason;  // why decisive ("record in subject", "bare record") or why not
                       // ("onboarding", "handover", "config", "prose"); empty without a
                       // complete record
  const CredentialRecord* best() const { return records.empty() ? nullptr : &records.front(); }
};

CredentialFindings find_credentials(std::span<const TextSource> sources,
                                    const SenderIdentity& sender, const FinderLimits& limits);

// "Pa******": the first two characters (one below eight, none below five), then one '*' per
// remaining character.
std::string mask_secret(std::string_view secret);

}  // namespace mw::outbound
