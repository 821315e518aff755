#include "loadgen_driver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "loadgen_http.h"

namespace mw::bench {

namespace {

constexpr double kTick = 0.1;          // seconds between housekeeping passes
constexpr double kConnectPause = 0.05; // wait before reconnecting after a failed connect
constexpr size_t kReadChunk = 64 * 1024;

double thread_cpu_s() {
  struct rusage ru;
  if (getrusage(RUSAGE_THREAD, &ru) != 0) return 0;
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

std::string errno_text(int err) { return std::strerror(err); }

struct Target {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
  std::string display;  // host:port as written in the Host header
};

Result<Target> resolve(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return fail(ErrorCode::kInvalidInput, "cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
  Target t;
  std::memcpy(&t.addr, res->ai_addr, res->ai_addrlen);
  t.len = res->ai_addrlen;
  t.family = res->ai_family;
  bool v6 = host.find(':') != std::string::npos;
  t.display = (v6 ? "[" + host + "]" : host) + ":" + service;
  return t;
}

using ZstdDCtxPtr = std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)>;

// Decompress one zstd frame (or several) with `dctx`, refusing output above `limit`.
Result<std::string> zstd_decompress(ZSTD_DCtx* dctx, std::string_view in, size_t limit) {
  if (dctx == nullptr) return fail(ErrorCode::kInternal, "cannot create a zstd context");
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  std::string out;
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  const size_t step = std::max<size_t>(ZSTD_DStreamOutSize(), in.size() * 4);
  for (;;) {
    size_t old = out.size();
    out.resize(old + step);
    ZSTD_outBuffer dst{out.data() + old, step, 0};
    size_t hint = ZSTD_decompressStream(dctx, &dst, &src);
    out.resize(old + dst.pos);
    if (ZSTD_isError(hint)) return fail(ErrorCode::kInvalidInput, ZSTD_getErrorName(hint));
    if (out.size() > limit) return fail(ErrorCode::kLimit, "decompressed reply too large");
    bool input_done = src.pos == src.size;
    if (input_done && hint == 0) return out;  // every frame complete and flushed
    // No input left and the output buffer was not filled: the frame is cut short.
    if (input_done && dst.pos < step) {
      return fail(ErrorCode::kInvalidInput, "truncated zstd frame");
    }
  }
}

class Connection;

}  // namespace

struct Driver::Impl {
  Impl(core::Dispatcher& dispatcher, const Corpus& corpus, DriverOptions options)
      : d(dispatcher), corpus(corpus), opts(std::move(options)) {}

  core::Dispatcher& d;
  const Corpus& corpus;
  DriverOptions opts;
  Target target;
  std::vector<std::string> heads;  // request head per message
  std::vector<std::unique_ptr<Connection>> conns;
  core::TimerPtr tick;
  ZstdDCtxPtr dctx{ZSTD_createDCtx(), ZSTD_freeDCtx};  // for zstd replies
  RunStats stats;

  uint64_t cursor = 0;        // next message (cycles)
  uint64_t issued = 0;        // measured requests started
  int in_flight = 0;
  bool measuring = false;
  bool stopping = false;
  double t_start = 0;
  double t_measure = 0;
  double t_last_done = 0;     // completion time of the last measured request
  double cpu_measure = 0;
  double t_progress = 0;
  uint64_t done_at_progress = 0;

  std::string_view body(size_t index) const {
    const Message& m = corpus.messages[index];
    return opts.zstd ? std::string_view(m.compressed) : std::string_view(m.data);
  }
  bool may_start() const {
    if (stopping) return false;
    return !(measuring && opts.max_requests != 0 && issued >= opts.max_requests);
  }
  void begin_measure(double now) {
    measuring = true;
    stats.reset_measurements();
    t_measure = now;
    t_last_done = now;
    t_progress = now;
    done_at_progress = 0;
    cpu_measure = thread_cpu_s();
  }
  void on_tick();
  void maybe_finish() {
    if (measuring && opts.max_requests != 0 && issued >= opts.max_requests) stopping = true;
    if (stopping && in_flight == 0) d.exit();
  }
};

namespace {

// One TCP connection and the request it carries.
class Connection {
 public:
  explicit Connection(Driver::Impl& impl)
      : impl_(impl), parser_(kDefaultMaxResponseHead, impl.opts.max_reply_bytes) {}
  ~Connection() { close_fd(); }

  // Begin the next request (or go idle when the run is over).
  void start() {
    if (!impl_.may_start()) {
      state_ = State::kIdle;
      impl_.maybe_finish();
      return;
    }
    index_ = static_cast<size_t>(impl_.cursor++ % impl_.corpus.messages.size());
    measured_ = impl_.measuring;
    if (measured_) ++impl_.issued;
    ++impl_.in_flight;
    started_ = impl_.d.monotonic();
    retried_ = false;
    begin();
  }

  void check_timeout(double now) {
    if (state_ == State::kIdle || state_ == State::kPaused) return;
    if (now - started_ < impl_.opts.timeout_s) return;
    char detail[64];
    std::snprintf(detail, sizeof detail, "no complete reply after %.1f s", now - started_);
    fail("timeout", detail, false);
  }

