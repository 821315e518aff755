// A reply of the scan protocol and its serialisation.
//
// The server writes the status line and the standard headers itself (rspamd-compat.md 1.1):
//   Server, Date, Content-Length, Connection (keep-alive | close), Content-Type,
//   Compression + Content-Encoding (when the body was compressed), then the Response's extra
//   headers. Bodies are never sent for HEAD requests or 1xx/204/304 statuses.
// A `raw` Response is a legacy-protocol reply (legacy.h): its body is the whole reply and is
// written as it is, then the connection closes.
//
// Ownership: a Response owns its strings. Loop affinity: none. Failure modes: none.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "proto/http/headers.h"

namespace mw::proto::http {

struct Response {
  int status = 200;
  std::string reason;  // status text; empty: the standard phrase for `status`
  std::string content_type = "application/json";
  HeaderMap headers;  // extra reply headers (not Content-Length/Connection/Date/Server)
  std::string body;
  bool compress = false;  // zstd-compress the body (see Request::wants_compressed_reply)
  bool close = false;     // close the connection after this reply
  bool raw = false;       // legacy protocol: `body` is the complete reply
  // Send the body (with Content-Length) even with a 204 status. Rspamd answers some
  // learning outcomes with 204 and a JSON body, and rspamc reads it (it reports an error
  // when there is none); use it with `close`, since a client that follows RFC 9110 ignores
  // the body and could read the next reply from the wrong place.
  bool body_with_204 = false;

  static Response json(std::string body, int status = 200);
  static Response text(std::string body, int status = 200);
  // {"error": "<message>", "error_domain": "protocol-error"} with `status`.
  static Response error(int status, std::string_view message);
};

// Standard reason phrase ("OK", "Bad Request", ...); "Unknown" for unlisted codes.
std::string_view reason_phrase(int status);

// IMF-fixdate (RFC 9110 section 5.6.7), independent of the C locale:
// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t t);

struct ReplyContext {
  bool head_request = false;  // HEAD: no body
  bool keep_alive = false;    // Connection: keep-alive, else close
  std::string_view server;    // Server header value
  std::string_view date;      // Date header value
  bool compressed = false;    // the body is zstd: add the two coding headers
};

// Status line, headers, blank line and body. REQUIRES: !response.raw.
std::string serialize_response(const Response& response, const ReplyContext& ctx);

// Interim "100 Continue" for `Expect: 100-continue`.
inline constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace mw::proto::http
