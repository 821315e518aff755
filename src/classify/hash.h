// Token hashes: 64-bit, stable across machines and releases (they are what the statistics
// store keeps: changing them forgets every learned token, so the store keys carry a format
// version, see statistics.h).
//
// hash_bytes() mixes 8 bytes at a time (read little-endian whatever the machine) with a
// multiply-xorshift step and ends with the MurmurHash3 finaliser; a seed separates the kinds
// of tokens (words, subject words, URL hosts, header values, ...). pair_hash() makes the
// token of two words `gap` positions apart (orthogonal sparse bigrams): it is not symmetric
// and the gap is part of it, so "a b" and "b a", or "a _ b" and "a b", differ.
//
// Not a cryptographic hash: tokens come from mail anyone can send, but a collision only
// merges the counts of two tokens.
#pragma once

#include <cstdint>
#include <string_view>

namespace mw::classify {

inline uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t hash_bytes(std::string_view s, uint64_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  uint64_t h = seed ^ (0x9e3779b97f4a7c15ull * (n + 1));
  while (n >= 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | p[i];
    h = rotl64(h ^ fmix64(k), 27) * 0x9fb21c651e98df25ull;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  for (size_t i = n; i > 0; --i) tail = (tail << 8) | p[i - 1];
  h = rotl64(h ^ fmix64(tail ^ 0x2545f4914f6cdd1dull), 27) * 0x9fb21c651e98df25ull;
  return fmix64(h);
}

inline uint64_t pair_hash(uint64_t first, uint64_t second, unsigned gap) {
  return fmix64(first * 0x9e3779b97f4a7c15ull + rotl64(second, 23) * 0xbf58476d1ce4e5b9ull +
                (uint64_t{gap} << 56) + gap);
}

}  // namespace mw::classify
