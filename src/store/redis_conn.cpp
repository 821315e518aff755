#include "store/redis_conn.h"

#include <hiredis/adapters/libevent.h>

#include <algorithm>
#include <charconv>

namespace mw::store::redis {

namespace {

constexpr char kLog[] = "store";

std::optional<int> parse_port(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 1 || v > 65535) return std::nullopt;
  return v;
}

}  // namespace

std::string Endpoint::to_string() const {
  if (!unix_path.empty()) return unix_path;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<Endpoint> parse_endpoint(std::string_view s) {
  Endpoint ep;
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::kInvalidInput,
                "bad redis server \"" + std::string(s) + "\": " + std::string(why));
  };
  if (s.empty()) return bad("empty");
  if (s.front() == '/') {
    ep.unix_path = std::string(s);
    return ep;
  }
  std::string_view host = s, port;
  if (s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    host = s.substr(1, close - 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("expected ':' after ']'");
      port = rest.substr(1);
      if (port.empty()) return bad("empty port");
    }
  } else if (size_t colon = s.find(':'); colon != std::string_view::npos &&
                                         s.find(':', colon + 1) == std::string_view::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (port.empty()) return bad("empty port");
  }
  if (host.empty()) return bad("empty host");
  ep.host = std::string(host);
  if (!port.empty()) {
    auto p = parse_port(port);
    if (!p) return bad("port must be 1-65535");
    ep.port = *p;
  }
  return ep;
}

RedisConn::RedisConn(core::Dispatcher& d, core::Logger& log, Endpoint ep, ConnOptions opts)
    : dispatcher_(d), logger_(log), ep_(std::move(ep)), opts_(std::move(opts)) {
  deadline_timer_ = d.create_timer([this] { on_deadline(); });
  reconnect_timer_ = d.create_timer([this] { connect(); });
}

RedisConn::~RedisConn() {
  *alive_ = false;
  closing_ = true;
  deadline_timer_.reset();
  reconnect_timer_.reset();
  if (ctx_) {
    redisAsyncContext* c = ctx_.release();
    redisAsyncFree(c);  // runs the pending callbacks with no reply; complete() drops them
  }
  inflight_.clear();
}

void RedisConn::start() {
  if (state_ == State::kIdle) connect();
}

void RedisConn::connect() {
  if (!resolver_) {
    connect_to_endpoint();
    return;
  }
  state_ = State::kResolving;
  uint64_t gen = ++resolve_gen_;
  std::weak_ptr<bool> alive = alive_;
  resolver_([this, alive, gen](Result<Endpoint> ep) {
    auto a = alive.lock();
    if (!a || !*a || closing_ || state_ != State::kResolving || gen != resolve_gen_) return;
    if (!ep) {
      if (!logged_down_) {
        logger_.info(kLog, "redis master unknown: " + ep.error().message + "; retrying");
        logged_down_ = true;
      }
      wait_and_reconnect(ep.error().message);
      return;
    }
    if (ep->to_string() != ep_.to_string()) {
      logger_.info(kLog, "redis master is " + ep->to_string() + " (sentinel)");
      ep_ = std::move(*ep);
    }
    connect_to_endpoint();
  });
}

void RedisConn::reconnect_now(const std::string& why) {
  if (closing_) return;
  if (state_ == State::kWaiting || state_ == State::kResolving) {
    // Resolving: the answer on its way may predate the move; ask again (it is ignored).
    reconnect_timer_->disable();
    backoff_ = 0;
    connect();
  } else if (state_ == State::kConnected || state_ == State::kConnecting) {
    drop(Error{ErrorCode::kIo, "redis " + ep_.to_string() + ": " + why});
    backoff_ = 0;
    reconnect_timer_->disable();
    connect();
  }
}

void RedisConn::close(const std::string& why) {
  reconnect_timer_->disable();
  deadline_timer_->disable();
  state_ = State::kIdle;
  ++resolve_gen_;  // a resolve on its way is ignored
  if (!ctx_) return;
  for (auto& r : inflight_) {
    if (!r->error) r->error = Error{ErrorCode::kIo, "redis " + ep_.to_string() + ": " + why};
  }
  redisAsyncContext* c = ctx_.release();
  redisAsyncFree(c);  // fails what is in flight through complete()
}

