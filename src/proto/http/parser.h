// Incremental request parser for HTTP/1.0, HTTP/1.1 and the legacy RSPAMC/SPAMC protocol.
//
// Written for this project (no third-party HTTP parser). It reads RFC 9112 message framing:
//   - request line; empty lines before it are skipped (RFC 9112 section 2.2)
//   - header fields: names are tokens (whitespace before the colon is an error), values are
//     trimmed, repeated fields stay separate and ordered, obs-fold continuation lines are
//     joined with one space; lines may end in CRLF or a bare LF; a bare CR is an error
//   - Content-Length (repeated equal values accepted), Transfer-Encoding: chunked with
//     chunk extensions (ignored) and trailer fields; both at once is refused (smuggling).
//     The body itself is read by BodyReader (body.h), shared with the HTTP client
//   - a request with neither has no body (RFC 9112 section 6.3, also for HTTP/1.0)
//   - keep-alive: HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with
//     `Connection: keep-alive`
//   - `Expect: 100-continue` is reported by expects_continue(); other expectations get 417
// The legacy protocol (a first line of two words, "CHECK RSPAMC/1.3" or "SYMBOLS SPAMC/1.5",
// then `Name: value` lines, a blank line and `Content-length` bytes of body) is parsed into
// the same Request with protocol kRspamc/kSpamc and path "/" + lower(command). Without a
// Content-length the legacy body runs to the end of the stream (finish()); PING has none.
//
// Errors carry the HTTP status to reply with: 400 malformed, 413 body too large, 414 request
// line too long, 431 head too large or too many fields, 417 unknown expectation, 501
// unsupported transfer coding, 505 HTTP version other than 1.x. After an error the parser
// stays failed; the connection replies and closes.
//
// Ownership: the parser owns the request being built. Loop affinity: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/http/body.h"
#include "proto/http/request.h"
#include "proto/options.h"

namespace mw::proto::http {

class RequestParser {
 public:
  explicit RequestParser(const HttpLimits& limits) : limits_(limits) {}

  // Consume bytes of the stream. Returns how many were used; it stops after a complete
  // request (complete()) or at an error (failed()). Bytes left unused form an incomplete
  // line: offer them again, with more data appended, at the next call.
  size_t feed(std::string_view data);
  // The peer closed its sending side. Completes a body that runs to the end of the stream;
  // a request cut short becomes an error (400). Nothing happens between requests.
  void finish();

  bool complete() const { return state_ == State::kComplete; }
  bool failed() const { return state_ == State::kError; }
  // Some bytes of a request (other than leading empty lines) were consumed.
  bool in_progress() const { return started_ && !complete() && !failed(); }
  // The head (request line and header fields) is complete; the body may still be arriving.
  bool head_complete() const { return head_done_; }
  // `Expect: 100-continue` was asked for and no body byte has arrived yet.
  bool expects_continue() const {
    return expect_continue_ && body_.received() == 0 && !complete();
  }
  const ParseError& error() const { return error_; }
  // Protocol of the request being parsed (known once its first line was read).
  Protocol protocol() const { return request_.protocol; }

  // Move the complete request out and get ready for the next one. REQUIRES: complete().
  Request take();
  // Forget everything, including an error.
  void reset();

 private:
  enum class State {
    kHead,        // request line and header fields
    kBody,        // the body (body_)
    kTrailers,    // trailer fields after the last chunk
    kComplete,
    kError,
  };

  size_t feed_line_state(std::string_view data);
  bool on_head_line(std::string_view line);
  bool on_request_line(std::string_view line);
  bool on_field_line(std::string_view line, HeaderMap& target);
  bool finish_head();
  // Start reading the body (and reserve room for a known length).
  bool start_body(BodyReader::Framing framing, uint64_t length);
  void reserve_body(uint64_t length);
  bool fail(int status, std::string reason);

  HttpLimits limits_;
  State state_ = State::kHead;
  Request request_;
  ParseError error_;
  bool started_ = false;
  bool head_done_ = false;
  bool seen_request_line_ = false;
  bool expect_continue_ = false;
  size_t head_bytes_ = 0;   // bytes of request line, header and trailer lines
  size_t field_count_ = 0;  // header fields and trailer fields
  BodyReader body_;
  bool fold_ok_ = false;    // the previous line was a field: obs-fold may continue it
};

}  // namespace mw::proto::http
