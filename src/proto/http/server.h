// HttpServer: the scan protocol server on a worker's event loop.
//
// Given listening sockets the master bound (and every pre-forked worker shares), it accepts
// connections without blocking, reads and parses requests (HTTP/1.x and the legacy
// RSPAMC/SPAMC protocol, see parser.h), decompresses zstd bodies and hands each complete
// request to the Handler. The handler answers through a Responder, at once or later (an
// asynchronous scan); the server writes the reply and keeps the connection for the next
// request when both sides allow it. Requests on one connection are answered in order: bytes
// of a pipelined next request are buffered until the reply to the current one is written.
//
// Errors always get a reply with the right status and a JSON body
// {"error": "...", "error_domain": "protocol-error"} (legacy requests get a legacy error
// line), unless the client itself is gone: 400 malformed, 408 too slow, 413 body too large,
// 414/431 head too large, 415 unknown content coding, 417, 501, 505 (see parser.h), and 500
// when a handler drops a Responder without answering.
//
// Timeouts (HttpOptions): the request head must arrive within read_timeout of its first
// byte; while a body arrives, read_timeout is the silence allowed between reads; head and
// body together must arrive within request_timeout of the first byte (408 after it, however
// often the client sends a byte); a kept-alive
// connection may idle keepalive_timeout between requests; a client reading the reply may
// stall write_timeout. While the handler works no timer runs (the scan has its own budget).
// A client that closes its connection while its request is being handled cancels the
// request: the Responder reports cancelled() and its cancel callback runs (a legacy client
// may half-close after sending, as spamc does, and still gets its reply).
//
// Connection limit: with max_connections open, the server stops accepting (another worker
// or the kernel backlog takes the next clients) until one closes; a client address with
// max_connections_per_ip open has further connections closed at once.
//
// A Handler that throws (it must not) gets its request answered 500; the worker goes on.
//
// Drain (SIGTERM/SIGHUP): drain() stops accepting, closes idle connections, lets in-flight
// requests finish (their replies say `Connection: close`) and calls back once no connection
// is left. stop() closes everything at once, cancelling in-flight requests.
//
// Ownership: the server owns its connections; it does not own the listening sockets (they
// stay open) nor the Handler (which must outlive the server). A Responder may outlive both
// the connection and the server: it then reports cancelled() and send() does nothing.
// Loop affinity: everything runs on the Dispatcher's thread; the Handler is called from the
// loop, and Responder methods must be called from the loop.
// Failure modes: start() fails (kInvalidInput) for an fd that is not a listening socket.
// Nothing a client sends can crash or block the worker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"
#include "proto/http/request.h"
#include "proto/http/response.h"
#include "proto/connection_set.h"
#include "proto/options.h"
#include "proto/reply_channel.h"

namespace mw::proto::http {

// The channel back to one client for one request: send() may be called from inside
// Handler::handle() or any later loop callback.
using Responder = ReplyChannel<Response&&>;
// Destroying a Responder that has not sent (and is not cancelled) makes the server reply
// 500 "request dropped" so that the client is not left waiting.
using ResponderPtr = std::unique_ptr<Responder>;

// Implemented by the scan layer (and the controller).
class Handler {
 public:
  virtual ~Handler() = default;
  // A complete request. Answer through `responder`, now or later. REQUIRES: no throw.
  virtual void handle(Request&& request, ResponderPtr responder) = 0;
};

struct HttpServerStats {
  uint64_t connections_accepted = 0;
  uint64_t requests = 0;          // complete requests handed to the handler
  uint64_t protocol_errors = 0;   // requests refused by the server itself (4xx/5xx)
  uint64_t timeouts = 0;          // connections closed by a read or write timeout
  uint64_t cancelled = 0;         // requests whose client went away while handled
  uint64_t bytes_received = 0;
  uint64_t bytes_sent = 0;
};

// start(), drain() (in-flight requests are finished), stop(): ConnectionServer.
class HttpServer final : public ConnectionServer {
 public:
  HttpServer(core::Dispatcher& dispatcher, core::Logger& logger, Handler& handler,
             HttpOptions options);
  ~HttpServer();  // closes every connection (in-flight requests are cancelled)

  const HttpServerStats& stats() const;

  class Impl;

 private:
  ConnectionSet& connections() const override;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mw::proto::http
