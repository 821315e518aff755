// Cryptography for DKIM and ARC over OpenSSL 3 EVP: digests, RSA PKCS#1 v1.5 and Ed25519
// signatures over precomputed digests, public keys from DNS, private keys from PEM, and key
// generation.
//
// RSA signs and verifies the DigestInfo of a SHA-1/SHA-256 digest (RFC 6376 3.3.1).
// Ed25519 signs the 32-byte SHA-256 digest itself as its message (RFC 8463 section 3).
//
// Ownership: every OpenSSL handle is owned by a unique_ptr with a deleter; PublicKey and
// PrivateKey are move-only. Loop affinity: none; the objects are not shared between threads.
// Failure modes: parsing and signing return kInvalidInput (malformed key material) or
// kInternal (OpenSSL refused); verify() returns false for any problem. The OpenSSL error
// queue is cleared after every failure so that errors do not leak to unrelated callers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace mw::auth::dkim {

enum class KeyType : uint8_t { kRsa, kEd25519 };
enum class HashAlg : uint8_t { kSha1, kSha256 };

std::string_view key_type_name(KeyType t);  // "rsa", "ed25519"
std::string_view hash_name(HashAlg h);      // "sha1", "sha256"
size_t digest_size(HashAlg h);              // 20, 32

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const;
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const;
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// Incremental SHA-1 / SHA-256.
class Digest {
 public:
  explicit Digest(HashAlg alg);
  void update(std::string_view bytes);
  // The digest bytes; the object must not be updated afterwards.
  std::string finish();
  HashAlg alg() const { return alg_; }

 private:
  HashAlg alg_;
  EvpMdCtxPtr ctx_;
};

// Limits on RSA keys from DNS, so that a hostile record cannot make one verification cost
// many milliseconds: RFC 8301 asks verifiers to handle 1024..4096 bits; OpenSSL itself caps
// exponents of large moduli at 64 bits.
inline constexpr int kMaxRsaBits = 8192;
inline constexpr int kMaxRsaExponentBits = 64;

class PublicKey {
 public:
  // From the decoded p= of a key record. RSA accepts SubjectPublicKeyInfo (RFC 6376) and a
  // bare PKCS#1 RSAPublicKey (seen in deployed records), at most kMaxRsaBits with an odd
  // exponent of at most kMaxRsaExponentBits; Ed25519 takes the raw 32 bytes (RFC 8463).
  // Result on failure: kInvalidInput.
  static Result<PublicKey> from_der(KeyType type, std::string_view der);

  KeyType type() const { return type_; }
  int bits() const { return bits_; }
  // Verify `signature` over `digest` (made with `hash`). False on any mismatch or error.
  bool verify(HashAlg hash, std::string_view digest, std::string_view signature) const;

 private:
  PublicKey(KeyType t, EvpPkeyPtr k, int bits) : type_(t), key_(std::move(k)), bits_(bits) {}
  KeyType type_;
  EvpPkeyPtr key_;
  int bits_ = 0;
};

class PrivateKey {
 public:
  // Load from text: PEM (PKCS#1 "RSA PRIVATE KEY", PKCS#8 "PRIVATE KEY", RSA or Ed25519,
  // unencrypted), or the base64 of a raw 32-byte Ed25519 seed (dkimpy and others store keys
  // so). Encrypted PEM is refused (no passphrase prompt). Result on failure: kInvalidInput,
  // or kUnsupported for a key type other than RSA and Ed25519.
  static Result<PrivateKey> from_text(std::string_view text);
  // Same, reading a file. Result on failure: kIo when it cannot be read.
  static Result<PrivateKey> from_file(const std::string& path);
  // Generate a key: RSA of `bits` (1024..8192) or Ed25519 (`bits` ignored).
  static Result<PrivateKey> generate(KeyType type, int bits);

  KeyType type() const { return type_; }
  int bits() const { return bits_; }
  // Sign a digest. Result on failure: kInternal.
  Result<std::string> sign(HashAlg hash, std::string_view digest) const;
  // The p= value for the DNS record: base64 SubjectPublicKeyInfo (RSA) or raw key (Ed25519).
  std::string public_key_base64() const;
  // PKCS#8 PEM text of the private key.
  Result<std::string> to_pem() const;

 private:
  PrivateKey(KeyType t, EvpPkeyPtr k, int bits) : type_(t), key_(std::move(k)), bits_(bits) {}
  static Result<PrivateKey> adopt(EvpPkeyPtr key);
  KeyType type_;
  EvpPkeyPtr key_;
  int bits_ = 0;
};

}  // namespace mw::auth::dkim
