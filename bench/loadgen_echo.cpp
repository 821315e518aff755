#include "loadgen_echo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zstd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ascii.h"
#include "core/loop.h"
#include "loadgen_http.h"

namespace mw::bench {

namespace {

constexpr size_t kMaxHead = 64 * 1024;

// A reply in the shape of a small /checkv2 result.
constexpr std::string_view kReplyBody =
    R"({"is_skipped":false,"score":1.2,"required_score":15.0,"action":"no action",)"
    R"("symbols":{"MIME_GOOD":{"name":"MIME_GOOD","score":-0.1,"metric_score":-0.1,)"
    R"("description":"Known content-type","options":["text/plain"]},)"
    R"("MISSING_MID":{"name":"MISSING_MID","score":1.3,"metric_score":2.5,)"
    R"("description":"Message-ID header is missing"}},)"
    R"("messages":{},"message-id":"undef","time_real":0.000100})";

// The canned replies: {keep-alive, close} x {Content-Length, chunked} x {plain, zstd}.
struct Replies {
  std::string text[2][2][2];
  const std::string& get(bool keep_alive, bool chunked, bool zstd) const {
    return text[keep_alive][chunked][zstd];
  }
};

std::string make_reply(bool keep_alive, bool chunked, std::string_view body, bool zstd) {
  std::string r = "HTTP/1.1 200 OK\r\nServer: mailward-loadgen-selftest\r\n";
  r += "Content-Type: application/json\r\n";
  if (zstd) r += "Compression: zstd\r\n";
  r += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  if (!chunked) {
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    r += body;
    return r;
  }
  // Two chunks, so that the client's chunk framing is exercised.
  r += "Transfer-Encoding: chunked\r\n\r\n";
  size_t half = body.size() / 2;
  for (std::string_view part : {body.substr(0, half), body.substr(half)}) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    r += size;
    r += part;
    r += "\r\n";
  }
  r += "0\r\n\r\n";
  return r;
}

Replies make_replies() {
  std::string packed(ZSTD_compressBound(kReplyBody.size()), '\0');
  size_t n = ZSTD_compress(packed.data(), packed.size(), kReplyBody.data(), kReplyBody.size(), 1);
  packed.resize(ZSTD_isError(n) ? 0 : n);
  Replies r;
  for (int keep = 0; keep < 2; ++keep) {
    for (int chunked = 0; chunked < 2; ++chunked) {
      r.text[keep][chunked][0] = make_reply(keep, chunked, kReplyBody, false);
      r.text[keep][chunked][1] = make_reply(keep, chunked, packed, true);
    }
  }
  return r;
}

// Value of header `name` in `head` (case-insensitive name), or empty.
std::string_view header_value(std::string_view head, std::string_view name) {
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    size_t start = pos + 2;
    size_t end = head.find("\r\n", start);
    std::string_view line = head.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && core::iequals(line.substr(0, colon), name)) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return v;
    }
    pos = end;
  }
  return {};
}

class ServerConn {
 public:
  ServerConn(core::Dispatcher& d, int fd, const Replies& replies)
      : fd_(fd), replies_(replies) {
    event_ = d.create_fd_event(fd_, core::kRead, [this](uint32_t ev) { on_events(ev); });
  }
  ~ServerConn() {
    event_.reset();
    ::close(fd_);
  }
  bool dead() const { return dead_; }

 private:
  // Stop watching the socket; the owner destroys the connection outside this callback.
  void die() {
    dead_ = true;
    event_->set_events(0);
  }

  void on_events(uint32_t ev) {
    if (ev & core::kRead) on_read();
    if (!dead_ && (ev & core::kWrite)) flush();
  }

