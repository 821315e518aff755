// Private to the HTTP server: one client connection and the responder of its request.
//
// A connection goes through phases:
//   kReading    reading and parsing the next request (head deadline, body silence timer,
//               keep-alive idle timer between requests)
//   kHandling   the handler has the request; reads continue only to buffer pipelined bytes
//               and to notice a client that goes away
//   kWriting    the reply is being written (write timer)
//   kLingering  after a closing reply: our side is shut down for writing and what the client
//               still sends is read and dropped for a short while, so that closing with
//               unread bytes does not reset the connection before the client read the reply
//   kClosed     waiting for deferred deletion
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/log.h"
#include "core/loop.h"
#include "proto/connection_set.h"
#include "proto/http/parser.h"
#include "proto/http/server.h"
#include "proto/net.h"

namespace mw::proto::http::detail {

class HttpConnection;

// What connections need from their server: the server's state and its connection set.
class ServerCore {
 public:
  ServerCore(core::Dispatcher& d, core::Logger& logger, Handler& h, HttpOptions o);

  // The connection closed: drop it (deferred) and update accepting and draining.
  void release(uint64_t id) { connections.release(id); }
  bool draining() const { return connections.draining(); }
  // `Date:` value, formatted once per second.
  std::string_view date();

  core::Dispatcher& dispatcher;
  core::ModuleLog log;
  Handler& handler;
  HttpOptions options;
  HttpServerStats stats;

 private:
  std::string date_;
  long date_second_ = -1;

 public:
  ConnectionSet connections;  // last: its connections use everything above
};

class ResponderImpl final : public Responder {
 public:
  explicit ResponderImpl(HttpConnection* conn) : conn_(conn) {}
  ~ResponderImpl() override;
  void send(Response&& response) override;
  bool cancelled() const override { return cancelled_; }
  void set_cancel_callback(std::function<void()> cb) override { cancel_cb_ = std::move(cb); }

  // From the connection: the request is cancelled (client gone / connection closed).
  void cancel();

 private:
  HttpConnection* conn_;
  bool sent_ = false;
  bool cancelled_ = false;
  std::function<void()> cancel_cb_;
};

class HttpConnection final : public ServerConnection {
 public:
  HttpConnection(ServerCore& server, UniqueFd fd, PeerAddress peer, uint64_t id);
  ~HttpConnection() override;

  void start() override;
  // Draining: no more keep-alive; an idle connection closes now.
  void begin_drain() override;
  // Close at once (server stop); an in-flight request is cancelled.
  void close_now() override { close(); }
  void close();
  bool closed() const { return phase_ == Phase::kClosed; }

  // From the responder.
  void on_response(Response&& response);
  void on_responder_gone(ResponderImpl* responder, bool sent);

 private:
  enum class Phase { kReading, kHandling, kWriting, kLingering, kClosed };
  enum class ReadOutcome { kOk, kEof, kError };

  void on_events(uint32_t events);
  void on_timer();
  void on_readable();
  ReadOutcome read_input();
  void on_peer_eof();
  void process_input();
  void compact_input();
  void dispatch(Request&& request);
  void handler_threw(std::string_view what);
  void reply_error(int status, std::string_view reason);
  void write(std::string bytes, bool close_after);
  void flush();
  void after_write();
  void linger();
  void client_gone(std::string_view why);
  void set_watch(uint32_t events);
  void update_watch();
  void arm_reading_timer();
  bool idle() const;
  std::string_view pending_input() const { return std::string_view(in_).substr(in_pos_); }

  ServerCore& server_;
  UniqueFd fd_;
  PeerAddress peer_;
  PeerAddress local_;  // our address on the connection (TCP only)
  uint64_t id_;
  Phase phase_ = Phase::kReading;
  core::FdEventPtr event_;
  uint32_t watching_ = 0;
  core::TimerPtr timer_;
  RequestParser parser_;
  std::string in_;
  size_t in_pos_ = 0;
  OutBuffer out_;
  ResponderImpl* responder_ = nullptr;  // not owned: the handler owns it
  Protocol protocol_ = Protocol::kHttp;  // of the request being handled
  bool head_request_ = false;
  bool keep_alive_ = false;
  bool close_after_write_ = false;
  bool continue_sent_ = false;
  bool peer_eof_ = false;
  bool draining_ = false;
  bool served_one_ = false;  // at least one request answered on this connection
  bool processing_ = false;  // inside process_input()
  double request_start_ = 0;  // first byte of the current request's head
  double linger_deadline_ = 0;
};

}  // namespace mw::proto::http::detail
