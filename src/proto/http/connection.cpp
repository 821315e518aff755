#include "proto/http/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "core/json.h"
#include "proto/http/compression.h"
#include "proto/http/legacy.h"

namespace mw::proto::http::detail {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerWake = 16;              // at most 1 MiB per wake-up (fairness)
constexpr size_t kPipelineBuffer = 256 * 1024;  // next-request bytes buffered while handling
constexpr double kLingerSilence = 2.0;         // lingering close: silence that ends it
constexpr double kLingerMax = 5.0;             // lingering close: total time

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kLimit: return 413;
    case ErrorCode::kUnsupported: return 415;
    case ErrorCode::kInvalidInput: return 400;
    default: return 500;
  }
}

// The "error" member of a JSON error body, else the reason phrase.
std::string error_text(const Response& r) {
  if (auto v = json::parse(r.body); v && v->is_object()) {
    if (const json::Value* e = v->find("error"); e != nullptr && e->is_string()) {
      return e->as_string();
    }
  }
  return r.reason.empty() ? std::string(reason_phrase(r.status)) : r.reason;
}

}  // namespace

ServerCore::ServerCore(core::Dispatcher& d, core::Logger& logger, Handler& h, HttpOptions o)
    : dispatcher(d), log(logger, "http"), handler(h), options(std::move(o)),
      connections(d, logger, "http", options.max_connections, options.max_connections_per_ip,
                  [this](UniqueFd fd, const PeerAddress& peer, uint64_t id) {
                    ++stats.connections_accepted;
                    return std::make_unique<HttpConnection>(*this, std::move(fd), peer, id);
                  }) {}

std::string_view ServerCore::date() {
  std::time_t now = std::time(nullptr);
  if (static_cast<long>(now) != date_second_) {
    date_ = http_date(now);
    date_second_ = static_cast<long>(now);
  }
  return date_;
}

// ------------------------------------------------------------------------------------------
// ResponderImpl

ResponderImpl::~ResponderImpl() {
  if (conn_ != nullptr) conn_->on_responder_gone(this, sent_);
}

void ResponderImpl::send(Response&& response) {
  if (sent_ || cancelled_ || conn_ == nullptr) return;
  sent_ = true;
  HttpConnection* conn = conn_;
  conn_ = nullptr;
  cancel_cb_ = nullptr;
  conn->on_response(std::move(response));
}

void ResponderImpl::cancel() {
  conn_ = nullptr;
  if (sent_ || cancelled_) return;
  cancelled_ = true;
  auto cb = std::move(cancel_cb_);
  cancel_cb_ = nullptr;
  if (cb) cb();  // may destroy this responder: nothing below touches it
}

// ------------------------------------------------------------------------------------------
// HttpConnection

HttpConnection::HttpConnection(ServerCore& server, UniqueFd fd, PeerAddress peer, uint64_t id)
    : server_(server), fd_(std::move(fd)), peer_(std::move(peer)), id_(id),
      parser_(server.options.limits) {
  if (!peer_.unix_socket) local_ = local_address(fd_.get());
  timer_ = server_.dispatcher.create_timer([this] { on_timer(); });
}

HttpConnection::~HttpConnection() {
  if (responder_ != nullptr) {
    ResponderImpl* r = responder_;
    responder_ = nullptr;
    r->cancel();
  }
}

