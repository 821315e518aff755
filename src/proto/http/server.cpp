#include "proto/http/server.h"

#include <unordered_map>
#include <vector>

#include "proto/http/connection.h"

namespace mw::proto::http {

using detail::HttpConnection;

class HttpServer::Impl final : public detail::ServerCore {
 public:
  Impl(core::Dispatcher& d, core::Logger& logger, Handler& handler, HttpOptions options)
      : ServerCore(d, logger, handler, std::move(options)), logger_(logger) {
    if (this->options.max_connections == 0) this->options.max_connections = 1;
  }

  ~Impl() override {
    drained_cb_ = nullptr;
    close_all();
  }

  Status start(int fd) {
    auto l = std::make_unique<Listener>(dispatcher, logger_, "http", fd,
                                        [this](UniqueFd conn, const PeerAddress& peer) {
                                          on_accept(std::move(conn), peer);
                                        });
    MW_TRY(l->start());
    if (draining || conns_.size() >= options.max_connections) l->pause();
    listeners_.push_back(std::move(l));
    return {};
  }

  void drain(std::function<void()> cb) {
    drained_cb_ = std::move(cb);
    draining = true;
    for (auto& l : listeners_) l->pause();
    for (uint64_t id : ids()) {
      auto it = conns_.find(id);
      if (it != conns_.end()) it->second->begin_drain();
    }
    check_drained();
  }

  void stop() {
    for (auto& l : listeners_) l->pause();
    stopped_ = true;
    close_all();
  }

  void release(uint64_t id) override {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    std::unique_ptr<core::Deletable> conn = std::move(it->second);
    conns_.erase(it);
    dispatcher.deferred_delete(std::move(conn));
    if (!draining && !stopped_ && conns_.size() < options.max_connections) {
      for (auto& l : listeners_) l->resume();
    }
    check_drained();
  }

  size_t count() const { return conns_.size(); }

 private:
  void on_accept(UniqueFd fd, const PeerAddress& peer) {
    if (draining || stopped_) return;  // closes the fd
    ++stats.connections_accepted;
    uint64_t id = next_id_++;
    auto conn = std::make_unique<HttpConnection>(*this, std::move(fd), peer, id);
    HttpConnection* raw = conn.get();
    conns_.emplace(id, std::move(conn));
    if (conns_.size() >= options.max_connections) {
      for (auto& l : listeners_) l->pause();
      log.debug("connection limit reached, accepting paused");
    }
    raw->start();
  }

  std::vector<uint64_t> ids() const {
    std::vector<uint64_t> out;
    out.reserve(conns_.size());
    for (const auto& [id, c] : conns_) out.push_back(id);
    return out;
  }

  void close_all() {
    for (uint64_t id : ids()) {
      auto it = conns_.find(id);
      if (it != conns_.end()) it->second->close();
    }
  }

  void check_drained() {
    if (!draining || !conns_.empty() || !drained_cb_) return;
    auto cb = std::move(drained_cb_);
    drained_cb_ = nullptr;
    dispatcher.post(std::move(cb));
  }

  core::Logger& logger_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<uint64_t, std::unique_ptr<HttpConnection>> conns_;
  uint64_t next_id_ = 1;
  bool stopped_ = false;
  std::function<void()> drained_cb_;
};

HttpServer::HttpServer(core::Dispatcher& dispatcher, core::Logger& logger, Handler& handler,
                       HttpOptions options)
    : impl_(std::make_unique<Impl>(dispatcher, logger, handler, std::move(options))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::start(int listen_fd) { return impl_->start(listen_fd); }
void HttpServer::drain(std::function<void()> on_drained) { impl_->drain(std::move(on_drained)); }
void HttpServer::stop() { impl_->stop(); }
size_t HttpServer::connection_count() const { return impl_->count(); }
bool HttpServer::draining() const { return impl_->draining; }
const HttpServerStats& HttpServer::stats() const { return impl_->stats; }

}  // namespace mw::proto::http
