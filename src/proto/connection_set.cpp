#include "proto/connection_set.h"

namespace mw::proto {

ConnectionSet::ConnectionSet(core::Dispatcher& dispatcher, core::Logger& logger,
                             std::string_view module, size_t max_connections, size_t max_per_ip,
                             Factory make)
    : dispatcher_(dispatcher), logger_(logger), module_(module), log_(logger, module),
      max_(max_connections == 0 ? 1 : max_connections), max_per_ip_(max_per_ip),
      make_(std::move(make)) {}

ConnectionSet::~ConnectionSet() {
  drained_cb_ = nullptr;
  close_all();
}

Status ConnectionSet::listen(int fd) {
  auto l = std::make_unique<Listener>(dispatcher_, logger_, module_, fd,
                                      [this](UniqueFd conn, const PeerAddress& peer) {
                                        on_accept(std::move(conn), peer);
                                      });
  MW_TRY(l->start());
  if (draining_ || conns_.size() >= max_) l->pause();
  listeners_.push_back(std::move(l));
  return {};
}

void ConnectionSet::on_accept(UniqueFd fd, const PeerAddress& peer) {
  if (draining_ || stopped_) return;  // closes the fd
  if (!peer.unix_socket && max_per_ip_ > 0) {
    size_t& open = per_ip_[peer.ip];
    if (open >= max_per_ip_) {
      ++refused_per_ip_;
      double now = dispatcher_.monotonic();
      if (now - last_refusal_log_ >= 10) {
        last_refusal_log_ = now;
        log_.warn("refusing connections from " + peer.ip + ": it has " +
                  std::to_string(open) + " open (max_connections_per_ip)");
      }
      return;  // closes the fd
    }
  }
  uint64_t id = next_id_++;
  auto conn = make_(std::move(fd), peer, id);
  ServerConnection* raw = conn.get();
  conns_.emplace(id, std::move(conn));
  if (!peer.unix_socket && max_per_ip_ > 0) {
    ++per_ip_[peer.ip];
    conn_ip_.emplace(id, peer.ip);
  }
  if (conns_.size() >= max_) {
    for (auto& l : listeners_) l->pause();
    log_.debug("connection limit reached, accepting paused");
  }
  raw->start();
}

std::vector<uint64_t> ConnectionSet::ids() const {
  std::vector<uint64_t> out;
  out.reserve(conns_.size());
  for (const auto& [id, c] : conns_) out.push_back(id);
  return out;
}

// By id: closing a connection releases it (and may release others) while we iterate.
void ConnectionSet::close_all() {
  for (uint64_t id : ids()) {
    auto it = conns_.find(id);
    if (it != conns_.end()) it->second->close_now();
  }
}

void ConnectionSet::drain(std::function<void()> cb) {
  drained_cb_ = std::move(cb);
  draining_ = true;
  for (auto& l : listeners_) l->pause();
  for (uint64_t id : ids()) {
    auto it = conns_.find(id);
    if (it != conns_.end()) it->second->begin_drain();
  }
  check_drained();
}

void ConnectionSet::stop() {
  stopped_ = true;
  for (auto& l : listeners_) l->pause();
  close_all();
}

void ConnectionSet::release(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  std::unique_ptr<core::Deletable> conn = std::move(it->second);
  conns_.erase(it);
  if (auto ip = conn_ip_.find(id); ip != conn_ip_.end()) {
    auto count = per_ip_.find(ip->second);
    if (count != per_ip_.end() && --count->second == 0) per_ip_.erase(count);
    conn_ip_.erase(ip);
  }
  dispatcher_.deferred_delete(std::move(conn));
  if (!draining_ && !stopped_ && conns_.size() < max_) {
    for (auto& l : listeners_) l->resume();
  }
  check_drained();
}

void ConnectionSet::check_drained() {
  if (!draining_ || !conns_.empty() || !drained_cb_) return;
  auto cb = std::move(drained_cb_);
  drained_cb_ = nullptr;
  dispatcher_.post(std::move(cb));
}

}  // namespace mw::proto
