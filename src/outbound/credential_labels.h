// Labels of credential fields in key/value text (internal to src/outbound: the verifier of
// credential.h): "Password:", "パスワード：", "Passwort =", "mot de passe :", "SMTP_PASS=",
// "spring.mail.username", "送信サーバー", in English, Japanese, German, French, Spanish,
// Portuguese, Russian and Chinese (and a few Korean and Italian words that come free).
#pragma once

#include <cstdint>
#include <string_view>

namespace mw::outbound::cred {

enum class Label : uint8_t { kNone, kIdentity, kSecret, kHost, kPort, kMethod, kSecurity };

struct LabelInfo {
  Label kind = Label::kNone;
  bool onboarding = false;  // "temporary password", "初期パスワード", "neues Passwort"...
  bool smtp = false;        // qualified as SMTP / outgoing ("SMTP server", "送信サーバー")
  bool other = false;       // about another service than SMTP submission: IMAP/POP
                            // ("受信サーバー"), FTP, SSH, VPN, databases, Wi-Fi, web panels
};

// What a label names. `label` is the text before the separator as written (at most 48 bytes
// and five words are considered; longer text is prose, not a label).
LabelInfo label_of(std::string_view label);

// Whether the text tells its reader to change or reset the password, or to use it at the
// first login (how administrators hand out new accounts), in the same eight languages.
bool has_onboarding_phrase(std::string_view text);

}  // namespace mw::outbound::cred
