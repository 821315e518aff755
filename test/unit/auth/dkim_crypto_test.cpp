// DKIM cryptography over OpenSSL: digests, Ed25519 (RFC 8032 vector), RSA public keys in the
// shapes DNS records use (SubjectPublicKeyInfo, bare RSAPublicKey; fast path and generic
// decoder agree), and the limits on hostile keys.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

#include "auth/dkim/crypto.h"
#include "auth/dkim/text.h"

namespace mw::auth::dkim {
namespace {

std::string hex(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(Crypto, Digests) {
  Digest d(HashAlg::kSha256);
  d.update("a");
  d.update("bc");
  EXPECT_EQ(hex(d.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Digest s(HashAlg::kSha1);
  s.update("abc");
  EXPECT_EQ(hex(s.finish()), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Crypto, Ed25519Rfc8032Test1) {
  // RFC 8032 7.1 TEST 1: empty message.
  auto key = PrivateKey::from_text(
      base64_encode(unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")));
  ASSERT_TRUE(key.has_value());
  auto sig = key->sign(HashAlg::kSha256, "");
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(hex(*sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  auto pub = PublicKey::from_der(
      KeyType::kEd25519, unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  ASSERT_TRUE(pub.has_value());
  EXPECT_TRUE(pub->verify(HashAlg::kSha256, "", *sig));
  EXPECT_FALSE(pub->verify(HashAlg::kSha256, "x", *sig));
  EXPECT_FALSE(pub->verify(HashAlg::kSha256, "", sig->substr(1)));
  EXPECT_FALSE(pub->verify(HashAlg::kSha256, "", ""));
}

std::string der_of(EVP_PKEY* key, bool pkcs1) {
  unsigned char* out = nullptr;
  int len = pkcs1 ? i2d_PublicKey(key, &out) : i2d_PUBKEY(key, &out);
  std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return s;
}

TEST(Crypto, RsaPublicKeyShapes) {
  auto priv = PrivateKey::generate(KeyType::kRsa, 2048);
  ASSERT_TRUE(priv.has_value());
  std::string spki = *base64_decode(priv->public_key_base64());
  auto pem = priv->to_pem();
  // The same key as PKCS#1 RSAPublicKey, through OpenSSL.
  EVP_PKEY* parsed = nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(spki.data());
  parsed = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  ASSERT_NE(parsed, nullptr);
  std::string pkcs1 = der_of(parsed, true);
  EVP_PKEY_free(parsed);

  Digest d(HashAlg::kSha256);
  d.update("message");
  std::string digest = d.finish();
  auto sig = priv->sign(HashAlg::kSha256, digest);
  ASSERT_TRUE(sig.has_value());
  for (const std::string& der : {spki, pkcs1}) {
    auto k = PublicKey::from_der(KeyType::kRsa, der);
    ASSERT_TRUE(k.has_value()) << k.error().message;
    EXPECT_EQ(k->bits(), 2048);
    EXPECT_TRUE(k->verify(HashAlg::kSha256, digest, *sig));
    EXPECT_FALSE(k->verify(HashAlg::kSha1, digest.substr(0, 20), *sig));
    std::string bad = *sig;
    bad[10] ^= 1;
    EXPECT_FALSE(k->verify(HashAlg::kSha256, digest, bad));
    // Truncated or extended DER is refused.
    EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, der.substr(0, der.size() - 1)).has_value());
    EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, der + std::string(1, '\0')).has_value());
  }
}

TEST(Crypto, RsaKeyLimits) {
  // An EC key in SubjectPublicKeyInfo is not an RSA key.
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(ec, nullptr);
  std::string ec_der = der_of(ec, false);
  EVP_PKEY_free(ec);
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, ec_der).has_value());

  // RSAPublicKey { n, e } built by hand: DER SEQUENCE of two INTEGERs.
  auto rsa_der = [](const std::string& n, const std::string& e) {
    auto tlv = [](unsigned char tag, const std::string& v) {
      std::string out(1, static_cast<char>(tag));
      if (v.size() < 128) {
        out.push_back(static_cast<char>(v.size()));
      } else {
        out.push_back(static_cast<char>(0x82));
        out.push_back(static_cast<char>(v.size() >> 8));
        out.push_back(static_cast<char>(v.size() & 0xFF));
      }
      return out + v;
    };
    return tlv(0x30, tlv(0x02, n) + tlv(0x02, e));
  };
  std::string n1024 = std::string(1, '\0') + std::string(1, '\xC1') + std::string(127, '\x5A');
  n1024.back() = '\x5B';  // odd modulus
  auto ok = PublicKey::from_der(KeyType::kRsa, rsa_der(n1024, std::string("\x01\x00\x01", 3)));
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->bits(), 1024);
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, rsa_der(n1024, "\x04")).has_value());  // even
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, rsa_der(n1024, "\x01")).has_value());  // e=1
  std::string even_n = n1024;
  even_n.back() = '\x5A';
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, rsa_der(even_n, "\x03")).has_value());
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, rsa_der(n1024, std::string(9, '\x7F')))
                   .has_value());  // 71-bit exponent
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, rsa_der("\x80" + n1024, "\x03"))
                   .has_value());  // negative modulus
  std::string n9000(1125, '\x5B');
  n9000[0] = '\x41';
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, rsa_der(n9000, "\x03")).has_value());
  EXPECT_FALSE(PublicKey::from_der(KeyType::kRsa, "").has_value());
  EXPECT_FALSE(PublicKey::from_der(KeyType::kEd25519, std::string(31, 'x')).has_value());
}

}  // namespace
}  // namespace mw::auth::dkim
