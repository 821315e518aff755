// Fuzz target: the HTTP/1.x request parser (proto/http/parser.h) with chunked bodies, and the
// zstd body decoder (proto/http/compression.h). Every byte a scan client sends goes through
// them. Besides "no crash, no hang, no read outside the buffer", the target checks the
// parser's own promises:
//   - it never claims more bytes than it was given, and what it leaves unconsumed (an
//     incomplete line) stays bounded by the configured limits;
//   - the result does not depend on how the bytes were split: the whole input fed at once
//     and the same input fed in pieces give the same requests and the same error;
//   - an error carries one of the documented statuses.
// Input: the first byte picks the piece size and whether the stream ends with EOF.
// Seeds: test/fuzz/corpus/http/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http/compression.h"
#include "proto/http/parser.h"

namespace {

using mw::proto::HttpLimits;
using mw::proto::http::RequestParser;

HttpLimits fuzz_limits() {
  HttpLimits l;
  l.max_request_line = 512;
  l.max_header_size = 2048;
  l.max_headers = 32;
  l.max_body_size = 1 << 16;
  return l;
}

std::string summary(mw::proto::http::Request& r) {
  std::string s = r.method + "|" + r.path + "|" + r.raw_query + "|" +
                  std::to_string(static_cast<int>(r.protocol)) + "|" +
                  (r.keep_alive ? "k" : "c") + "|";
  for (const auto& f : r.headers) s += f.name + ":" + f.value + ";";
  s += "|";
  for (const auto& f : r.trailers) s += f.name + ":" + f.value + ";";
  s += "|" + r.body;
  if (r.body.size() > (1u << 16)) __builtin_trap();
  auto st = mw::proto::http::decode_request_body(r, 1 << 16);
  if (st && r.body.size() > (1u << 16)) __builtin_trap();
  return s;
}

std::vector<std::string> run(std::string_view in, size_t stride, bool eof) {
  HttpLimits limits = fuzz_limits();
  RequestParser p(limits);
  std::vector<std::string> out;
  std::string buf;
  for (size_t i = 0; i < in.size(); i += stride) {
    buf.append(in.substr(i, stride));
    while (true) {
      size_t n = p.feed(buf);
      if (n > buf.size()) __builtin_trap();
      buf.erase(0, n);
      if (p.failed()) {
        int st = p.error().status;
        if (st != 400 && st != 413 && st != 414 && st != 417 && st != 431 && st != 501 &&
            st != 505) {
          __builtin_trap();
        }
        out.push_back("error " + std::to_string(st));
        return out;
      }
      if (p.complete()) {
        auto r = p.take();
        out.push_back(summary(r));
        continue;
      }
      break;
    }
    // Unconsumed bytes are an incomplete line, bounded by the limits (+ the chunk line cap).
    if (buf.size() > 4096 + limits.max_header_size + stride) __builtin_trap();
  }
  if (eof) {
    p.finish();
    if (p.complete()) {
      auto r = p.take();
      out.push_back(summary(r));
    } else if (p.failed()) {
      out.push_back("error " + std::to_string(p.error().status));
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t ctl = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t stride = static_cast<size_t>(ctl & 0x3f) + 1;
  bool eof = (ctl & 0x40) != 0;
  auto whole = run(in, in.size() == 0 ? 1 : in.size(), eof);
  auto pieces = run(in, stride, eof);
  if (whole != pieces) __builtin_trap();
  return 0;
}