void RedisConn::check_role() {
  auto req = std::make_unique<Request>();
  req->deadline = dispatcher_.monotonic() + opts_.timeout;
  req->fn = [this](Result<const redisReply*> r) {
    if (!r) return;  // connection errors: handled already
    const redisReply* rr = *r;
    bool master = rr->type == REDIS_REPLY_ARRAY && rr->elements > 0 &&
                  rr->element[0]->type == REDIS_REPLY_STRING &&
                  std::string_view(rr->element[0]->str, rr->element[0]->len) == "master";
    if (!master) {
      drop(Error{ErrorCode::kIo, "redis " + ep_.to_string() + " is not a master (yet)"});
    }
  };
  enqueue({"ROLE"}, std::move(req));
}

void RedisConn::connect_to_endpoint() {
  state_ = State::kConnecting;
  redisAsyncContext* raw = ep_.unix_path.empty()
                               ? redisAsyncConnect(ep_.host.c_str(), ep_.port)
                               : redisAsyncConnectUnix(ep_.unix_path.c_str());
  AsyncContextPtr c(raw);
  if (!c || c->err != 0) {
    std::string why = c ? c->errstr : "out of memory";
    c.reset();
    if (!logged_down_) {
      logger_.info(kLog, "redis " + ep_.to_string() + " unavailable: " + why + "; retrying");
      logged_down_ = true;
    }
    wait_and_reconnect(why);
    return;
  }
  c->data = this;
  if (redisLibeventAttach(c.get(), dispatcher_.base()) != REDIS_OK) {
    c.reset();
    logger_.error(kLog, "redis " + ep_.to_string() + ": cannot attach to the event loop");
    wait_and_reconnect("cannot attach to the event loop");
    return;
  }
  redisAsyncSetConnectCallback(c.get(), &RedisConn::on_connect);
  redisAsyncSetDisconnectCallback(c.get(), &RedisConn::on_disconnect);
  ctx_ = std::move(c);
  connect_deadline_ = dispatcher_.monotonic() + opts_.timeout;
  deadline_timer_->disable();
  arm_deadline();
  if (!opts_.password.empty()) send_internal({"AUTH", opts_.password}, "AUTH");
  if (opts_.db != 0) send_internal({"SELECT", std::to_string(opts_.db)}, "SELECT");
  if (resolver_) check_role();
}

void RedisConn::on_connect(const redisAsyncContext* ac, int status) {
  static_cast<RedisConn*>(ac->data)->connected(status, ac->errstr);
}

void RedisConn::on_disconnect(const redisAsyncContext* ac, int) {
  static_cast<RedisConn*>(ac->data)->disconnected(ac, ac->errstr);
}

void RedisConn::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  static_cast<RedisConn*>(ac->data)->complete(static_cast<Request*>(privdata),
                                              static_cast<const redisReply*>(reply));
}

void RedisConn::connected(int status, const char* errstr) {
  if (closing_) return;
  if (status != REDIS_OK) {
    // hiredis frees the context after this callback (failing what was queued).
    (void)ctx_.release();
    if (!logged_down_) {
      logger_.info(kLog, "redis " + ep_.to_string() + " unavailable: " +
                             std::string(errstr != nullptr ? errstr : "connect failed") +
                             "; retrying");
      logged_down_ = true;
    }
    wait_and_reconnect(errstr != nullptr && *errstr ? errstr : "connect failed");
    return;
  }
  state_ = State::kConnected;
  if (on_state_) on_state_(nullptr);
  if (logged_down_) {
    logger_.info(kLog, "redis " + ep_.to_string() + " reconnected");
    logged_down_ = false;
  } else {
    logger_.debug(kLog, "redis " + ep_.to_string() + " connected");
  }
}

void RedisConn::disconnected(const redisAsyncContext* ac, const char* errstr) {
  if (closing_ || ctx_.get() != ac) return;  // we dropped it ourselves
  // hiredis frees the context after this callback.
  (void)ctx_.release();
  if (!logged_down_) {
    logger_.info(kLog, "redis " + ep_.to_string() + " connection lost: " +
                           std::string(errstr != nullptr && *errstr ? errstr : "closed") +
                           "; reconnecting");
    logged_down_ = true;
  }
  wait_and_reconnect(errstr != nullptr && *errstr ? errstr : "connection closed");
}

void RedisConn::complete(Request* req, const redisReply* reply) {
  auto it = inflight_.begin();
  if (it == inflight_.end() || it->get() != req) {
    it = std::find_if(inflight_.begin(), inflight_.end(),
                      [req](const auto& r) { return r.get() == req; });
    if (it == inflight_.end()) return;
  }
  std::unique_ptr<Request> owned = std::move(*it);
  inflight_.erase(it);
  if (closing_) return;
  if (reply == nullptr) {
    owned->fn(fail(owned->error ? *owned->error
                                : Error{ErrorCode::kIo,
                                        "redis " + ep_.to_string() + ": connection lost"}));
    return;
  }
  if (reply->type != REDIS_REPLY_ERROR) backoff_ = 0;  // the server works
  bool demoted = reply->type == REDIS_REPLY_ERROR &&
                 std::string_view(reply->str, reply->len).starts_with("READONLY");
  owned->fn(reply);
  if (demoted && ctx_) {
    // A replica now (failover): writes fail until we find the new master.
    drop(Error{ErrorCode::kIo, "redis " + ep_.to_string() + " became a replica"});
  }
}

