#include "dns/udp_resolver.h"

#include <sys/random.h>

#include <algorithm>
#include <optional>
#include <random>
#include <utility>

#include "dns/transport.h"
#include "dns/wire.h"

namespace mw::dns {

// One caller of a lookup. Shared between its Handle and the Query (or a posted delivery);
// `cb` is cleared when the callback runs or the caller cancels, so it runs at most once.
struct UdpResolver::Waiter {
  Callback cb;
  Query* query = nullptr;  // the lookup it waits on; null once finished or cancelled
};

class UdpResolver::Handle final : public Request {
 public:
  explicit Handle(std::shared_ptr<Waiter> waiter) : waiter_(std::move(waiter)) {}
  ~Handle() override { cancel(); }
  void cancel() override;

 private:
  std::shared_ptr<Waiter> waiter_;
};

// One lookup on the network: the tries of one (name, type) and the callers waiting on it.
class UdpResolver::Query final : public AttemptListener {
 public:
  Query(UdpResolver& resolver, std::string key, std::string name, RrType type)
      : r_(resolver),
        key_(std::move(key)),
        name_(std::move(name)),
        wire_(name_to_wire(name_)),
        type_(type),
        edns_(resolver.config_.edns_payload > 0) {
    timer_ = r_.dispatcher_.create_timer([this] { on_timer(); });
  }

  const std::string& key() const { return key_; }
  const std::string& name() const { return name_; }
  RrType type() const { return type_; }

  void add_waiter(std::shared_ptr<Waiter> w) {
    w->query = this;
    waiters_.push_back(std::move(w));
  }
  // REQUIRES: w waits on this query. May destroy the query (when it was the last waiter).
  void remove_waiter(Waiter* w) {
    auto it = std::find_if(waiters_.begin(), waiters_.end(),
                           [w](const std::shared_ptr<Waiter>& x) { return x.get() == w; });
    if (it != waiters_.end()) waiters_.erase(it);
    if (waiters_.empty()) r_.abandon(this);
  }
  std::vector<std::shared_ptr<Waiter>> take_waiters() {
    for (auto& w : waiters_) w->query = nullptr;
    return std::move(waiters_);
  }

  // Send the first try. Never completes synchronously.
  void start() {
    first_server_ = r_.preferred_server_ % r_.config_.nameservers.size();
    next_try();
  }

  void on_message(Attempt& a, std::span<const uint8_t> message) override;
  void on_transport_error(Attempt& a, int err) override;

 private:
  void next_try();
  bool send(size_t server, Transport transport);
  void on_timer();
  void try_failed(Attempt& a, Rcode why);
  void close(Attempt& a);
  void debug(const std::string& text) const {
    if (r_.log_.enabled(core::LogLevel::kDebug)) {
      r_.log_.debug(name_ + "/" + std::string(rr_type_name(type_)) + ": " + text);
    }
  }

