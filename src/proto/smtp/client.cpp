#include "proto/smtp/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mw::proto::smtp {

namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

Status wait_for(int fd, short events, double timeout) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, static_cast<int>(timeout * 1000));
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) return fail(ErrorCode::kTimeout, "SMTP relay timed out");
  if (rc < 0) return fail(ErrorCode::kIo, std::string("poll: ") + std::strerror(errno));
  return {};
}

Result<int> connect_to(const std::string& relay, double timeout) {
  std::string host, port;
  if (!relay.empty() && relay.front() == '[') {
    auto close = relay.find("]:");
    if (close == std::string::npos) return fail(ErrorCode::kInvalidInput, "relay: [HOST]:PORT");
    host = relay.substr(1, close - 1);
    port = relay.substr(close + 2);
  } else {
    auto colon = relay.rfind(':');
    if (colon == std::string::npos) return fail(ErrorCode::kInvalidInput, "relay: HOST:PORT");
    host = relay.substr(0, colon);
    port = relay.substr(colon + 1);
  }
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 1 || p > 65535) {
    return fail(ErrorCode::kInvalidInput, "relay port: " + port);
  }
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(p));
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(p));
    len = sizeof(sockaddr_in6);
  } else {
    return fail(ErrorCode::kInvalidInput, "relay host must be a numeric address: " + host);
  }
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  Socket guard(fd);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0 && errno != EINPROGRESS) {
    return fail(ErrorCode::kIo, "connect " + relay + ": " + std::strerror(errno));
  }
  MW_TRY(wait_for(fd, POLLOUT, timeout));
  int err = 0;
  socklen_t el = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
  if (err != 0) return fail(ErrorCode::kIo, "connect " + relay + ": " + std::strerror(err));
  return ::dup(fd);  // the guard closes its copy
}

class Session {
 public:
  Session(int fd, const SendOptions& o) : fd_(fd), o_(o) {}

  // Read one reply; its code, the full text in `text`.
  Result<int> reply(std::string& text) {
    text.clear();
    while (true) {
      auto eol = buf_.find("\r\n");
      if (eol == std::string::npos) eol = buf_.find('\n');
      if (eol != std::string::npos) {
        std::string line = buf_.substr(0, eol);
        buf_.erase(0, eol + (buf_[eol] == '\r' ? 2 : 1));
        if (line.size() < 3) return fail(ErrorCode::kIo, "malformed SMTP reply: " + line);
        if (!text.empty()) text += " ";
        text += line;
        if (line.size() == 3 || line[3] == ' ') return std::atoi(line.substr(0, 3).c_str());
        continue;
      }
      if (buf_.size() + text.size() > o_.max_reply) {
        return fail(ErrorCode::kIo, "SMTP reply too long");
      }
      MW_TRY(wait_for(fd_, POLLIN, o_.timeout));
      char chunk[4096];
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) return fail(ErrorCode::kIo, "SMTP relay closed the connection");
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  Status write(std::string_view data) {
    while (!data.empty()) {
      MW_TRY(wait_for(fd_, POLLOUT, o_.timeout));
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n < 0) return fail(ErrorCode::kIo, std::string("SMTP write: ") + std::strerror(errno));
      data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  // Send `line` (without CRLF) and expect a reply of class `want` (2 or 3).
  Status command(const std::string& line, int want, std::string_view what) {
    MW_TRY(write(line + "\r\n"));
    return expect(want, what);
  }
  Status expect(int want, std::string_view what) {
    std::string text;
    auto code = reply(text);
    if (!code) return fail(code.error());
    if (*code / 100 != want) return fail(ErrorCode::kUnsupported, std::string(what) + ": " + text);
    return {};
  }

 private:
  int fd_;
  const SendOptions& o_;
  std::string buf_;
};

bool safe_address(const std::string& a) {
  for (char c : a) {
    if (c == '\r' || c == '\n' || c == '<' || c == '>' || c == '\0') return false;
  }
  return true;
}

}  // namespace

Status send(const SendOptions& options, const std::string& from,
            const std::vector<std::string>& to, const std::string& message) {
  if (!safe_address(from) || !safe_address(options.helo)) {
    return fail(ErrorCode::kInvalidInput, "unusable sender address or HELO name");
  }
  for (const auto& t : to) {
    if (!safe_address(t) || t.empty()) return fail(ErrorCode::kInvalidInput, "unusable recipient");
  }
  if (to.empty()) return fail(ErrorCode::kInvalidInput, "no recipient");
  auto fd = connect_to(options.relay, options.timeout);
  if (!fd) return fail(fd.error());
  Socket guard(*fd);
  Session s(*fd, options);
  MW_TRY(s.expect(2, "greeting"));
  std::string helo = options.helo.empty() ? "localhost" : options.helo;
  if (!s.command("EHLO " + helo, 2, "EHLO")) MW_TRY(s.command("HELO " + helo, 2, "HELO"));
  MW_TRY(s.command("MAIL FROM:<" + from + ">", 2, "MAIL FROM"));
  for (const auto& t : to) MW_TRY(s.command("RCPT TO:<" + t + ">", 2, "RCPT TO"));
  MW_TRY(s.command("DATA", 3, "DATA"));
  // Dot-stuffing (RFC 5321 4.5.2) and CRLF line ends.
  std::string data;
  data.reserve(message.size() + message.size() / 50 + 8);
  bool line_start = true;
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (line_start && c == '.') data += '.';
    if (c == '\n' && (i == 0 || message[i - 1] != '\r')) data += '\r';
    data += c;
    line_start = c == '\n';
  }
  if (!line_start) data += "\r\n";
  data += ".\r\n";
  MW_TRY(s.write(data));
  MW_TRY(s.expect(2, "end of DATA"));
  (void)s.command("QUIT", 2, "QUIT");  // the message is accepted already
  return {};
}

}  // namespace mw::proto::smtp
