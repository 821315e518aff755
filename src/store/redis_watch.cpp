#include "store/redis_watch.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/hiredis.h>

#include <algorithm>

namespace mw::store::redis {

namespace {

constexpr char kLog[] = "store";
constexpr char kChannel[] = "+switch-master";

std::string_view next_word(std::string_view& s) {
  size_t sp = s.find(' ');
  std::string_view w = s.substr(0, sp);
  s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  return w;
}

}  // namespace

std::optional<Endpoint> parse_switch_master(std::string_view message,
                                            std::string_view master_name) {
  std::string_view rest = message;
  std::string_view words[5];
  for (auto& w : words) {
    w = next_word(rest);
    if (w.empty()) return std::nullopt;
  }
  if (!rest.empty() || words[0] != master_name) return std::nullopt;
  std::string host(words[3]);
  std::string addr = host.find(':') != std::string::npos ? "[" + host + "]:" : host + ":";
  auto ep = parse_endpoint(addr + std::string(words[4]));
  if (!ep || !ep->unix_path.empty()) return std::nullopt;
  return std::move(*ep);
}

// One sentinel's subscription.
class SwitchWatch::Sub {
 public:
  Sub(core::Dispatcher& d, core::Logger& log, Endpoint ep, const std::string& name,
      const ConnOptions& opts, const SwitchFn& fn)
      : dispatcher_(d), logger_(log), ep_(std::move(ep)), name_(name), opts_(opts), fn_(fn) {
    timer_ = d.create_timer([this] { on_timer(); });
    connect();
  }
  ~Sub() {
    closing_ = true;
    timer_.reset();
    if (ctx_) redisAsyncFree(ctx_.release());  // runs the callbacks with no reply: ignored
  }
  Sub(const Sub&) = delete;
  Sub& operator=(const Sub&) = delete;

  bool subscribed() const { return subscribed_; }

 private:
  void connect() {
    waiting_ = false;
    subscribed_ = false;
    AsyncContextPtr c(ep_.unix_path.empty() ? redisAsyncConnect(ep_.host.c_str(), ep_.port)
                                            : redisAsyncConnectUnix(ep_.unix_path.c_str()));
    if (!c || c->err != 0) {
      retry(c ? c->errstr : "out of memory");
      return;
    }
    c->data = this;
    if (redisLibeventAttach(c.get(), dispatcher_.base()) != REDIS_OK) {
      retry("cannot attach to the event loop");
      return;
    }
    redisAsyncSetConnectCallback(c.get(), &Sub::on_connect);
    redisAsyncSetDisconnectCallback(c.get(), &Sub::on_disconnect);
    if (redisAsyncCommand(c.get(), &Sub::on_message, this, "SUBSCRIBE %s", kChannel) !=
        REDIS_OK) {
      retry("cannot send SUBSCRIBE");
      return;
    }
    ctx_ = std::move(c);
    timer_->enable(opts_.timeout);  // the subscription must be confirmed by then
  }

  static void on_connect(const redisAsyncContext* ac, int status) {
    auto* self = static_cast<Sub*>(ac->data);
    if (status == REDIS_OK || self->closing_) return;
    (void)self->ctx_.release();  // hiredis frees the context after this callback
    self->retry(ac->errstr);
  }

  static void on_disconnect(const redisAsyncContext* ac, int) {
    auto* self = static_cast<Sub*>(ac->data);
    if (self->closing_ || self->ctx_.get() != ac) return;  // we dropped it ourselves
    (void)self->ctx_.release();  // hiredis frees the context after this callback
    self->retry(*ac->errstr ? ac->errstr : "connection closed");
  }

  static void on_message(redisAsyncContext* ac, void* reply, void*) {
    auto* self = static_cast<Sub*>(ac->data);
    const auto* r = static_cast<const redisReply*>(reply);
    if (r == nullptr || self->closing_) return;  // dropped: the disconnect handles it
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
        r->element[0]->type != REDIS_REPLY_STRING) {
      return;
    }
    std::string_view kind(r->element[0]->str, r->element[0]->len);
    if (kind == "subscribe") {
      self->timer_->disable();
      self->backoff_ = 0;
      self->subscribed_ = true;
      if (self->logged_down_) {
        self->logger_.info(kLog, "sentinel " + self->ep_.to_string() + ": subscribed to " +
                                     kChannel + " again");
        self->logged_down_ = false;
      }
      return;
    }
    if (kind != "message" || r->element[2]->type != REDIS_REPLY_STRING) return;
    auto m = parse_switch_master(std::string_view(r->element[2]->str, r->element[2]->len),
                                 self->name_);
    if (m) self->fn_(std::move(*m), self->ep_);
  }

  void on_timer() {
    if (waiting_) {
      connect();
      return;
    }
    if (ctx_ && !subscribed_) {
      redisAsyncContext* c = ctx_.release();
      redisAsyncFree(c);
      retry("no answer to SUBSCRIBE within the timeout");
    }
  }

  void retry(const std::string& why) {
    subscribed_ = false;
    if (!logged_down_) {
      logger_.info(kLog, "sentinel " + ep_.to_string() + ": cannot follow " + kChannel + ": " +
                             why + "; retrying");
      logged_down_ = true;
    }
    waiting_ = true;
    backoff_ = backoff_ <= 0 ? opts_.reconnect_min
                             : std::min(backoff_ * 2, opts_.reconnect_max);
    timer_->enable(backoff_);
  }

  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  Endpoint ep_;
  const std::string& name_;
  const ConnOptions opts_;
  const SwitchFn& fn_;
  AsyncContextPtr ctx_;
  core::TimerPtr timer_;
  double backoff_ = 0;
  bool waiting_ = false;
  bool subscribed_ = false;
  bool closing_ = false;
  bool logged_down_ = false;
};

SwitchWatch::SwitchWatch(core::Dispatcher& d, core::Logger& log, std::vector<Endpoint> sentinels,
                         std::string master_name, const ConnOptions& opts, SwitchFn on_switch)
    : master_name_(std::move(master_name)), on_switch_(std::move(on_switch)) {
  for (auto& ep : sentinels) {
    subs_.push_back(std::make_unique<Sub>(d, log, std::move(ep), master_name_, opts, on_switch_));
  }
}

SwitchWatch::~SwitchWatch() { subs_.clear(); }

size_t SwitchWatch::subscribed() const {
  return static_cast<size_t>(
      std::count_if(subs_.begin(), subs_.end(), [](const auto& s) { return s->subscribed(); }));
}

}  // namespace mw::store::redis