void RedisConn::send(const std::vector<std::string>& argv, ReplyFn fn) {
  if (state_ != State::kConnecting && state_ != State::kConnected) {
    fn(fail(ErrorCode::kIo, "redis " + ep_.to_string() + " unavailable (reconnecting)"));
    return;
  }
  if (inflight_.size() >= opts_.max_pending) {
    fn(fail(ErrorCode::kLimit, "redis " + ep_.to_string() + ": " +
                                   std::to_string(inflight_.size()) +
                                   " commands in flight (store.redis.max_pending)"));
    return;
  }
  auto req = std::make_unique<Request>();
  req->fn = std::move(fn);
  req->deadline = dispatcher_.monotonic() + opts_.timeout;
  enqueue(argv, std::move(req));
}

void RedisConn::send_internal(std::vector<std::string> argv, std::string what) {
  auto req = std::make_unique<Request>();
  req->deadline = dispatcher_.monotonic() + opts_.timeout;
  req->fn = [this, what = std::move(what)](Result<const redisReply*> r) {
    if (!r || (*r)->type != REDIS_REPLY_ERROR) return;  // connection errors: handled already
    std::string msg((*r)->str, (*r)->len);
    logger_.error(kLog, "redis " + ep_.to_string() + ": " + what + " failed: " + msg);
    logged_down_ = true;
    drop(Error{ErrorCode::kIo, "redis " + ep_.to_string() + ": " + what + " failed: " + msg});
  };
  enqueue(argv, std::move(req));
}

void RedisConn::enqueue(const std::vector<std::string>& argv, std::unique_ptr<Request> req) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  int rc = redisAsyncCommandArgv(ctx_.get(), &RedisConn::on_reply, req.get(),
                                 static_cast<int>(args.size()), args.data(), lens.data());
  if (rc != REDIS_OK) {
    req->fn(fail(ErrorCode::kIo, "redis " + ep_.to_string() + ": cannot send the command"));
    return;
  }
  inflight_.push_back(std::move(req));
  arm_deadline();
}

void RedisConn::drop(Error why) {
  if (!ctx_) return;
  if (!logged_down_) {
    logger_.info(kLog, why.message + "; reconnecting");
    logged_down_ = true;
  }
  for (auto& r : inflight_) {
    if (!r->error) r->error = why;
  }
  redisAsyncContext* c = ctx_.release();
  // Fails what is in flight through complete(); deferred by hiredis when called from one of
  // its callbacks.
  redisAsyncFree(c);
  wait_and_reconnect(why.message);
}

void RedisConn::wait_and_reconnect(std::string_view cause) {
  if (on_state_) {
    Error why{ErrorCode::kIo, "redis " + ep_.to_string() + " unavailable" +
                                  (cause.empty() ? std::string() : ": " + std::string(cause))};
    on_state_(&why);
  }
  state_ = State::kWaiting;
  deadline_timer_->disable();
  backoff_ = backoff_ <= 0 ? opts_.reconnect_min : std::min(backoff_ * 2, opts_.reconnect_max);
  reconnect_timer_->enable(backoff_);
}

void RedisConn::arm_deadline() {
  if (deadline_timer_->enabled()) return;
  double next = -1;
  if (state_ == State::kConnecting) next = connect_deadline_;
  if (!inflight_.empty()) {
    double d = inflight_.front()->deadline;
    next = next < 0 ? d : std::min(next, d);
  }
  if (next < 0) return;
  deadline_timer_->enable(std::max(0.0, next - dispatcher_.monotonic()));
}

void RedisConn::on_deadline() {
  double now = dispatcher_.monotonic();
  if (state_ == State::kConnecting && now >= connect_deadline_) {
    drop(Error{ErrorCode::kTimeout, "redis " + ep_.to_string() + ": connect timed out"});
    return;
  }
  if (!inflight_.empty() && now >= inflight_.front()->deadline) {
    drop(Error{ErrorCode::kTimeout, "redis " + ep_.to_string() + ": no reply within " +
                                        std::to_string(opts_.timeout) + "s"});
    return;
  }
  arm_deadline();
}

}  // namespace mw::store::redis
