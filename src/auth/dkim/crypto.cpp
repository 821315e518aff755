#include "auth/dkim/crypto.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "auth/dkim/text.h"
#include "core/c_ptr.h"

namespace mw::auth::dkim {

namespace {

using PkeyCtxPtr = core::CPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using BioPtr = core::CPtr<BIO, BIO_free>;

const EVP_MD* md_of(HashAlg h) { return h == HashAlg::kSha1 ? EVP_sha1() : EVP_sha256(); }

// Drop whatever OpenSSL queued, so one failure never shows up in someone else's error check.
template <typename T>
T cleared(T v) {
  ERR_clear_error();
  return v;
}

// Never prompt for a passphrase: encrypted keys simply fail to load.
int no_passphrase(char*, int, int, void*) { return -1; }

using BnPtr = core::CPtr<BIGNUM, BN_free>;
using ParamBldPtr = core::CPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = core::CPtr<OSSL_PARAM, OSSL_PARAM_free>;

// A bounds-checked reader of DER tag-length-value items (definite lengths only).
struct Der {
  const unsigned char* p;
  size_t n;

  bool read(unsigned char tag, Der& content) {
    if (n < 2 || p[0] != tag) return false;
    size_t len = p[1];
    size_t head = 2;
    if (len >= 0x80) {
      size_t k = len & 0x7F;
      if (k == 0 || k > 4 || n < 2 + k) return false;
      len = 0;
      for (size_t i = 0; i < k; ++i) len = (len << 8) | p[2 + i];
      head += k;
    }
    if (n - head < len) return false;
    content = Der{p + head, len};
    p += head + len;
    n -= head + len;
    return true;
  }
};

// A positive INTEGER's magnitude (leading zero bytes dropped); false when negative / empty.
bool positive_integer(Der& in, Der& out) {
  if (!in.read(0x02, out) || out.n == 0 || (out.p[0] & 0x80) != 0) return false;
  while (out.n > 1 && out.p[0] == 0) {
    ++out.p;
    --out.n;
  }
  return !(out.n == 1 && out.p[0] == 0);
}

// Decode RSA public keys of the usual shapes (SubjectPublicKeyInfo with rsaEncryption, or a
// bare RSAPublicKey) straight into an EVP_PKEY from (n, e): OpenSSL 3's generic decoders
// cost far more than the signature check itself. A recognised shape with unusable integers
// is refused here; only unrecognised shapes are left to the generic decoders.
enum class FastRsa { kDecoded, kInvalid, kUnknownShape };

FastRsa fast_rsa_public_key(std::string_view der, EvpPkeyPtr& out) {
  static constexpr unsigned char kRsaOid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
  Der in{reinterpret_cast<const unsigned char*>(der.data()), der.size()};
  Der outer;
  if (!in.read(0x30, outer) || in.n != 0) return FastRsa::kUnknownShape;
  Der rsa_key = outer;
  Der first = outer;
  Der alg;
  if (first.read(0x30, alg)) {
    // SubjectPublicKeyInfo: AlgorithmIdentifier, BIT STRING.
    Der oid;
    if (!alg.read(0x06, oid) || oid.n != sizeof(kRsaOid) ||
        std::memcmp(oid.p, kRsaOid, sizeof(kRsaOid)) != 0) {
      return FastRsa::kUnknownShape;
    }
    Der params;
    if (alg.n != 0 && (!alg.read(0x05, params) || params.n != 0 || alg.n != 0)) {
      return FastRsa::kInvalid;
    }
    Der bits;
    if (!first.read(0x03, bits) || first.n != 0 || bits.n < 1 || bits.p[0] != 0) {
      return FastRsa::kInvalid;
    }
    Der inner{bits.p + 1, bits.n - 1};
    if (!inner.read(0x30, rsa_key) || inner.n != 0) return FastRsa::kInvalid;
  } else if (outer.n == 0 || outer.p[0] != 0x02) {
    return FastRsa::kUnknownShape;
  }
  Der n_int, e_int;
  if (!positive_integer(rsa_key, n_int) || !positive_integer(rsa_key, e_int) || rsa_key.n != 0) {
    return FastRsa::kInvalid;
  }
  BnPtr n(BN_bin2bn(n_int.p, static_cast<int>(n_int.n), nullptr));
  BnPtr e(BN_bin2bn(e_int.p, static_cast<int>(e_int.n), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    ERR_clear_error();
    return FastRsa::kInvalid;
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return FastRsa::kInvalid;
  }
  out.reset(raw);
  return FastRsa::kDecoded;
}

}  // namespace

void EvpPkeyDeleter::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
void EvpMdCtxDeleter::operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }

std::string_view key_type_name(KeyType t) { return t == KeyType::kRsa ? "rsa" : "ed25519"; }
std::string_view hash_name(HashAlg h) { return h == HashAlg::kSha1 ? "sha1" : "sha256"; }
size_t digest_size(HashAlg h) { return h == HashAlg::kSha1 ? 20 : 32; }

Digest::Digest(HashAlg alg) : alg_(alg), ctx_(EVP_MD_CTX_new()) {
  if (ctx_ && EVP_DigestInit_ex(ctx_.get(), md_of(alg), nullptr) != 1) ctx_.reset();
}

void Digest::update(std::string_view bytes) {
  if (ctx_ && !bytes.empty()) EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
}

std::string Digest::finish() {
  if (!ctx_) return cleared(std::string());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out, &len) != 1) return cleared(std::string());
  return std::string(reinterpret_cast<char*>(out), len);
}

