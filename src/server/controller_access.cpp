// Controller access: same-origin checks of Host and Origin, and what a client's network
// allows (controller.h, "Access").
#include <arpa/inet.h>

#include <cctype>
#include <cstring>
#include <optional>
#include <string_view>

#include "server/controller.h"

namespace mw::server {

namespace http = proto::http;

namespace {

struct HostPort {
  std::string host;  // lower case, IPv6 without brackets
  int port = -1;     // -1: none given
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "name", "name:port", "[v6]", "[v6]:port", "v4:port"; nullopt when malformed.
std::optional<HostPort> split_host(std::string_view s) {
  HostPort hp;
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hp.host = lower(s.substr(1, close - 1));
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    size_t colon = s.find(':');
    if (colon != std::string_view::npos && s.find(':', colon + 1) != std::string_view::npos) {
      return std::nullopt;  // a bare IPv6 address is not a valid Host
    }
    hp.host = lower(s.substr(0, colon));
    if (colon != std::string_view::npos) port = s.substr(colon + 1);
  }
  if (hp.host.empty()) return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5) return std::nullopt;
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      p = p * 10 + (c - '0');
    }
    if (p > 65535) return std::nullopt;
    hp.port = p;
  }
  return hp;
}

// Both texts are the same IP address (IPv6 in any notation).
bool same_ip(const std::string& a, const std::string& b) {
  unsigned char x[16], y[16];
  if (::inet_pton(AF_INET, a.c_str(), x) == 1) {
    return ::inet_pton(AF_INET, b.c_str(), y) == 1 && std::memcmp(x, y, 4) == 0;
  }
  if (::inet_pton(AF_INET6, a.c_str(), x) == 1) {
    return ::inet_pton(AF_INET6, b.c_str(), y) == 1 && std::memcmp(x, y, 16) == 0;
  }
  return false;
}

bool loopback(const std::string& ip) {
  unsigned char a[16];
  if (::inet_pton(AF_INET, ip.c_str(), a) == 1) return a[0] == 127;
  return same_ip(ip, "::1");
}

// `hp` names the controller the request came to: the address the client connected to (or
// `localhost` on loopback) with its port when one is given, or a configured name.
bool names_us(const HostPort& hp, const http::Request& req, const ControllerOptions& o) {
  for (const auto& allowed : o.allowed_hosts) {
    auto a = split_host(allowed);
    if (a && a->host == hp.host && (a->port < 0 || a->port == hp.port)) return true;
  }
  if (req.local.ip.empty()) return false;
  bool host_ok = same_ip(hp.host, req.local.ip) || (hp.host == "localhost" && loopback(req.local.ip));
  return host_ok && (hp.port < 0 || hp.port == req.local.port);
}

}  // namespace

bool Controller::same_origin(const http::Request& req) const {
  if (req.peer.unix_socket) return true;  // no browser reaches a unix socket
  for (auto host : req.headers.find_all("Host")) {
    auto hp = split_host(host);
    if (!hp || !names_us(*hp, req, options_)) return false;
  }
  for (auto origin : req.headers.find_all("Origin")) {
    // "scheme://host[:port]"; "null" (sandboxed frames, files) is never ours.
    size_t sep = origin.find("://");
    if (sep == std::string_view::npos) return false;
    std::string scheme = lower(origin.substr(0, sep));
    std::string_view rest = origin.substr(sep + 3);
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    auto hp = split_host(rest);
    if (!hp || (scheme != "http" && scheme != "https")) return false;
    if (hp->port < 0) hp->port = scheme == "https" ? 443 : 80;
    if (!names_us(*hp, req, options_)) return false;
  }
  return true;
}

Access Controller::network_access(const http::Request& req) const {
  if (req.peer.unix_socket) return Access::kWrite;
  if (!options_.secure_ip.empty() && options_.secure_ip.contains(req.peer.ip)) {
    return Access::kWrite;
  }
  return Access::kNone;
}

}  // namespace mw::server
