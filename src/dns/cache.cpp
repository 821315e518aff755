#include "dns/cache.h"

#include <algorithm>
#include <cmath>

namespace mw::dns {

std::string AnswerCache::make_key(std::string_view name, RrType type) {
  std::string key(name);
  key.push_back('/');
  key.append(std::to_string(static_cast<uint16_t>(type)));
  return key;
}

std::optional<Reply> AnswerCache::lookup(std::string_view name, RrType type, double now) {
  if (capacity_ == 0) return std::nullopt;
  std::string key = make_key(name, type);
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  auto entry = it->second;
  if (entry->expires <= now) {
    map_.erase(it);
    lru_.erase(entry);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  Reply out = entry->reply;
  out.from_cache = true;
  auto left = static_cast<uint32_t>(std::ceil(entry->expires - now));
  for (auto& rec : out.answers) rec.ttl = std::min(rec.ttl, left);
  return out;
}

void AnswerCache::insert(std::string_view name, RrType type, const Reply& reply, uint32_t ttl,
                         double now) {
  if (capacity_ == 0 || ttl == 0) return;
  std::string key = make_key(name, type);
  auto it = map_.find(key);
  if (it != map_.end()) {
    auto entry = it->second;
    map_.erase(it);
    lru_.erase(entry);
  }
  while (map_.size() >= capacity_ && !lru_.empty()) {
    map_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{std::move(key), reply, now + static_cast<double>(ttl)});
  Entry& e = lru_.front();
  e.reply.from_cache = false;
  e.reply.truncated_retried = false;
  map_.emplace(std::string_view(e.key), lru_.begin());
}

void AnswerCache::clear() {
  map_.clear();
  lru_.clear();
}

}  // namespace mw::dns