void HttpConnection::start() {
  if (!peer_.unix_socket) {
    int one = 1;
    ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  request_start_ = server_.dispatcher.monotonic();
  set_watch(core::kRead);
  arm_reading_timer();
}

void HttpConnection::set_watch(uint32_t events) {
  if (events == watching_) return;
  if (events == 0) {
    event_.reset();
  } else if (!event_) {
    event_ = server_.dispatcher.create_fd_event(fd_.get(), events,
                                                [this](uint32_t ev) { on_events(ev); });
  } else {
    event_->set_events(events);
  }
  watching_ = events;
}

void HttpConnection::update_watch() {
  uint32_t ev = 0;
  switch (phase_) {
    case Phase::kReading:
      if (!peer_eof_) ev = core::kRead;
      break;
    case Phase::kHandling:
    case Phase::kWriting:
      if (!peer_eof_ && pending_input().size() < kPipelineBuffer) ev = core::kRead;
      break;
    case Phase::kLingering:
      ev = core::kRead;
      break;
    case Phase::kClosed:
      set_watch(0);
      return;
  }
  if (!out_.empty()) ev |= core::kWrite;
  set_watch(ev);
}

bool HttpConnection::idle() const {
  return phase_ == Phase::kReading && !parser_.in_progress() && pending_input().empty() &&
         out_.empty();
}

void HttpConnection::arm_reading_timer() {
  if (phase_ != Phase::kReading) return;
  const HttpOptions& o = server_.options;
  double now = server_.dispatcher.monotonic();
  // The whole request (head and body) must arrive within request_timeout of its first
  // byte, however often the client sends something.
  double total_left = std::max(0.0, request_start_ + o.request_timeout - now);
  if (parser_.head_complete()) {
    timer_->enable(std::min(o.read_timeout, total_left));  // body: silence between reads
  } else if (served_one_ && !parser_.in_progress() && pending_input().empty()) {
    timer_->enable(o.keepalive_timeout);  // idle between requests
  } else {
    timer_->enable(std::min(std::max(0.0, request_start_ + o.read_timeout - now),
                            total_left));  // head deadline
  }
}

void HttpConnection::on_timer() {
  switch (phase_) {
    case Phase::kReading:
      if (idle()) {
        server_.log.debug("closing idle connection from " + peer_.to_string());
        close();
      } else {
        ++server_.stats.timeouts;
        reply_error(408, "request timeout");
      }
      return;
    case Phase::kWriting:
      ++server_.stats.timeouts;
      server_.log.debug("write timeout, closing connection from " + peer_.to_string());
      close();
      return;
    case Phase::kLingering:
      close();  // silence or the deadline: the client had its chance to read the reply
      return;
    case Phase::kHandling:
    case Phase::kClosed:
      return;
  }
}

void HttpConnection::on_events(uint32_t events) {
  if (phase_ == Phase::kClosed) return;
  if (events & core::kWrite) {
    flush();
    if (phase_ == Phase::kClosed) return;
  }
  if (events & core::kRead) on_readable();
}

HttpConnection::ReadOutcome HttpConnection::read_input() {
  for (int i = 0; i < kReadsPerWake; ++i) {
    if ((phase_ == Phase::kHandling || phase_ == Phase::kWriting) &&
        pending_input().size() >= kPipelineBuffer) {
      break;  // enough of the next request is buffered; update_watch() stops reading
    }
    bool fresh = phase_ == Phase::kReading && !parser_.in_progress() && pending_input().empty();
    IoResult r = read_some(fd_.get(), in_, kReadChunk);
    if (r.status == IoStatus::kOk) {
      server_.stats.bytes_received += r.bytes;
      if (phase_ == Phase::kLingering) {
        in_.clear();
        in_pos_ = 0;
      } else if (fresh) {
        request_start_ = server_.dispatcher.monotonic();
      }
      if (r.bytes < kReadChunk) break;
      continue;
    }
    if (r.status == IoStatus::kWouldBlock) break;
    if (r.status == IoStatus::kEof) return ReadOutcome::kEof;
    return ReadOutcome::kError;
  }
  return ReadOutcome::kOk;
}

void HttpConnection::on_readable() {
  ReadOutcome r = read_input();
  if (r == ReadOutcome::kError) {
    client_gone("read error");
    return;
  }
  switch (phase_) {
    case Phase::kLingering:
      if (r == ReadOutcome::kEof || server_.dispatcher.monotonic() >= linger_deadline_) {
        close();
      } else {
        timer_->enable(std::min(kLingerSilence,
                                linger_deadline_ - server_.dispatcher.monotonic()));
      }
      return;
    case Phase::kReading:
      process_input();
      break;
    case Phase::kHandling:
    case Phase::kWriting:
      break;
    case Phase::kClosed:
      return;
  }
  if (r == ReadOutcome::kEof) {
    on_peer_eof();
  } else {
    update_watch();
  }
}

void HttpConnection::on_peer_eof() {
  peer_eof_ = true;
  switch (phase_) {
    case Phase::kReading:
      parser_.finish();
      if (parser_.complete()) {
        dispatch(parser_.take());
      } else if (parser_.failed()) {
        reply_error(parser_.error().status, parser_.error().reason);
      } else if (!pending_input().empty()) {
        reply_error(400, "connection closed inside the request head");
      } else {
        close();  // between requests: the client is done
      }
      return;
    case Phase::kHandling:
      if (protocol_ == Protocol::kHttp) {
        client_gone("client closed the connection");
      } else {
        update_watch();  // legacy clients may half-close and wait for the reply
      }
      return;
    case Phase::kWriting:
      update_watch();  // finish the reply; the connection closes after it
      return;
    case Phase::kLingering:
      close();
      return;
    case Phase::kClosed:
      return;
  }
}

void HttpConnection::compact_input() {
  if (in_pos_ == 0) return;
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ >= kReadChunk) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
}

