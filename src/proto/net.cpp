#include "proto/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace mw::proto {

namespace {

constexpr int kAcceptBatch = 64;        // connections accepted per wake-up (fairness)
constexpr double kAcceptBackoff = 1.0;  // pause after descriptor exhaustion, seconds
constexpr double kWarningInterval = 10.0;

}  // namespace

std::string PeerAddress::to_string() const {
  if (unix_socket) return "unix";
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

namespace {

PeerAddress address_of(int fd, bool local) {
  PeerAddress p;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int rc = local ? ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                 : ::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) {
    p.unix_socket = true;
    return p;
  }
  char text[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    p.ip = text;
    p.port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
      ::inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], text, sizeof text);
    } else {
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    }
    p.ip = text;
    p.port = ntohs(a->sin6_port);
  } else {
    p.unix_socket = true;
  }
  return p;
}

}  // namespace

PeerAddress peer_address(int fd) { return address_of(fd, false); }

PeerAddress local_address(int fd) { return address_of(fd, true); }

Status set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return fail(ErrorCode::kIo, std::string("fcntl(O_NONBLOCK): ") + std::strerror(errno));
  }
  return {};
}

IoResult read_some(int fd, std::string& buf, size_t max) {
  size_t old = buf.size();
  buf.resize(old + max);
  for (;;) {
    ssize_t n = ::recv(fd, buf.data() + old, max, 0);
    if (n > 0) {
      buf.resize(old + static_cast<size_t>(n));
      return {IoStatus::kOk, static_cast<size_t>(n), 0};
    }
    buf.resize(old);
    if (n == 0) return {IoStatus::kEof, 0, 0};
    if (errno == EINTR) {
      buf.resize(old + max);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::kWouldBlock, 0, 0};
    return {IoStatus::kError, 0, errno};
  }
}

IoResult write_some(int fd, std::string_view data) {
  for (;;) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) return {IoStatus::kOk, static_cast<size_t>(n), 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoStatus::kWouldBlock, 0, 0};
    return {IoStatus::kError, 0, errno};
  }
}

IoStatus OutBuffer::flush(int fd) {
  while (pos_ < buf_.size()) {
    IoResult r = write_some(fd, std::string_view(buf_).substr(pos_));
    if (r.status == IoStatus::kError) return IoStatus::kError;
    if (r.status == IoStatus::kWouldBlock || r.bytes == 0) return IoStatus::kWouldBlock;
    pos_ += r.bytes;
  }
  buf_.clear();
  pos_ = 0;
  return IoStatus::kOk;
}

Listener::Listener(core::Dispatcher& dispatcher, core::Logger& logger, std::string_view module,
                   int listen_fd, AcceptCallback on_accept)
    : dispatcher_(dispatcher), log_(logger, module), fd_(listen_fd),
      on_accept_(std::move(on_accept)) {
  backoff_timer_ = dispatcher_.create_timer([this] {
    backing_off_ = false;
    update_watch();
  });
}

Listener::~Listener() = default;

Status Listener::start() {
  int listening = 0;
  socklen_t len = sizeof listening;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
    return fail(ErrorCode::kInvalidInput,
                "fd " + std::to_string(fd_) + " is not a listening socket");
  }
  MW_TRY(set_nonblocking(fd_));
  started_ = true;
  paused_ = false;
  update_watch();
  return {};
}

void Listener::pause() {
  paused_ = true;
  update_watch();
}

void Listener::resume() {
  paused_ = false;
  update_watch();
}

void Listener::update_watch() {
  bool want = started_ && !paused_ && !backing_off_;
  if (want == watching_) return;
  if (want) {
    event_ = dispatcher_.create_fd_event(fd_, core::kRead, [this](uint32_t) { on_readable(); });
  } else {
    event_.reset();  // allowed from inside the event's own callback
  }
  watching_ = want;
}

void Listener::backoff(int err) {
  double now = dispatcher_.monotonic();
  if (now - last_warning_ >= kWarningInterval) {
    last_warning_ = now;
    log_.warn(std::string("accept() failed: ") + std::strerror(err) +
              "; pausing new connections for 1s");
  }
  backing_off_ = true;
  update_watch();
  backoff_timer_->enable(kAcceptBackoff);
}

void Listener::on_readable() {
  for (int i = 0; i < kAcceptBatch && watching_; ++i) {
    int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;  // another worker won the race
      if (err == EINTR || err == ECONNABORTED || err == EPROTO || err == EPERM) continue;
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        backoff(err);
        return;
      }
      double now = dispatcher_.monotonic();
      if (now - last_warning_ >= kWarningInterval) {
        last_warning_ = now;
        log_.warn(std::string("accept() failed: ") + std::strerror(err));
      }
      return;
    }
    UniqueFd conn(fd);
    PeerAddress peer = peer_address(fd);
    // The callback may pause() (connection limit): the loop condition sees it.
    on_accept_(std::move(conn), peer);
  }
}

}  // namespace mw::proto
