// Fuzz target: the DNS reply decoder (dns/wire.h), the module's network-facing parser.
// Every datagram or TCP message a name server (or an attacker spoofing one) sends goes
// through decode_reply(); it must never crash, hang or read outside the buffer. The same
// bytes are also fed to the query-name encoder (dns/name.h), which sees names built from
// mail content (SPF macros, URLs, DKIM selectors).
// Seeds: test/fuzz/corpus/dns/ (replies captured from the resolver tests, plus crafted ones).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dns/name.h"
#include "dns/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = mw::dns::decode_reply(std::span<const uint8_t>(data, size));
  if (decoded) {
    // Touch everything the resolver would use.
    size_t total = decoded->qname_wire.size();
    for (const auto& rec : decoded->reply.answers) {
      total += rec.name.size() + rec.text.size() + rec.strings.size();
      if (rec.family != 0 && rec.family != 4 && rec.family != 6) __builtin_trap();
    }
    if (decoded->reply.answers.size() > size) __builtin_trap();  // records cannot be free
    (void)total;
  }
  auto encoder = mw::dns::NameEncoder::create();
  if (encoder && size <= 2048) {
    auto ascii = encoder->to_ascii(std::string_view(reinterpret_cast<const char*>(data), size));
    if (ascii) {
      if (!mw::dns::check_ascii_name(*ascii)) __builtin_trap();
      std::string wire = mw::dns::name_to_wire(*ascii);
      if (wire.size() > 255) __builtin_trap();
    }
  }
  return 0;
}
