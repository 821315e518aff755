// Controller passwords, stored as salted PBKDF2-HMAC-SHA256 hashes, never in clear:
//   $pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>
// `mailward pw` prints a hash for the configuration. Plain-text passwords in the
// configuration are refused by the controller (it logs an error and locks the endpoints).
#pragma once

#include <string>
#include <string_view>

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

// The controller checks passwords through PasswordCheck (password_check.h): off its loop,
// rate-limited per client, verified passwords remembered briefly.

}  // namespace mw::server