  UdpResolver& r_;
  std::string key_;
  std::string name_;  // ASCII, lower-case, no trailing dot
  std::string wire_;  // its wire form
  RrType type_;
  bool edns_;
  bool tcp_ = false;        // a reply was truncated: use TCP from now on
  bool truncated_ = false;
  int tries_ = 0;
  size_t first_server_ = 0;
  std::optional<Rcode> last_error_;
  std::vector<std::shared_ptr<Waiter>> waiters_;
  std::vector<std::unique_ptr<Attempt>> attempts_;  // current and earlier tries still open
  Attempt* current_ = nullptr;
  core::TimerPtr timer_;
};

void UdpResolver::Handle::cancel() {
  if (!waiter_) return;
  std::shared_ptr<Waiter> w = std::move(waiter_);
  w->cb = nullptr;
  Query* q = std::exchange(w->query, nullptr);
  if (q != nullptr) q->remove_waiter(w.get());
}

void UdpResolver::Query::next_try() {
  const auto& cfg = r_.config_;
  if (tries_ >= cfg.retransmits) {
    Reply reply;
    reply.rcode = last_error_.value_or(Rcode::kTimeout);
    debug(std::string("failed: ") + std::string(rcode_name(reply.rcode)));
    ++r_.stats_.failed;
    r_.complete(this, std::move(reply), false, 0);  // destroys *this
    return;
  }
  size_t n = cfg.nameservers.size();
  size_t server = (first_server_ + static_cast<size_t>(tries_)) % n;
  for (size_t k = 0; k < n && !r_.server_alive(server); ++k) server = (server + 1) % n;
  if (!r_.server_alive(server)) {
    // End the lookup from the loop (never inside resolve()): no tries left, a network error.
    debug("every name server is marked dead");
    last_error_ = Rcode::kNetError;
    tries_ = cfg.retransmits;
    timer_->enable(0);
    return;
  }
  ++tries_;
  if (!send(server, tcp_ ? Transport::kTcp : Transport::kUdp)) {
    timer_->enable(0);  // move on from the loop, never recursively
    return;
  }
  timer_->enable(cfg.timeout);
}

bool UdpResolver::Query::send(size_t server, Transport transport) {
  current_ = nullptr;
  uint16_t id = r_.random_id();
  auto query = encode_query(wire_, type_, id, edns_ ? r_.config_.edns_payload : 0);
  if (!query) {
    last_error_ = Rcode::kNetError;
    debug(query.error().to_string());
    return false;
  }
  const Nameserver& ns = r_.config_.nameservers[server];
  auto attempt = Attempt::start(r_.dispatcher_, transport, ns, server, id, edns_, *query,
                                r_.scratch_, *this);
  if (!attempt) {
    last_error_ = Rcode::kNetError;
    debug(attempt.error().to_string());
    return false;
  }
  if (transport == Transport::kUdp) {
    ++r_.stats_.udp_sent;
  } else {
    ++r_.stats_.tcp_sent;
  }
  debug(std::string(transport == Transport::kUdp ? "udp" : "tcp") + " query to " + ns.text);
  current_ = attempt->get();
  attempts_.push_back(std::move(*attempt));
  return true;
}

void UdpResolver::Query::on_timer() {
  if (current_ != nullptr) {
    ++r_.stats_.timeouts;
    r_.server_failed(current_->server_index(), false);
    debug("no answer from " + r_.config_.nameservers[current_->server_index()].text);
    // A UDP try stays open: a late answer to it is still welcome. A TCP one is dropped.
    if (current_->transport() == Transport::kTcp) close(*current_);
    current_ = nullptr;
  }
  next_try();
}

void UdpResolver::Query::close(Attempt& a) {
  if (&a == current_) current_ = nullptr;
  auto it = std::find_if(attempts_.begin(), attempts_.end(),
                         [&a](const std::unique_ptr<Attempt>& x) { return x.get() == &a; });
  if (it != attempts_.end()) attempts_.erase(it);
}

void UdpResolver::Query::try_failed(Attempt& a, Rcode why) {
  last_error_ = why;
  bool was_current = &a == current_;
  close(a);
  if (was_current) timer_->enable(0);  // next server without waiting for the timeout
}

void UdpResolver::Query::on_transport_error(Attempt& a, int err) {
  debug("transport error from " + r_.config_.nameservers[a.server_index()].text + ": " +
        std::to_string(err));
  r_.server_failed(a.server_index(), true);
  try_failed(a, Rcode::kNetError);
}

void UdpResolver::Query::on_message(Attempt& a, std::span<const uint8_t> message) {
  auto decoded = decode_reply(message);
  if (!decoded) {
    ++r_.stats_.ignored;
    debug("ignored reply: " + decoded.error().message);
    return;
  }
  DecodedReply& d = *decoded;
  if (d.id != a.id() || d.qtype != static_cast<uint16_t>(type_) || d.qname_wire != wire_) {
    ++r_.stats_.ignored;
    debug("ignored reply: ID or question does not match");
    return;
  }
  size_t server = a.server_index();
  if (d.truncated && a.transport() == Transport::kUdp) {
    debug("truncated reply from " + r_.config_.nameservers[server].text + ", retrying over TCP");
    tcp_ = true;
    truncated_ = true;
    close(a);
    if (!send(server, Transport::kTcp)) {
      timer_->enable(0);
      return;
    }
    timer_->enable(r_.config_.timeout);
    return;
  }
  Rcode rcode = d.reply.rcode;
  r_.server_answered(server);
  if (rcode == Rcode::kNoError || rcode == Rcode::kNxDomain) {
    r_.preferred_server_ = server;
    Reply reply = std::move(d.reply);
    reply.truncated_retried = truncated_;
    debug(std::string("answer: ") + std::string(rcode_name(rcode)) + ", " +
          std::to_string(reply.answers.size()) + " records");
    r_.complete(this, std::move(reply), d.cacheable, d.cache_ttl);  // destroys *this
    return;
  }
  if (rcode == Rcode::kFormErr && a.edns() && edns_) {
    // RFC 6891 section 6.2.2: the server may not know EDNS; ask again without OPT.
    debug("FORMERR to an EDNS query, retrying without EDNS");
    edns_ = false;
    Transport transport = a.transport();
    close(a);
    if (!send(server, transport)) {
      timer_->enable(0);
      return;
    }
    timer_->enable(r_.config_.timeout);
    return;
  }
  debug(std::string("error from ") + r_.config_.nameservers[server].text + ": " +
        std::string(rcode_name(rcode)));
  try_failed(a, rcode);
}

namespace {

Status validate(const ResolverConfig& config) {
  if (config.nameservers.empty()) return fail(ErrorCode::kInvalidInput, "no DNS name server");
  if (!(config.timeout > 0)) return fail(ErrorCode::kInvalidInput, "DNS timeout must be > 0");
  if (config.retransmits < 1) {
    return fail(ErrorCode::kInvalidInput, "DNS retransmits must be at least 1");
  }
  if (config.edns_payload > 0 && config.edns_payload < 512) {
    return fail(ErrorCode::kInvalidInput, "EDNS payload must be 0 or at least 512");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<UdpResolver>> UdpResolver::create(core::Dispatcher& dispatcher,
                                                         ResolverConfig config,
                                                         core::Logger& logger, Clock clock) {
  MW_TRY(validate(config));
  auto encoder = NameEncoder::create();
  if (!encoder) return fail(encoder.error());
  if (!clock) clock = [d = &dispatcher] { return d->monotonic(); };
  return std::unique_ptr<UdpResolver>(new UdpResolver(
      dispatcher, std::move(config), logger, std::move(clock), std::move(*encoder)));
}

UdpResolver::UdpResolver(core::Dispatcher& dispatcher, ResolverConfig config,
                         core::Logger& logger, Clock clock, NameEncoder encoder)
    : dispatcher_(dispatcher),
      config_(std::move(config)),
      log_(logger, "dns"),
      clock_(std::move(clock)),
      encoder_(std::move(encoder)),
      cache_(config_.cache_size),
      scratch_(65536),
      health_(config_.nameservers.size()) {}

bool UdpResolver::server_alive(size_t server) const {
  return config_.dead_time <= 0 || now() >= health_[server].dead_until;
}

bool UdpResolver::available() const {
  for (size_t i = 0; i < health_.size(); ++i) {
    if (server_alive(i)) return true;
  }
  return false;
}

void UdpResolver::server_failed(size_t server, bool refused) {
  Health& h = health_[server];
  if (config_.dead_time <= 0 || !server_alive(server)) return;
  if (!refused && ++h.timeouts < 3) return;
  h.timeouts = 0;
  h.dead_until = now() + config_.dead_time;
  log_.warn("name server " + config_.nameservers[server].text +
            (refused ? " refuses queries" : " does not answer") + "; skipping it for " +
            std::to_string(config_.dead_time) + "s");
}

void UdpResolver::server_answered(size_t server) {
  health_[server].timeouts = 0;
  health_[server].dead_until = 0;
}

UdpResolver::~UdpResolver() {
  for (auto& [key, query] : inflight_) {
    for (auto& w : query->take_waiters()) w->cb = nullptr;
  }
  inflight_.clear();
}

uint16_t UdpResolver::random_id() {
  if (ids_.empty()) {
    ids_.resize(64);
    size_t bytes = ids_.size() * sizeof(uint16_t);
    ssize_t n = ::getrandom(ids_.data(), bytes, GRND_NONBLOCK);
    if (n != static_cast<ssize_t>(bytes)) {
      std::random_device rd;  // the kernel's generator through another path
      for (auto& id : ids_) id = static_cast<uint16_t>(rd());
    }
  }
  uint16_t id = ids_.back();
  ids_.pop_back();
  return id;
}

void UdpResolver::post_reply(std::shared_ptr<Waiter> waiter, Reply reply) {
  std::weak_ptr<char> alive = alive_;
  dispatcher_.post([alive, waiter = std::move(waiter), reply = std::move(reply)] {
    if (alive.expired() || !waiter->cb) return;
    Callback cb = std::move(waiter->cb);
    waiter->cb = nullptr;
    cb(reply);
  });
}

RequestPtr UdpResolver::resolve(std::string_view name, RrType type, Callback cb) {
  ++stats_.lookups;
  auto waiter = std::make_shared<Waiter>();
  waiter->cb = std::move(cb);
  auto handle = std::make_unique<Handle>(waiter);

  auto ascii = encoder_.to_ascii(name);
  if (!ascii) {
    ++stats_.bad_names;
    if (log_.enabled(core::LogLevel::kDebug)) {
      log_.debug("bad name '" + std::string(name.substr(0, 300)) + "': " + ascii.error().message);
    }
    Reply reply;
    reply.rcode = Rcode::kBadName;
    post_reply(std::move(waiter), std::move(reply));
    return handle;
  }
  if (auto hit = cache_.lookup(*ascii, type, now())) {
    ++stats_.cache_hits;
    post_reply(std::move(waiter), std::move(*hit));
    return handle;
  }
  std::string key = *ascii + "/" + std::to_string(static_cast<uint16_t>(type));
  auto it = inflight_.find(key);
  if (it != inflight_.end()) {
    ++stats_.coalesced;
    it->second->add_waiter(std::move(waiter));
    return handle;
  }
  ++stats_.queries;
  auto query = std::make_unique<Query>(*this, key, std::move(*ascii), type);
  Query* q = query.get();
  inflight_.emplace(std::move(key), std::move(query));
  q->add_waiter(std::move(waiter));
  q->start();
  return handle;
}

void UdpResolver::abandon(Query* query) {
  auto it = inflight_.find(query->key());
  if (it != inflight_.end() && it->second.get() == query) inflight_.erase(it);
}

void UdpResolver::complete(Query* query, Reply reply, bool cacheable, uint32_t ttl) {
  if (cacheable) {
    bool positive = reply.rcode == Rcode::kNoError && !reply.answers.empty();
    uint32_t cap = positive ? config_.max_ttl : config_.max_negative_ttl;
    cache_.insert(query->name(), query->type(), reply, std::min(ttl, cap), now());
  }
  std::vector<std::shared_ptr<Waiter>> waiters = query->take_waiters();
  auto it = inflight_.find(query->key());
  if (it != inflight_.end() && it->second.get() == query) inflight_.erase(it);  // destroys it
  // From here on only locals: a callback may destroy the resolver, which cancels the
  // callbacks not yet run.
  std::weak_ptr<char> alive = alive_;
  for (auto& w : waiters) {
    if (alive.expired()) break;
    if (!w->cb) continue;
    Callback cb = std::move(w->cb);
    w->cb = nullptr;
    cb(reply);
  }
}

}  // namespace mw::dns
