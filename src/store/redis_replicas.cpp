#include "store/redis_replicas.h"

#include <algorithm>

namespace mw::store::redis {

void ReplicaSet::update(const std::vector<Endpoint>& replicas) {
  std::vector<std::unique_ptr<RedisConn>> next;
  for (const auto& ep : replicas) {
    std::string addr = ep.to_string();
    auto same = [&](const std::unique_ptr<RedisConn>& c) {
      return c && c->endpoint().to_string() == addr;
    };
    if (std::any_of(next.begin(), next.end(), same)) continue;  // listed twice
    auto it = std::find_if(conns_.begin(), conns_.end(), same);
    if (it != conns_.end()) {
      next.push_back(std::move(*it));
      continue;
    }
    logger_.info("store", "redis replica " + addr + " used for reads");
    next.push_back(std::make_unique<RedisConn>(dispatcher_, logger_, ep, opts_));
    next.back()->start();
  }
  for (auto& c : conns_) {
    if (!c) continue;
    logger_.info("store", "redis replica " + c->endpoint().to_string() + " no longer used");
    c->close("no longer a replica of the master");  // its readers fall back to the master
  }
  conns_ = std::move(next);
  next_ = 0;
}

RedisConn* ReplicaSet::pick() {
  for (size_t i = 0; i < conns_.size(); ++i) {
    RedisConn* c = conns_[(next_ + i) % conns_.size()].get();
    if (c->connected()) {
      next_ = (next_ + i + 1) % conns_.size();
      return c;
    }
  }
  return nullptr;
}

size_t ReplicaSet::connected() const {
  return static_cast<size_t>(
      std::count_if(conns_.begin(), conns_.end(), [](const auto& c) { return c->connected(); }));
}

std::vector<std::string> ReplicaSet::addresses() const {
  std::vector<std::string> out;
  for (const auto& c : conns_) out.push_back(c->endpoint().to_string());
  return out;
}

bool matches_prefix(std::string_view key, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [key](const std::string& p) { return key.starts_with(p); });
}

}  // namespace mw::store::redis
