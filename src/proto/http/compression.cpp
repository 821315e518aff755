#include "proto/http/compression.h"

#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <memory>

namespace mw::proto::http {

namespace {

struct DctxDeleter {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
struct CctxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// Size of the pieces the output grows by: large enough to keep the call count low for big
// messages, small enough not to reserve much for a small one.
constexpr size_t kOutStep = 64 * 1024;

}  // namespace

bool looks_like_zstd(std::string_view data) {
  return data.size() >= 4 && static_cast<unsigned char>(data[0]) == 0x28 &&
         static_cast<unsigned char>(data[1]) == 0xB5 &&
         static_cast<unsigned char>(data[2]) == 0x2F &&
         static_cast<unsigned char>(data[3]) == 0xFD;
}

Result<std::string> zstd_decompress(std::string_view data, uint64_t max_out) {
  if (data.empty()) return fail(ErrorCode::kInvalidInput, "empty zstd body");
  unsigned dict = ZSTD_getDictID_fromFrame(data.data(), data.size());
  if (dict != 0) {
    return fail(ErrorCode::kInvalidInput,
                "zstd body needs dictionary " + std::to_string(dict) + ", none is configured");
  }
  unsigned long long declared = ZSTD_getFrameContentSize(data.data(), data.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return fail(ErrorCode::kInvalidInput, "corrupt zstd body");
  }
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared > max_out) {
    return fail(ErrorCode::kLimit, "decompressed body too large");
  }
  std::unique_ptr<ZSTD_DCtx, DctxDeleter> ctx(ZSTD_createDCtx());
  if (!ctx) return fail(ErrorCode::kInternal, "cannot create a zstd context");

  std::string out;
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN) out.reserve(static_cast<size_t>(declared));
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  // Decode into room for one byte more than the cap: producing that byte proves the cap is
  // exceeded without a special "probe" step.
  const uint64_t hard = max_out == UINT64_MAX ? max_out : max_out + 1;
  size_t last = 1;  // non-zero while the decoder expects more of the current frame
  for (;;) {
    size_t room = static_cast<size_t>(std::min<uint64_t>(hard - out.size(), kOutStep));
    size_t old = out.size();
    out.resize(old + room);
    ZSTD_outBuffer o{out.data() + old, room, 0};
    size_t in_before = in.pos;
    size_t r = ZSTD_decompressStream(ctx.get(), &o, &in);
    out.resize(old + o.pos);
    if (ZSTD_isError(r)) return fail(ErrorCode::kInvalidInput, "corrupt zstd body");
    if (out.size() > max_out) return fail(ErrorCode::kLimit, "decompressed body too large");
    last = r;
    bool flushed = o.pos < o.size;
    if (in.pos == in.size && flushed) break;       // input used up, nothing left inside
    if (in.pos == in_before && o.pos == 0) break;  // no progress: let `last` decide
  }
  if (last != 0) return fail(ErrorCode::kInvalidInput, "truncated zstd body");
  return out;
}

Result<std::string> zstd_compress(std::string_view data, int level) {
  std::unique_ptr<ZSTD_CCtx, CctxDeleter> ctx(ZSTD_createCCtx());
  if (!ctx) return fail(ErrorCode::kInternal, "cannot create a zstd context");
  std::string out;
  out.resize(ZSTD_compressBound(data.size()));
  size_t r = ZSTD_compressCCtx(ctx.get(), out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(r)) {
    return fail(ErrorCode::kInternal, std::string("zstd compression failed: ") +
                                          ZSTD_getErrorName(r));
  }
  out.resize(r);
  return out;
}

Status decode_request_body(Request& request, uint64_t max_body_size) {
  request.wire_body_size = request.body.size();
  bool zstd = false;
  for (const char* name : {"Compression", "Content-Encoding"}) {
    for (auto value : request.headers.find_all(name)) {
      for (auto coding : split_list(value)) {
        if (iequals(coding, "zstd")) {
          zstd = true;
        } else if (!iequals(coding, "identity")) {
          return fail(ErrorCode::kUnsupported,
                      "unsupported content coding '" + std::string(coding) + "'");
        }
      }
    }
  }
  if (!zstd && looks_like_zstd(request.body)) zstd = true;
  if (!zstd) return {};
  if (request.body.empty()) {
    request.compressed = true;  // nothing to decode; the reply may still be compressed
    return {};
  }
  if (request.headers.has("Dictionary")) {
    return fail(ErrorCode::kInvalidInput, "zstd dictionaries are not supported");
  }
  auto plain = zstd_decompress(request.body, max_body_size);
  if (!plain) return fail(plain.error());
  request.body = std::move(*plain);
  request.compressed = true;
  return {};
}

}  // namespace mw::proto::http
