// Fuzz target: Received trace fields (mime/received.h). The input is parsed as one field
// value. Checks: no crash or hang; every view but the IP points into the input; the IP is
// canonical text of the family given (re-parsing gives itself); flags and enums in range.
// Seeds: test/fuzz/corpus/received/ (real fields of common MTAs and odd shapes).
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/arena.h"
#include "mime/received.h"

namespace {

bool inside(std::string_view in, std::string_view v) {
  return v.empty() || (v.data() >= in.data() && v.data() + v.size() <= in.data() + in.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  mw::core::Arena arena;
  mw::mime::Received r = mw::mime::parse_received(arena, in);
  for (std::string_view v : {r.from, r.helo, r.rdns, r.by, r.with, r.via, r.id, r.for_addr,
                             r.ident, r.tls_cipher}) {
    if (!inside(in, v)) __builtin_trap();
  }
  if (r.raw.data() != in.data() || r.raw.size() != in.size()) __builtin_trap();
  if (!r.ip.empty()) {
    std::string ip(r.ip);
    unsigned char addr[16];
    char out[INET6_ADDRSTRLEN] = {0};
    int af = r.ip_family == 4 ? AF_INET : AF_INET6;
    if (r.ip_family != 4 && r.ip_family != 6) __builtin_trap();
    if (inet_pton(af, ip.c_str(), addr) != 1) __builtin_trap();
    inet_ntop(af, addr, out, sizeof out);
    if (ip != out) __builtin_trap();
  } else if (r.ip_family != 0) {
    __builtin_trap();
  }
  if (static_cast<int>(r.proto) > static_cast<int>(mw::mime::ReceivedProto::kOther)) {
    __builtin_trap();
  }
  if (r.rdns_state == mw::mime::RdnsState::kPresent && r.rdns.empty()) __builtin_trap();
  return 0;
}