 private:
  enum class State { kIdle, kConnecting, kWriting, kReading, kPaused };

  void begin() {
    parser_.reset();
    written_ = 0;
    if (fd_ < 0) {
      open();
    } else {
      state_ = State::kWriting;
      write_some();
    }
  }

  void open() {
    const Target& t = impl_.target;
    fd_ = ::socket(t.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return fail("socket", errno_text(errno), true);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (impl_.measuring) ++impl_.stats.connects;
    requests_on_conn_ = 0;
    int rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&t.addr), t.len);
    if (rc != 0 && errno != EINPROGRESS) return fail("connect", errno_text(errno), true);
    mask_ = core::kWrite;
    event_ = impl_.d.create_fd_event(fd_, mask_, [this](uint32_t ev) { on_events(ev); });
    state_ = State::kConnecting;
  }

  void close_fd() {
    event_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    mask_ = 0;
  }

  void watch(uint32_t mask) {
    if (mask == mask_ || !event_) return;
    event_->set_events(mask);
    mask_ = mask;
  }

  void on_events(uint32_t ev) {
    switch (state_) {
      case State::kConnecting: {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        if (err != 0) return fail("connect", errno_text(err), true);
        state_ = State::kWriting;
        return write_some();
      }
      case State::kWriting:
        // A server may answer (and close) before it has read the whole request.
        if (ev & core::kRead) {
          read_some();
          if (state_ != State::kWriting) return;
        }
        if (ev & core::kWrite) write_some();
        return;
      case State::kReading:
        return read_some();
      case State::kIdle:
      case State::kPaused: {
        // The server closed an idle connection, or sent something unasked: drop it.
        close_fd();
        return;
      }
    }
  }

  size_t total_size() const { return impl_.heads[index_].size() + impl_.body(index_).size(); }

  void write_some() {
    const std::string& head = impl_.heads[index_];
    std::string_view body = impl_.body(index_);
    size_t total = head.size() + body.size();
    while (written_ < total) {
      iovec iov[2];
      int n_iov = 0;
      if (written_ < head.size()) {
        iov[n_iov++] = {const_cast<char*>(head.data()) + written_, head.size() - written_};
        iov[n_iov++] = {const_cast<char*>(body.data()), body.size()};
      } else {
        size_t off = written_ - head.size();
        iov[n_iov++] = {const_cast<char*>(body.data()) + off, body.size() - off};
      }
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<size_t>(n_iov);
      ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
      if (n > 0) {
        written_ += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        watch(core::kRead | core::kWrite);
        return;
      }
      return broken("write", errno_text(n < 0 ? errno : EPIPE));
    }
    state_ = State::kReading;
    watch(core::kRead);
  }

  void read_some() {
    char buf[kReadChunk];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        if (impl_.measuring) impl_.stats.bytes_received += static_cast<uint64_t>(n);
        auto st = parser_.feed(std::string_view(buf, static_cast<size_t>(n)));
        if (st == ResponseParser::State::kDone) return complete();
        if (st == ResponseParser::State::kError) return fail("protocol", parser_.error(), false);
        if (static_cast<size_t>(n) < sizeof buf) return;  // drained; wait for more
        continue;
      }
      if (n == 0) {
        auto st = parser_.finish();
        if (st == ResponseParser::State::kDone) return complete();
        return broken("closed", parser_.error());
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      return broken("reset", errno_text(errno));
    }
  }

  // The connection broke before a complete reply. On a reused connection with no reply byte
  // yet, the server most likely closed it as we sent: retry once on a new connection.
  void broken(const char* kind, const std::string& detail) {
    if (requests_on_conn_ > 0 && !parser_.started() && !retried_) {
      retried_ = true;
      if (measured_) ++impl_.stats.retries;
      close_fd();
      parser_.reset();
      written_ = 0;
      return open();
    }
    fail(kind, detail, false);
  }

  void fail(const char* kind, const std::string& detail, bool pause) {
    double now = impl_.d.monotonic();
    if (measured_) {
      impl_.stats.add_error(kind, detail);
      impl_.t_last_done = now;
    }
    close_fd();
    --impl_.in_flight;
    if (!pause) return start();
    state_ = State::kPaused;
    if (!pause_timer_) pause_timer_ = impl_.d.create_timer([this] { start(); });
    pause_timer_->enable(kConnectPause);
    impl_.maybe_finish();
  }

  void complete() {
    double now = impl_.d.monotonic();
    const HttpResponse& r = parser_.response();
    std::string action;
    std::string kind;
    std::string detail;
    check(r, action, kind, detail);
    if (measured_) {
      RunStats& s = impl_.stats;
      if (kind.empty()) {
        ++s.ok;
        s.latency.record(static_cast<uint64_t>((now - started_) * 1e6));
        ++s.actions[action];
        s.bytes_sent += impl_.body(index_).size();
        s.message_bytes += impl_.corpus.messages[index_].data.size();
      } else {
        s.add_error(kind, detail);
      }
      impl_.t_last_done = now;
    }
    ++requests_on_conn_;
    --impl_.in_flight;
    bool reuse = impl_.opts.keep_alive && r.keep_alive && parser_.excess() == 0 &&
                 written_ == total_size();
    if (!reuse) close_fd();
    state_ = State::kIdle;
    start();
  }

