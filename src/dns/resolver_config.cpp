#include "dns/resolver_config.h"

#include <netdb.h>

#include <charconv>
#include <cstring>
#include <memory>

#include "core/ascii.h"
#include "core/c_ptr.h"

namespace mw::dns {

namespace {

using AddrInfoPtr = core::CPtr<addrinfo, freeaddrinfo>;

}  // namespace

Result<Nameserver> parse_nameserver(std::string_view text, uint16_t default_port) {
  std::string_view s = core::trim_wsp(text);
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (s.empty()) return fail(ErrorCode::kInvalidInput, "empty name server address");
  if (s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) {
      return fail(ErrorCode::kInvalidInput, "name server '" + std::string(s) + "': missing ']'");
    }
    host = s.substr(1, close - 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return fail(ErrorCode::kInvalidInput,
                    "name server '" + std::string(s) + "': junk after ']'");
      }
      port = rest.substr(1);
      has_port = true;
    }
  } else {
    size_t first = s.find(':');
    if (first != std::string_view::npos && s.find(':', first + 1) == std::string_view::npos) {
      host = s.substr(0, first);  // "IPv4:PORT"
      port = s.substr(first + 1);
      has_port = true;
    } else {
      host = s;  // IPv4 without port, or a bare IPv6 address
    }
  }
  unsigned port_num = default_port;
  if (has_port) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_num);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || port_num == 0 ||
        port_num > 65535) {
      return fail(ErrorCode::kInvalidInput, "name server '" + std::string(s) + "': bad port");
    }
  }
  if (host.empty()) {
    return fail(ErrorCode::kInvalidInput, "name server '" + std::string(s) + "': empty address");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  std::string host_str(host);
  std::string port_str = std::to_string(port_num);
  int rc = getaddrinfo(host_str.c_str(), port_str.c_str(), &hints, &raw);
  AddrInfoPtr ai(raw);
  if (rc != 0 || ai == nullptr || ai->ai_addrlen > sizeof(sockaddr_storage)) {
    return fail(ErrorCode::kInvalidInput,
                "name server '" + std::string(s) + "': not a numeric IPv4 or IPv6 address");
  }
  Nameserver ns;
  std::memcpy(&ns.addr, ai->ai_addr, ai->ai_addrlen);
  ns.addr_len = ai->ai_addrlen;
  ns.text = ai->ai_family == AF_INET6 ? "[" + host_str + "]:" + port_str
                                      : host_str + ":" + port_str;
  return ns;
}

}  // namespace mw::dns
