// DKIM signing (RFC 6376 section 5) and key generation for `mailward dkim-keygen`.
//
// A Signer holds one private key (RSA: rsa-sha256; Ed25519: ed25519-sha256, RFC 8463) and
// the signing parameters of one domain/selector. sign() produces the complete folded
// DKIM-Signature value for a message:
//
//   auto signer = dkim::Signer::create(std::move(key), opts);
//   auto field = signer->sign(view, now);       // field->field() = "DKIM-Signature: v=1; ..."
//
// Header selection: every name of `headers` is signed as many times as it occurs; every
// name of `oversign` once more than it occurs (also when absent), so that another field of
// that name cannot be added without breaking the signature (except DKIM-Signature, which a
// verifier would then select in this new signature itself). From is always signed.
// rsa-sha1 signing is not offered (RFC 8301); RSA keys under 1024 bits are refused.
//
// Ownership: a Signer owns its key. sign() reads the MessageView only during the call.
// Loop affinity: none (pure computation; RSA-2048 signing takes about a millisecond).
// Failure modes: create() returns kInvalidInput for bad parameters (domain, selector,
// identity outside the domain, header names, small key); sign() returns kInvalidInput when
// the message has no From field, kInternal when OpenSSL fails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dkim/canon.h"
#include "auth/dkim/crypto.h"
#include "auth/dkim/message.h"
#include "core/result.h"

namespace mw::auth::dkim {

struct SignOptions {
  std::string domain;    // d=
  std::string selector;  // s=
  Canon header_canon = Canon::kRelaxed;
  Canon body_canon = Canon::kRelaxed;
  // Signed as often as present (RFC 6376 5.4.1 recommendations).
  std::vector<std::string> headers = {"from",
                                      "sender",
                                      "reply-to",
                                      "subject",
                                      "date",
                                      "message-id",
                                      "to",
                                      "cc",
                                      "mime-version",
                                      "content-type",
                                      "content-transfer-encoding",
                                      "content-id",
                                      "content-description",
                                      "in-reply-to",
                                      "references",
                                      "resent-date",
                                      "resent-from",
                                      "resent-to",
                                      "resent-cc",
                                      "list-id",
                                      "list-help",
                                      "list-unsubscribe",
                                      "list-subscribe",
                                      "list-post",
                                      "list-owner",
                                      "list-archive"};
  // Signed once more than present.
  std::vector<std::string> oversign = {"from", "subject", "to", "date"};
  std::string identity;              // i= ("" = omitted, which means "@" + d=)
  bool body_length = false;          // add l= (the whole canonical body; see RFC 6376 8.2)
  bool timestamp = true;             // add t=
  int64_t expire_after = 0;          // > 0: add x= = t= + expire_after seconds
  std::string line_ending = "\r\n";  // folding line break ("\r\n" or "\n")
  size_t line_width = 78;
};

struct SignedField {
  std::string name;   // "DKIM-Signature"
  std::string value;  // folded, no trailing line break

  // "DKIM-Signature: " + value (still without a trailing line break).
  std::string field() const { return name + ": " + value; }
};

class Signer {
 public:
  // Validate the parameters and take the key. See failure modes above.
  static Result<Signer> create(PrivateKey key, SignOptions options);

  // Sign `message` at time `now` (seconds since the epoch, used for t= and x=).
  Result<SignedField> sign(const MessageView& message, int64_t now) const;

  const SignOptions& options() const { return options_; }
  const PrivateKey& key() const { return key_; }

 private:
  Signer(PrivateKey key, SignOptions options)
      : key_(std::move(key)), options_(std::move(options)) {}
  PrivateKey key_;
  SignOptions options_;
};

// The h= list for a message: `headers` as often as present, `oversign` once more.
std::vector<std::string> headers_to_sign(const MessageView& message,
                                         const std::vector<std::string>& headers,
                                         const std::vector<std::string>& oversign);

// Encode an i= value as dkim-quoted-printable (RFC 6376 2.11).
std::string dkim_qp_encode(std::string_view text);

struct GeneratedKey {
  KeyType type = KeyType::kRsa;
  int bits = 0;
  std::string private_pem;  // PKCS#8 PEM
  std::string txt_record;   // "v=DKIM1; k=rsa; p=..." as one string
  std::string zone_text;    // the same as quoted character-strings of at most 255 bytes
};

// Generate a key pair: RSA of `bits` (1024..8192; 2048 recommended) or Ed25519 (`bits`
// ignored). Result on failure: kInvalidInput (bad size), kInternal (OpenSSL).
Result<GeneratedKey> dkim_keygen(KeyType type, int bits);

}  // namespace mw::auth::dkim
