#include "proto/http/server.h"

#include "proto/http/connection.h"

namespace mw::proto::http {

class HttpServer::Impl final : public detail::ServerCore {
 public:
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(core::Dispatcher& dispatcher, core::Logger& logger, Handler& handler,
                       HttpOptions options)
    : impl_(std::make_unique<Impl>(dispatcher, logger, handler, std::move(options))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::start(int listen_fd) { return impl_->connections.listen(listen_fd); }
void HttpServer::drain(std::function<void()> on_drained) {
  impl_->connections.drain(std::move(on_drained));
}
void HttpServer::stop() { impl_->connections.stop(); }
size_t HttpServer::connection_count() const { return impl_->connections.size(); }
bool HttpServer::draining() const { return impl_->draining(); }
const HttpServerStats& HttpServer::stats() const { return impl_->stats; }

}  // namespace mw::proto::http
