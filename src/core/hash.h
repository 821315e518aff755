// Non-cryptographic hashing: FNV-1a, 64 bits. For identifiers and sharding, never for
// anything an attacker could exploit by choosing colliding inputs (use SHA-256 there).
//
// Ownership: none. Loop affinity: none. Failure modes: none.
#pragma once

#include <cstdint>
#include <string_view>

namespace mw::core {

// FNV-1a of `s` (offset basis 14695981039346656037, prime 1099511628211).
constexpr uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace mw::core
