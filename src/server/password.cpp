#include "server/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

namespace mw::server {

namespace {

std::string b64(const unsigned char* p, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

bool unb64(std::string_view s, std::vector<unsigned char>& out) {
  if (s.empty() || s.size() % 4 != 0) return false;
  out.resize(s.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  if (n < 0) return false;
  size_t pad = 0;
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return true;
}

bool derive(std::string_view password, const std::vector<unsigned char>& salt, int iterations,
            std::vector<unsigned char>& out) {
  out.resize(32);
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(out.size()), out.data()) == 1;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, int iterations) {
  std::vector<unsigned char> salt(16);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return fail(ErrorCode::kInternal, "no random bytes for the salt");
  }
  std::vector<unsigned char> dk;
  if (!derive(password, salt, iterations, dk)) return fail(ErrorCode::kInternal, "PBKDF2 failed");
  return "$pbkdf2-sha256$" + std::to_string(iterations) + "$" + b64(salt.data(), salt.size()) +
         "$" + b64(dk.data(), dk.size());
}

bool is_password_hash(std::string_view stored) { return stored.rfind("$pbkdf2-sha256$", 0) == 0; }

bool verify_password(std::string_view password, std::string_view stored) {
  if (!is_password_hash(stored)) return false;
  std::string_view rest = stored.substr(15);
  auto d1 = rest.find('$');
  if (d1 == std::string_view::npos) return false;
  auto d2 = rest.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  int iterations = std::atoi(std::string(rest.substr(0, d1)).c_str());
  if (iterations < 1000 || iterations > 10000000) return false;
  std::vector<unsigned char> salt, want, got;
  if (!unb64(rest.substr(d1 + 1, d2 - d1 - 1), salt) || !unb64(rest.substr(d2 + 1), want)) {
    return false;
  }
  if (!derive(password, salt, iterations, got) || got.size() != want.size()) return false;
  return CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}

}  // namespace mw::server
