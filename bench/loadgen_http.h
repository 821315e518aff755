// HTTP/1.x client pieces of the load driver: request heads and an incremental response
// parser.
//
// The driver has one request in flight per connection (no pipelining), so the parser handles
// exactly one response at a time: feed() it the bytes as they arrive, finish() it when the
// peer closes, reset() it before the next request.
//
// Ownership: the parser owns a copy of the body (de-chunked); response() stays valid until
// reset(). Loop affinity: none (plain data). Failure modes: malformed status line, header or
// chunk framing, and heads or bodies above the configured limits give State::kError with a
// one-line reason in error(); the connection must then be closed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mw::bench {

inline constexpr size_t kDefaultMaxResponseHead = 64 * 1024;
inline constexpr size_t kDefaultMaxResponseBody = 64 * 1024 * 1024;

struct HttpResponse {
  int status = 0;
  std::string reason;
  // False when the server closes the connection after this response (Connection: close,
  // HTTP/1.0 without keep-alive, or a body delimited by the end of the stream).
  bool keep_alive = true;
  // Compression: zstd or Content-Encoding: zstd.
  bool zstd = false;
  std::string body;
};

class ResponseParser {
 public:
  enum class State { kNeedMore, kDone, kError };

  explicit ResponseParser(size_t max_head = kDefaultMaxResponseHead,
                          size_t max_body = kDefaultMaxResponseBody);

  // Forget everything; ready for the next response.
  void reset();

  // Consume `data`. kDone: response() is complete; bytes after its end are counted in
  // excess() (a server must not send them). kError: see error(). kNeedMore otherwise.
  // REQUIRES: the previous call did not return kDone or kError (reset() first).
  State feed(std::string_view data);

  // The peer closed the stream. kDone when that completes a response whose body runs to the
  // end of the stream; kError (truncated response) otherwise.
  State finish();

  // True once any byte of the response has arrived.
  bool started() const { return started_; }
  const HttpResponse& response() const { return response_; }
  const std::string& error() const { return error_; }
  size_t excess() const { return excess_; }

 private:
  enum class Phase { kHead, kLengthBody, kEofBody, kChunkSize, kChunkData, kChunkCrlf,
                     kTrailer, kDone, kError };

  State fail(std::string message);
  State parse_head(std::string_view head);
  State consume_body(std::string_view data);
  State on_chunk_size_line(std::string_view line);

  size_t max_head_;
  size_t max_body_;
  Phase phase_ = Phase::kHead;
  bool started_ = false;
  std::string head_;      // bytes of the head seen so far
  std::string line_;      // partial chunk-size or trailer line
  uint64_t remaining_ = 0;
  size_t excess_ = 0;
  HttpResponse response_;
  std::string error_;
};

// The request head (request line + headers + blank line) for a POST of `body_size` bytes.
// `extra_headers` are complete "Name: value" lines without line ends.
struct RequestHeadOptions {
  std::string path = "/checkv2";
  std::string host;  // Host header value
  bool keep_alive = true;
  bool zstd = false;  // adds Compression: zstd
  std::vector<std::string> extra_headers;
};
std::string build_request_head(const RequestHeadOptions& opts, size_t body_size);

}  // namespace mw::bench