Result<PublicKey> PublicKey::from_der(KeyType type, std::string_view der) {
  if (type == KeyType::kEd25519) {
    if (der.size() != 32) {
      return fail(ErrorCode::kInvalidInput,
                  "Ed25519 key is " + std::to_string(der.size()) + " bytes, not 32");
    }
    EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(der.data()), 32));
    if (!key) return cleared(fail(ErrorCode::kInvalidInput, "unusable Ed25519 key"));
    return PublicKey(type, std::move(key), 256);
  }
  EvpPkeyPtr key;
  FastRsa shape = fast_rsa_public_key(der, key);
  if (shape == FastRsa::kInvalid) {
    return fail(ErrorCode::kInvalidInput, "p= is not a valid RSA public key");
  }
  if (shape == FastRsa::kUnknownShape) {
    const auto* data = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* p = data;
    key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (!key || p != data + der.size()) {
      // Not SubjectPublicKeyInfo: try a bare RSAPublicKey (PKCS#1).
      p = data;
      key.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size())));
      if (!key || p != data + der.size()) {
        return cleared(fail(ErrorCode::kInvalidInput, "p= is not a DER RSA public key"));
      }
    }
    ERR_clear_error();
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return fail(ErrorCode::kInvalidInput, "p= holds a key that is not RSA");
  }
  int bits = EVP_PKEY_get_bits(key.get());
  if (bits > kMaxRsaBits) {
    return fail(ErrorCode::kInvalidInput,
                std::to_string(bits) + "-bit RSA key exceeds " + std::to_string(kMaxRsaBits));
  }
  BIGNUM* e_raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e_raw) != 1) {
    return cleared(fail(ErrorCode::kInvalidInput, "RSA key without a public exponent"));
  }
  BnPtr e(e_raw);
  if (BN_is_negative(e.get()) || BN_num_bits(e.get()) > kMaxRsaExponentBits ||
      !BN_is_odd(e.get()) || BN_is_one(e.get())) {
    return fail(ErrorCode::kInvalidInput, "RSA public exponent is not usable");
  }
  BIGNUM* n_raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n_raw) != 1) {
    return cleared(fail(ErrorCode::kInvalidInput, "RSA key without a modulus"));
  }
  BnPtr n(n_raw);
  if (BN_is_negative(n.get()) || !BN_is_odd(n.get())) {
    return fail(ErrorCode::kInvalidInput, "RSA modulus is not usable");
  }
  return PublicKey(type, std::move(key), bits);
}

bool PublicKey::verify(HashAlg hash, std::string_view digest, std::string_view signature) const {
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  const auto* dig = reinterpret_cast<const unsigned char*>(digest.data());
  if (signature.empty()) return false;
  if (type_ == KeyType::kEd25519) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
      return cleared(false);
    }
    int rc = EVP_DigestVerify(ctx.get(), sig, signature.size(), dig, digest.size());
    return cleared(rc == 1);
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md_of(hash)) != 1) {
    return cleared(false);
  }
  int rc = EVP_PKEY_verify(ctx.get(), sig, signature.size(), dig, digest.size());
  return cleared(rc == 1);
}