  // Sets `kind` (and `detail`) when the reply is not a good scan result.
  void check(const HttpResponse& r, std::string& action, std::string& kind,
             std::string& detail) const {
    auto excerpt = [](std::string_view body) { return std::string(body.substr(0, 160)); };
    if (r.status != 200) {
      kind = "http " + std::to_string(r.status);
      detail = r.reason + " " + excerpt(r.body);
      return;
    }
    std::string plain;
    std::string_view body = r.body;
    if (r.zstd) {
      auto out = zstd_decompress(impl_.dctx.get(), body, impl_.opts.max_reply_bytes);
      if (!out) {
        kind = "bad zstd";
        detail = out.error().message;
        return;
      }
      plain = std::move(*out);
      body = plain;
    }
    auto doc = json::parse(body);
    if (!doc) {
      kind = "bad json";
      detail = doc.error().message + " in " + excerpt(body);
      return;
    }
    const json::Value* a = doc->find("action");
    if (a == nullptr || !a->is_string()) {
      kind = "no action";
      detail = excerpt(body);
      return;
    }
    action = a->as_string();
  }

  Driver::Impl& impl_;
  ResponseParser parser_;
  int fd_ = -1;
  core::FdEventPtr event_;
  core::TimerPtr pause_timer_;
  uint32_t mask_ = 0;
  State state_ = State::kIdle;
  size_t index_ = 0;
  size_t written_ = 0;
  double started_ = 0;
  bool measured_ = false;
  bool retried_ = false;
  uint64_t requests_on_conn_ = 0;
};

}  // namespace

void Driver::Impl::on_tick() {
  double now = d.monotonic();
  if (!measuring && now - t_start >= opts.warmup_s) begin_measure(now);
  if (measuring && opts.max_requests == 0 && now - t_measure >= opts.duration_s) {
    stopping = true;
  }
  for (auto& c : conns) c->check_timeout(now);
  if (opts.progress && measuring && now - t_progress >= 1.0) {
    uint64_t done = stats.requests();
    std::fprintf(stderr, "[%6.1fs] %9.1f msg/s  errors %llu  in flight %d\n", now - t_measure,
                 (done - done_at_progress) / (now - t_progress),
                 static_cast<unsigned long long>(stats.errors), in_flight);
    t_progress = now;
    done_at_progress = done;
  }
  maybe_finish();
  tick->enable(kTick);
}

Driver::Driver(core::Dispatcher& dispatcher, const Corpus& corpus, DriverOptions opts)
    : impl_(std::make_unique<Impl>(dispatcher, corpus, std::move(opts))) {}

Driver::~Driver() = default;

Result<RunStats> Driver::run() {
  Impl& m = *impl_;
  if (m.corpus.messages.empty()) return fail(ErrorCode::kInvalidInput, "empty corpus");
  if (m.opts.concurrency < 1) return fail(ErrorCode::kInvalidInput, "concurrency must be >= 1");
  auto target = resolve(m.opts.host, m.opts.port);
  if (!target) return fail(target.error());
  m.target = std::move(*target);

  RequestHeadOptions head_opts;
  head_opts.path = m.opts.path;
  head_opts.host = m.target.display;
  head_opts.keep_alive = m.opts.keep_alive;
  head_opts.zstd = m.opts.zstd;
  head_opts.extra_headers = m.opts.headers;
  m.heads.reserve(m.corpus.messages.size());
  for (size_t i = 0; i < m.corpus.messages.size(); ++i) {
    m.heads.push_back(build_request_head(head_opts, m.body(i).size()));
  }

  m.stats.target = m.target.display;
  m.stats.path = m.opts.path;
  m.stats.concurrency = m.opts.concurrency;
  m.stats.keep_alive = m.opts.keep_alive;
  m.stats.zstd = m.opts.zstd;
  m.stats.corpus_messages = m.corpus.messages.size();
  m.stats.corpus_bytes = m.corpus.total_bytes;

  m.t_start = m.d.monotonic();
  if (m.opts.warmup_s <= 0) m.begin_measure(m.t_start);
  m.tick = m.d.create_timer([&m] { m.on_tick(); });
  m.tick->enable(kTick);
  for (int i = 0; i < m.opts.concurrency; ++i) {
    m.conns.push_back(std::make_unique<Connection>(m));
  }
  for (auto& c : m.conns) c->start();
  m.d.run();

  m.tick.reset();
  m.stats.driver_cpu_s = thread_cpu_s() - m.cpu_measure;
  m.stats.elapsed_s = m.measuring ? m.t_last_done - m.t_measure : 0;
  m.conns.clear();
  return std::move(m.stats);
}

}  // namespace mw::bench