void HttpConnection::process_input() {
  if (processing_) return;  // re-entered from a synchronous reply: the loop below continues
  processing_ = true;
  while (phase_ == Phase::kReading) {
    size_t n = parser_.feed(pending_input());
    in_pos_ += n;
    if (parser_.failed()) {
      reply_error(parser_.error().status, parser_.error().reason);
      break;
    }
    if (parser_.complete()) {
      compact_input();
      dispatch(parser_.take());
      continue;  // a synchronous reply may have brought us back to kReading
    }
    compact_input();
    if (parser_.expects_continue() && !continue_sent_) {
      continue_sent_ = true;
      out_.append(kContinueResponse);
      server_.stats.bytes_sent += kContinueResponse.size();
      if (out_.flush(fd_.get()) == IoStatus::kError) {
        processing_ = false;
        client_gone("write error");
        return;
      }
    }
    arm_reading_timer();
    update_watch();
    break;
  }
  processing_ = false;
  if (phase_ == Phase::kReading && peer_eof_) on_peer_eof();
}

void HttpConnection::dispatch(Request&& request) {
  phase_ = Phase::kHandling;
  timer_->disable();
  continue_sent_ = false;
  protocol_ = request.protocol;
  head_request_ = request.method == "HEAD";
  keep_alive_ = request.keep_alive && server_.options.keepalive_timeout > 0;
  if (Status st = decode_request_body(request, server_.options.limits.max_body_size); !st) {
    reply_error(status_for(st.error().code), st.error().message);
    return;
  }
  request.peer = peer_;
  request.local = local_;
  request.received_at = server_.dispatcher.monotonic();
  ++server_.stats.requests;
  if (server_.log.enabled(core::LogLevel::kDebug)) {
    server_.log.debug(request.method + " " + request.path + " from " + peer_.to_string() +
                      ", body " + std::to_string(request.body.size()) + " bytes");
  }
  auto responder = std::make_unique<ResponderImpl>(this);
  responder_ = responder.get();
  update_watch();
  // A handler must not throw; one that does answers 500 and the worker goes on.
  try {
    server_.handler.handle(std::move(request), std::move(responder));
  } catch (const std::exception& e) {
    handler_threw(e.what());
  } catch (...) {
    handler_threw("unknown exception");
  }
}

void HttpConnection::handler_threw(std::string_view what) {
  server_.log.error("request handler failed for a request from " + peer_.to_string() + ": " +
                    std::string(what));
  // The responder went away with the exception (and a 500 is on its way), or the handler
  // still holds it: cancel it and answer here.
  if (phase_ == Phase::kHandling) reply_error(500, "internal error");
}

void HttpConnection::on_response(Response&& response) {
  responder_ = nullptr;
  if (phase_ != Phase::kHandling) return;
  if (response.raw) {
    write(std::move(response.body), true);
    return;
  }
  if (protocol_ != Protocol::kHttp) {
    // A legacy client cannot read an HTTP reply: send its protocol's error line, or the
    // body as is.
    if (response.status >= 400) {
      write(format_legacy_error(protocol_, response.status, error_text(response)), true);
    } else {
      write(std::move(response.body), true);
    }
    return;
  }
  bool keep = keep_alive_ && !response.close && !draining_ && !server_.draining() && !peer_eof_;
  ReplyContext ctx;
  ctx.head_request = head_request_;
  ctx.keep_alive = keep;
  ctx.server = server_.options.server_name;
  ctx.date = server_.date();
  if (response.compress && !response.body.empty()) {
    if (auto z = zstd_compress(response.body)) {
      response.body = std::move(*z);
      ctx.compressed = true;
    } else {
      server_.log.warn("reply sent uncompressed: " + z.error().message);
    }
  }
  write(serialize_response(response, ctx), !keep);
}

