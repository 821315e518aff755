// AnswerCache: a bounded LRU of DNS outcomes, one per worker (owned by its UdpResolver).
//
// Keys are (ASCII query name, type). Entries hold positive answers and negative outcomes
// (NXDOMAIN, NODATA) with an absolute expiry time on the caller's clock; an expired entry is
// never returned and is dropped when met. When full, the least recently used entry goes.
//
// Ownership: the cache owns copies of the replies it stores. Loop affinity: none (the caller
// serialises access; a resolver uses it from its dispatcher thread only).
// Failure modes: none; capacity 0 stores nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dns/resolver.h"

namespace mw::dns {

class AnswerCache {
 public:
  explicit AnswerCache(size_t capacity) : capacity_(capacity) {}

  // The cached reply for (name, type) at time `now` (seconds), with from_cache = true and
  // each record's ttl lowered to the seconds left (rounded up); nullopt when absent/expired.
  std::optional<Reply> lookup(std::string_view name, RrType type, double now);

  // Store `reply` for `ttl` seconds from `now`, replacing any entry for the key.
  // A ttl of 0 stores nothing. The flags from_cache/truncated_retried are not kept.
  void insert(std::string_view name, RrType type, const Reply& reply, uint32_t ttl, double now);

  size_t size() const { return map_.size(); }
  size_t capacity() const { return capacity_; }
  void clear();

 private:
  struct Entry {
    std::string key;
    Reply reply;
    double expires = 0;
  };
  static std::string make_key(std::string_view name, RrType type);

  size_t capacity_;
  std::list<Entry> lru_;  // front = most recently used
  std::unordered_map<std::string_view, std::list<Entry>::iterator> map_;  // views into lru_
};

}  // namespace mw::dns