  void on_read() {
    char buf[64 * 1024];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in_.append(buf, static_cast<size_t>(n));
        if (static_cast<size_t>(n) < sizeof buf) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      die();  // EOF or error
      return;
    }
    serve_requests();
    if (!dead_) flush();
  }

  void serve_requests() {
    size_t off = 0;
    while (!closing_) {
      std::string_view rest(in_.data() + off, in_.size() - off);
      size_t end = rest.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (rest.size() > kMaxHead) die();
        break;
      }
      std::string_view head = rest.substr(0, end + 4);
      std::string_view len = header_value(head, "Content-Length");
      size_t body = 0;
      if (!len.empty()) std::from_chars(len.data(), len.data() + len.size(), body);
      if (rest.size() < head.size() + body) break;
      bool close = core::iequals(header_value(head, "Connection"), "close") ||
                   head.find(" HTTP/1.0\r\n") != std::string_view::npos;
      bool zstd = core::iequals(header_value(head, "Compression"), "zstd");
      // Every third reply is chunked.
      out_ += replies_.get(!close, ++served_ % 3 == 0, zstd);
      closing_ = close;
      off += head.size() + body;
    }
    in_.erase(0, off);
  }

  void flush() {
    while (sent_ < out_.size()) {
      ssize_t n = ::send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
      if (n > 0) {
        sent_ += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!want_write_) event_->set_events(core::kRead | core::kWrite);
        want_write_ = true;
        return;
      }
      die();
      return;
    }
    out_.clear();
    sent_ = 0;
    if (want_write_) event_->set_events(core::kRead);
    want_write_ = false;
    if (closing_) die();
  }

  int fd_;
  const Replies& replies_;
  uint64_t served_ = 0;
  core::FdEventPtr event_;
  std::string in_;
  std::string out_;
  size_t sent_ = 0;
  bool want_write_ = false;
  bool closing_ = false;
  bool dead_ = false;
};

}  // namespace

Result<std::unique_ptr<EchoServer>> EchoServer::start() {
  std::unique_ptr<EchoServer> s(new EchoServer());
  s->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->listen_fd_ < 0) return fail(ErrorCode::kIo, std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(s->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(s->listen_fd_, 1024) != 0) {
    return fail(ErrorCode::kIo, std::string("bind/listen: ") + strerror(errno));
  }
  socklen_t len = sizeof addr;
  getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  s->port_ = ntohs(addr.sin_port);
  if (::pipe2(s->wake_fds_, O_NONBLOCK | O_CLOEXEC) != 0) {
    return fail(ErrorCode::kIo, std::string("pipe: ") + strerror(errno));
  }
  s->thread_ = std::thread([raw = s.get()] { raw->serve(); });
  return s;
}

void EchoServer::serve() {
  core::Dispatcher d;
  const Replies replies = make_replies();
  std::unordered_map<int, std::unique_ptr<ServerConn>> conns;
  std::vector<int> dead;

  // Dead connections are destroyed outside their own callbacks.
  auto reap = [&] {
    dead.clear();
    for (auto& [fd, c] : conns) {
      if (c->dead()) dead.push_back(fd);
    }
    for (int fd : dead) conns.erase(fd);
  };
  core::TimerPtr reaper;
  reaper = d.create_timer([&] {
    reap();
    reaper->enable(0.05);
  });
  reaper->enable(0.05);

  auto acceptor = d.create_fd_event(listen_fd_, core::kRead, [&](uint32_t) {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) break;
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      conns.emplace(fd, std::make_unique<ServerConn>(d, fd, replies));
    }
  });
  auto waker = d.create_fd_event(wake_fds_[0], core::kRead, [&](uint32_t) { d.exit(); });
  d.run();
  acceptor.reset();
  waker.reset();
  reaper.reset();
  conns.clear();
}

void EchoServer::stop() {
  if (thread_.joinable()) {
    char b = 1;
    ssize_t ignored = ::write(wake_fds_[1], &b, 1);
    (void)ignored;
    thread_.join();
  }
  for (int* fd : {&listen_fd_, &wake_fds_[0], &wake_fds_[1]}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

EchoServer::~EchoServer() { stop(); }

}  // namespace mw::bench