void HttpConnection::on_responder_gone(ResponderImpl* responder, bool sent) {
  if (responder_ == responder) responder_ = nullptr;
  if (!sent && phase_ == Phase::kHandling) {
    server_.log.warn("handler dropped a request from " + peer_.to_string() + " unanswered");
    reply_error(500, "request dropped");
  }
}

void HttpConnection::reply_error(int status, std::string_view reason) {
  ++server_.stats.protocol_errors;
  server_.log.info("request from " + peer_.to_string() + " refused: " + std::to_string(status) +
                   " " + std::string(reason));
  if (responder_ != nullptr) {
    ResponderImpl* r = responder_;
    responder_ = nullptr;
    r->cancel();
  }
  Protocol protocol = phase_ == Phase::kHandling ? protocol_ : parser_.protocol();
  if (protocol != Protocol::kHttp) {
    write(format_legacy_error(protocol, status, reason), true);
    return;
  }
  ReplyContext ctx;
  ctx.keep_alive = false;
  ctx.server = server_.options.server_name;
  ctx.date = server_.date();
  write(serialize_response(Response::error(status, reason), ctx), true);
}

void HttpConnection::write(std::string bytes, bool close_after) {
  phase_ = Phase::kWriting;
  close_after_write_ = close_after;
  server_.stats.bytes_sent += bytes.size();
  out_.append(bytes);
  timer_->enable(server_.options.write_timeout);
  flush();
}

void HttpConnection::flush() {
  IoStatus s = out_.flush(fd_.get());
  if (s == IoStatus::kError) {
    client_gone("write error");
    return;
  }
  if (s == IoStatus::kWouldBlock) {
    if (phase_ == Phase::kWriting) timer_->enable(server_.options.write_timeout);
    update_watch();
    return;
  }
  if (phase_ == Phase::kWriting) {
    after_write();
  } else {
    update_watch();
  }
}

void HttpConnection::after_write() {
  timer_->disable();
  if (close_after_write_) {
    linger();
    return;
  }
  served_one_ = true;
  phase_ = Phase::kReading;
  request_start_ = server_.dispatcher.monotonic();
  if ((draining_ || server_.draining()) && idle()) {
    close();
    return;
  }
  update_watch();
  arm_reading_timer();
  process_input();  // a pipelined request may be waiting (no-op when already inside)
}

void HttpConnection::linger() {
  phase_ = Phase::kLingering;
  ::shutdown(fd_.get(), SHUT_WR);
  in_.clear();
  in_pos_ = 0;
  if (peer_eof_) {
    close();
    return;
  }
  linger_deadline_ = server_.dispatcher.monotonic() + kLingerMax;
  update_watch();
  timer_->enable(kLingerSilence);
}

void HttpConnection::client_gone(std::string_view why) {
  server_.log.debug("connection from " + peer_.to_string() + " lost: " + std::string(why));
  close();
}

void HttpConnection::begin_drain() {
  draining_ = true;
  if (!idle()) return;
  if (served_one_) {
    close();  // idle between keep-alive requests: the client expects this may happen
    return;
  }
  // A connection accepted but not yet read from: its request may be in flight (or already in
  // the socket buffer). Give it a short grace instead of dropping it, so that a reload never
  // breaks a request that was sent to a worker just before it started draining.
  timer_->enable(std::min(2.0, server_.options.read_timeout));
}

void HttpConnection::close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  timer_->disable();
  set_watch(0);
  if (responder_ != nullptr) {
    ResponderImpl* r = responder_;
    responder_ = nullptr;
    ++server_.stats.cancelled;
    r->cancel();
  }
  fd_.reset();
  server_.release(id_);  // deletion is deferred: `this` stays valid until the loop unwinds
}

}  // namespace mw::proto::http::detail