Result<PrivateKey> PrivateKey::adopt(EvpPkeyPtr key) {
  int id = EVP_PKEY_get_base_id(key.get());
  if (id == EVP_PKEY_RSA) {
    int bits = EVP_PKEY_get_bits(key.get());
    return PrivateKey(KeyType::kRsa, std::move(key), bits);
  }
  if (id == EVP_PKEY_ED25519) return PrivateKey(KeyType::kEd25519, std::move(key), 256);
  return fail(ErrorCode::kUnsupported, "private key is neither RSA nor Ed25519");
}

Result<PrivateKey> PrivateKey::from_text(std::string_view text) {
  std::string_view trimmed = trim_fws(text);
  if (trimmed.find("-----BEGIN") == std::string_view::npos) {
    auto seed = base64_decode(trimmed);
    if (!seed || seed->size() != 32) {
      return fail(ErrorCode::kInvalidInput,
                  "key is neither PEM nor a base64 raw 32-byte Ed25519 seed");
    }
    EvpPkeyPtr key(EVP_PKEY_new_raw_private_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed->data()), 32));
    if (!key) return cleared(fail(ErrorCode::kInvalidInput, "unusable Ed25519 seed"));
    return PrivateKey(KeyType::kEd25519, std::move(key), 256);
  }
  BioPtr bio(BIO_new_mem_buf(trimmed.data(), static_cast<int>(trimmed.size())));
  if (!bio) return cleared(fail(ErrorCode::kInternal, "BIO_new_mem_buf failed"));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) {
    return cleared(
        fail(ErrorCode::kInvalidInput, "cannot read the PEM private key (malformed or encrypted)"));
  }
  return adopt(std::move(key));
}

Result<PrivateKey> PrivateKey::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) return fail(ErrorCode::kIo, "cannot read " + path);
  auto key = from_text(ss.str());
  if (!key) return fail(key.error().code, path + ": " + key.error().message);
  return key;
}

Result<PrivateKey> PrivateKey::generate(KeyType type, int bits) {
  EVP_PKEY* raw = nullptr;
  if (type == KeyType::kRsa) {
    if (bits < 1024 || bits > 8192) {
      return fail(ErrorCode::kInvalidInput, "RSA key size must be 1024..8192 bits");
    }
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  } else {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  if (raw == nullptr) return cleared(fail(ErrorCode::kInternal, "key generation failed"));
  return adopt(EvpPkeyPtr(raw));
}

namespace {

// OpenSSL's two-call output convention: `call(buffer, &len)` with a null buffer sets the
// length needed, then fills the buffer. False when either call fails.
template <typename Call>
bool sized_output(std::string& out, Call call) {
  size_t len = 0;
  if (call(nullptr, &len) != 1) return false;
  out.resize(len);
  if (call(reinterpret_cast<unsigned char*>(out.data()), &len) != 1) return false;
  out.resize(len);
  return true;
}

}  // namespace

Result<std::string> PrivateKey::sign(HashAlg hash, std::string_view digest) const {
  const auto* dig = reinterpret_cast<const unsigned char*>(digest.data());
  std::string out;
  if (type_ == KeyType::kEd25519) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        !sized_output(out, [&](unsigned char* buf, size_t* len) {
          return EVP_DigestSign(ctx.get(), buf, len, dig, digest.size());
        })) {
      return cleared(fail(ErrorCode::kInternal, "Ed25519 signing failed"));
    }
    return out;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md_of(hash)) != 1 ||
      !sized_output(out, [&](unsigned char* buf, size_t* len) {
        return EVP_PKEY_sign(ctx.get(), buf, len, dig, digest.size());
      })) {
    return cleared(fail(ErrorCode::kInternal, "RSA signing failed"));
  }
  return out;
}

std::string PrivateKey::public_key_base64() const {
  if (type_ == KeyType::kEd25519) {
    unsigned char raw[64];
    size_t len = sizeof(raw);
    if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &len) != 1) return cleared(std::string());
    return base64_encode(std::string_view(reinterpret_cast<char*>(raw), len));
  }
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  if (len <= 0 || der == nullptr) return cleared(std::string());
  std::string out = base64_encode(std::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_free(der);
  return out;
}

Result<std::string> PrivateKey::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return cleared(fail(ErrorCode::kInternal, "cannot write the private key as PEM"));
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return fail(ErrorCode::kInternal, "empty PEM output");
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace mw::auth::dkim
