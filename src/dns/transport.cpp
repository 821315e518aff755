#include "dns/transport.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace mw::dns {

namespace {

// Datagrams read per readiness event before yielding to the loop (a flood of junk must not
// starve other work).
constexpr int kMaxReadsPerEvent = 16;
constexpr size_t kTcpReadChunk = 16384;

Failure io_error(const char* what, const Nameserver& server, int err) {
  return fail(ErrorCode::kIo, std::string(what) + " " + server.text + ": " + std::strerror(err));
}

}  // namespace

Attempt::Attempt(Transport transport, size_t server_index, uint16_t id, bool edns,
                 std::vector<uint8_t>& scratch, AttemptListener& listener)
    : transport_(transport),
      server_index_(server_index),
      id_(id),
      edns_(edns),
      scratch_(scratch),
      listener_(listener) {}

Attempt::~Attempt() {
  event_.reset();
}

Result<std::unique_ptr<Attempt>> Attempt::start(core::Dispatcher& dispatcher, Transport transport,
                                                const Nameserver& server, size_t server_index,
                                                uint16_t id, bool edns,
                                                std::span<const uint8_t> query,
                                                std::vector<uint8_t>& scratch,
                                                AttemptListener& listener) {
  bool udp = transport == Transport::kUdp;
  std::unique_ptr<Attempt> a(new Attempt(transport, server_index, id, edns, scratch, listener));
  a->dispatcher_ = &dispatcher;
  a->fd_.reset(::socket(server.addr.ss_family,
                        (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!a->fd_.valid()) return io_error("socket for", server, errno);
  int rc = ::connect(a->fd_.get(), reinterpret_cast<const sockaddr*>(&server.addr),
                     server.addr_len);
  if (rc != 0 && !(errno == EINPROGRESS && !udp)) return io_error("connect to", server, errno);

  if (udp) {
    a->connected_ = true;
    ssize_t n = ::send(a->fd_.get(), query.data(), query.size(), 0);
    if (n == static_cast<ssize_t>(query.size())) {
      a->watch(core::kRead);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      a->out_.assign(query.begin(), query.end());
      a->watch(core::kRead | core::kWrite);
    } else {
      return io_error("send to", server, n < 0 ? errno : EMSGSIZE);
    }
    return a;
  }
  // TCP: 2-byte length prefix, then the message; written once connected.
  a->connected_ = rc == 0;
  a->out_.reserve(query.size() + 2);
  a->out_.push_back(static_cast<uint8_t>(query.size() >> 8));
  a->out_.push_back(static_cast<uint8_t>(query.size() & 0xff));
  a->out_.insert(a->out_.end(), query.begin(), query.end());
  a->watch(core::kWrite);
  return a;
}

void Attempt::watch(uint32_t events) {
  if (events == watching_ && event_ != nullptr) return;
  watching_ = events;
  if (event_ == nullptr) {
    event_ = dispatcher_->create_fd_event(fd_.get(), events,
                                          [this](uint32_t ev) { on_events(ev); });
  } else {
    event_->set_events(events);
  }
}

void Attempt::fail(int err) {
  watch(0);
  listener_.on_transport_error(*this, err);  // may destroy *this
}

void Attempt::on_events(uint32_t events) {
  std::weak_ptr<char> alive = alive_;
  if (events & core::kWrite) {
    if (transport_ == Transport::kUdp) {
      udp_send();
    } else {
      tcp_write();
    }
    if (alive.expired()) return;
  }
  if ((events & core::kRead) && (watching_ & core::kRead)) {
    if (transport_ == Transport::kUdp) {
      udp_read();
    } else {
      tcp_read();
    }
  }
}

void Attempt::udp_send() {
  if (out_.empty()) {
    watch(core::kRead);
    return;
  }
  ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n != static_cast<ssize_t>(out_.size())) {
    fail(n < 0 ? errno : EMSGSIZE);
    return;
  }
  out_.clear();
  watch(core::kRead);
}

void Attempt::udp_read() {
  std::weak_ptr<char> alive = alive_;
  for (int i = 0; i < kMaxReadsPerEvent; ++i) {
    ssize_t n = ::recv(fd_.get(), scratch_.data(), scratch_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      fail(errno);  // e.g. ECONNREFUSED: the server's port is closed
      return;
    }
    listener_.on_message(*this, std::span<const uint8_t>(scratch_.data(), static_cast<size_t>(n)));
    if (alive.expired()) return;
  }
}

void Attempt::tcp_write() {
  if (!connected_) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      fail(err);
      return;
    }
    connected_ = true;
  }
  while (out_pos_ < out_.size()) {
    ssize_t n =
        ::send(fd_.get(), out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // resume when writable
      fail(errno);
      return;
    }
    out_pos_ += static_cast<size_t>(n);
  }
  out_.clear();
  out_.shrink_to_fit();
  out_pos_ = 0;
  watch(core::kRead);
}

void Attempt::tcp_read() {
  std::weak_ptr<char> alive = alive_;
  for (int i = 0; i < kMaxReadsPerEvent; ++i) {
    size_t old = in_.size();
    in_.resize(old + kTcpReadChunk);
    ssize_t n = ::recv(fd_.get(), in_.data() + old, kTcpReadChunk, 0);
    in_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      fail(errno);
      return;
    }
    if (n == 0) {
      fail(ECONNRESET);  // closed before a matching answer
      return;
    }
    // Hand over every complete framed message; keep a partial one for the next read.
    size_t pos = 0;
    while (in_.size() - pos >= 2) {
      size_t len = (size_t{in_[pos]} << 8) | in_[pos + 1];
      if (in_.size() - pos - 2 < len) break;
      listener_.on_message(*this, std::span<const uint8_t>(in_.data() + pos + 2, len));
      if (alive.expired()) return;
      pos += 2 + len;
    }
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(pos));
  }
}

}  // namespace mw::dns
