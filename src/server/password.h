// Controller passwords, stored as salted PBKDF2-HMAC-SHA256 hashes, never in clear:
//   $pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>
// `mailward pw` prints a hash for the configuration. Plain-text passwords in the
// configuration are refused by the controller (it logs an error and locks the endpoints).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::server {

inline constexpr int kPbkdf2Iterations = 200000;

// Hash `password` with a fresh random salt.
Result<std::string> hash_password(std::string_view password, int iterations = kPbkdf2Iterations);
// Check `password` against a stored hash (constant-time comparison). False for malformed
// hashes.
bool verify_password(std::string_view password, std::string_view stored);
// True when `stored` looks like one of our hashes.
bool is_password_hash(std::string_view stored);

// verify_password() that remembers the passwords that verified, so that a client sending the
// same password with every request (rspamc learning a folder: one request per message) pays
// the PBKDF2 cost once per process instead of once per request. Only successes are kept (a
// wrong guess always costs the full PBKDF2), as digests keyed with a random per-process key
// (HMAC-SHA256 of the stored hash and the password), never the password; at most kEntries,
// the oldest forgotten first. One thread at a time.
class PasswordCache {
 public:
  static constexpr size_t kEntries = 16;
  PasswordCache();
  bool verify(std::string_view password, std::string_view stored);

 private:
  std::string key_;
  std::vector<std::string> entries_;  // oldest first
};


}  // namespace mw::server
