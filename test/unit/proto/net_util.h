// Socket helpers for the server tests: a listening socket on 127.0.0.1 with a free port,
// blocking clients with timeouts, and running a Dispatcher until a condition holds.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "core/loop.h"

namespace mw::proto::test {

// A listening TCP socket on 127.0.0.1 with a kernel-chosen port (closed on destruction).
struct TcpListener {
  int fd = -1;
  uint16_t port = 0;
  TcpListener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
    ::listen(fd, 64);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~TcpListener() {
    if (fd >= 0) ::close(fd);
  }
};

// A blocking client socket with a receive timeout.
struct Client {
  int fd = -1;
  explicit Client(uint16_t port, double timeout = 5.0) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout);
    tv.tv_usec = static_cast<suseconds_t>((timeout - static_cast<double>(tv.tv_sec)) * 1e6);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~Client() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  bool send(std::string_view data) const {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Read until the peer closes or the timeout hits.
  std::string read_all() const {
    std::string out;
    char buf[65536];
    while (true) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // Read until `out` holds one complete HTTP response (Content-Length framing).
  std::string read_response() const {
    std::string out;
    char buf[65536];
    while (true) {
      size_t eoh = out.find("\r\n\r\n");
      if (eoh != std::string::npos) {
        size_t cl = out.find("Content-Length: ");
        size_t len = 0;
        if (cl != std::string::npos && cl < eoh) len = std::stoul(out.substr(cl + 16));
        if (out.size() >= eoh + 4 + len) return out;
      }
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  // True when the peer has closed: recv() returns 0 within the timeout.
  bool closed_by_peer() const {
    char c;
    ssize_t n = ::recv(fd, &c, 1, 0);
    return n == 0;
  }
};

// Run the loop until `done()` or `timeout` seconds; returns done().
inline bool run_until(core::Dispatcher& d, const std::function<bool()>& done,
                      double timeout = 10.0) {
  auto start = std::chrono::steady_clock::now();
  while (!done()) {
    d.run_once_nonblock();
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    std::chrono::duration<double> el = std::chrono::steady_clock::now() - start;
    if (el.count() > timeout) return done();
  }
  return true;
}

// A client running on its own thread while the loop runs on the test thread.
class ClientThread {
 public:
  explicit ClientThread(std::function<void()> body)
      : thread_([this, body = std::move(body)] {
          body();
          done_ = true;
        }) {}
  ~ClientThread() {
    if (thread_.joinable()) thread_.join();
  }
  bool done() const { return done_; }
  void join() { thread_.join(); }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

inline std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

inline std::string body_of(const std::string& response) {
  size_t eoh = response.find("\r\n\r\n");
  return eoh == std::string::npos ? std::string() : response.substr(eoh + 4);
}

}  // namespace mw::proto::test
