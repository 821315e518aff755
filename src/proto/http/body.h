// Message body framing (RFC 9112 section 6), the one decoder of both HTTP sides: the request
// parser of the server (parser.h) and the reply parser of the client (client.h).
//
//   kLength    exactly `length` bytes (Content-Length)
//   kToEof     everything until the peer closes (legacy requests, replies without a length)
//   kChunked   the chunked transfer coding: chunk-size [; extensions] CRLF, data, CRLF, ...,
//              then the last chunk "0"; lines may end in a bare LF; extensions are ignored.
//              The reader stops at the trailer section (at_trailers()): trailer fields are a
//              header block, read by the caller's header parser.
//
// Limits: the payload never exceeds max_body (413 "request body too large"; a length
// announced above it fails at start()); a chunk-size line is at most kMaxChunkLine bytes
// (400). Malformed chunks are 400. After an error the reader stays failed.
//
// Ownership: a plain value; the payload goes to the caller's string. Loop affinity: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mw::proto::http {

struct ParseError {
  int status = 400;
  std::string reason;
};

// Feed `data` to a parser one step at a time (the body reader, the request parser):
// `step(rest)` returns how many bytes of `rest` it used, or nothing to stop (the input is
// incomplete, or the parser is done or failed). Returns how many bytes were used in all.
template <typename Step>
size_t feed_steps(std::string_view data, Step&& step) {
  size_t used = 0;
  while (used < data.size()) {
    std::optional<size_t> n = step(data.substr(used));
    if (!n) break;
    used += *n;
  }
  return used;
}

class BodyReader {
 public:
  enum class Framing { kLength, kToEof, kChunked };
  // A chunk-size line with its extensions; longer ones are malformed (extensions are ignored,
  // so there is no reason to accept big ones).
  static constexpr size_t kMaxChunkLine = 4096;

  // Begin a body. `length` counts for kLength only.
  void start(Framing framing, uint64_t length, uint64_t max_body);
  // Consume body bytes, appending the payload to `body`. Returns how many bytes were used; it
  // stops when the body is complete, at the trailer section, at an error, or at an
  // incomplete line (offer those bytes again with more appended).
  size_t feed(std::string_view data, std::string& body);
  // The peer closed: completes a body that runs to the end of the stream. False when the
  // body is not complete (it was cut short).
  bool finish();

  bool complete() const { return state_ == State::kComplete; }
  bool at_trailers() const { return state_ == State::kTrailers; }
  bool failed() const { return state_ == State::kError; }
  const ParseError& error() const { return error_; }
  uint64_t received() const { return received_; }  // payload bytes so far

 private:
  enum class State { kLength, kToEof, kChunkSize, kChunkData, kChunkEnd, kTrailers, kComplete,
                     kError };

  size_t feed_chunk_size(std::string_view data);
  size_t feed_chunk_end(std::string_view data);
  bool add(std::string_view bytes, std::string& body);
  size_t fail(int status, std::string reason);

  State state_ = State::kComplete;
  ParseError error_;
  uint64_t max_ = 0;
  uint64_t left_ = 0;  // bytes of the body or the current chunk still to come
  uint64_t received_ = 0;
};

}  // namespace mw::proto::http
