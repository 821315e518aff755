// A complete scan-protocol request: HTTP/1.x or the legacy RSPAMC/SPAMC line protocol.
//
// The parser (parser.h) fills it; the server (server.h) decompresses the body and hands it to
// the Handler. Nothing here knows about scanning: the handler maps the path and the headers
// to a task (Rspamd's protocol: `From`, `Rcpt`, `IP`, `Settings`, ... see rspamd-compat.md
// section 1.3) and answers with a Response.
//
// Query parameters: Rspamd copies them into the request headers (`/checkv2?settings=...` acts
// as a `Settings:` header). `query` holds the decoded pairs in order; param() looks a name up
// in the headers first, then in the query.
//
// Ownership: a Request owns all its strings. Loop affinity: none. Failure modes: none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/http/headers.h"
#include "proto/net.h"

namespace mw::proto::http {

enum class Protocol {
  kHttp,    // HTTP/1.0 or HTTP/1.1
  kRspamc,  // "CHECK RSPAMC/1.3" (Exim variant=rspamd, old rspamc)
  kSpamc,   // "SYMBOLS SPAMC/1.5" (SpamAssassin spamc)
};

struct Request {
  Protocol protocol = Protocol::kHttp;
  std::string method;  // HTTP method as sent; legacy: the command upper-cased ("CHECK")
  std::string target;  // raw request-target as sent (legacy: empty)
  std::string path;    // percent-decoded path, "/checkv2"; legacy: "/" + lower(command)
  std::string raw_query;                                   // after '?', undecoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded pairs, in order
  int version_major = 1;  // HTTP version, or the legacy protocol version (RSPAMC/1.3)
  int version_minor = 1;
  HeaderMap headers;
  HeaderMap trailers;     // chunked trailer fields
  std::string body;       // de-chunked and, when it was compressed, decompressed
  bool keep_alive = false;  // the connection stays open after the reply (HTTP rules)
  bool compressed = false;  // the body arrived zstd-compressed
  uint64_t wire_body_size = 0;  // body bytes as received (before decompression)
  PeerAddress peer;
  PeerAddress local;       // the server's address the client connected to (TCP)
  double received_at = 0;  // Dispatcher::monotonic() when the request was complete

  bool legacy() const { return protocol != Protocol::kHttp; }
  // The path without its leading '/', as sent ("checkv2", "CHECKV2", "learn/spam").
  std::string_view command() const;
  // The path names `name`: case-insensitive, leading '/' optional on both sides.
  bool path_is(std::string_view name) const;
  // First header field named `name` (any case), nullptr when absent.
  const std::string* header(std::string_view name) const { return headers.find(name); }
  // A header field, else a query parameter of that name (any case); nullptr when neither.
  const std::string* param(std::string_view name) const;
  // The client can read a zstd reply: the body was compressed, `Accept-Encoding` lists zstd
  // or `Flags` holds `zstd` (Rspamd's rules).
  bool wants_compressed_reply() const;
};

// Split a request-target (origin-form "/p?q", absolute-form "http://h:1/p?q", or "*") into
// the request's path, raw_query and query. Returns false for a target with bytes that have
// no place in one (CTLs, spaces, NUL after decoding of the path).
bool parse_target(std::string_view target, Request& request);

// Parse a query string "a=1&b=x%20y" into decoded pairs ('+' is a space; empty keys dropped).
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace mw::proto::http
