// zstd bodies of the scan protocol (rspamd-compat.md section 1.5).
//
// Modern rspamc compresses every request with zstd and says so with `Compression: zstd`
// (some clients use `Content-Encoding: zstd`); a body starting with the zstd frame magic is
// taken as compressed even without a header, as Rspamd does. The reply may be compressed
// in turn (`Compression: zstd` + `Content-Encoding: zstd` reply headers).
//
// Decompression is streamed with a cap on the output, so a small "zstd bomb" cannot expand
// past the configured body size. Dictionaries (`Dictionary:` header, frames with a
// dictionary id) are not supported.
//
// Ownership: results are owned strings. Loop affinity: none.
// Failure modes (as Error codes, mapped to HTTP statuses by the server):
//   kLimit         the decompressed size would exceed the cap            -> 413
//   kInvalidInput  corrupt or truncated zstd data, dictionary required    -> 400
//   kUnsupported   a content coding other than zstd/identity              -> 415
//   kInternal      libzstd could not allocate a context                   -> 500
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "proto/http/request.h"

namespace mw::proto::http {

// The body begins with the zstd frame magic number 0xFD2FB528 (little-endian on the wire).
bool looks_like_zstd(std::string_view data);

// Decompress one or more concatenated zstd frames; fail past `max_out` bytes of output.
Result<std::string> zstd_decompress(std::string_view data, uint64_t max_out);

// Compress with libzstd at `level` (1 = fastest).
Result<std::string> zstd_compress(std::string_view data, int level = 1);

// Apply the request's content coding in place: decompress `request.body` when the request
// says (or the bytes show) it is zstd, set request.compressed and wire_body_size.
Status decode_request_body(Request& request, uint64_t max_body_size);

}  // namespace mw::proto::http
