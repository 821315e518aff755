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

ConnectionSet& HttpServer::connections() const { return impl_->connections; }
const HttpServerStats& HttpServer::stats() const { return impl_->stats; }

}  // namespace mw::proto::http
