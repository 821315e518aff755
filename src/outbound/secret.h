// Keyed hashing of identifiers in outbound profiles (privacy: the store holds no recipient,
// IP or user name in clear) and the secret it is keyed with.
//
// Ownership: plain values. Loop affinity: none (load_or_create_secret does blocking file I/O:
// call it at configuration time).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace mw::outbound {

// The secret kept in `path` (hex, at least 32 characters), created with 32 random bytes and
// mode 0600 when absent. When another process creates it at the same moment, its secret is
// used. Fails (kIo, kInternal) when the file can be neither read nor created.
Result<std::string> load_or_create_secret(const std::string& path);

// The secret kept in `path`, or "" when the file is missing, unreadable or too short.
std::string read_secret(const std::string& path);
// A new random secret (32 random bytes as hex). Fails (kInternal) without randomness.
Result<std::string> random_secret();

// HMAC-SHA256 of `data` keyed with `key`, the first 128 bits as 32 lower-case hex digits.
std::string keyed_hash(std::string_view key, std::string_view data);

}  // namespace mw::outbound
