// Options of the wire protocols: the scan protocol server ([worker]) and the milter server
// ([milter]).
//
//   [worker]   max_body_size, max_header_size, max_request_line, max_headers, read_timeout,
//              request_timeout, write_timeout, keepalive_timeout, max_connections,
//              max_connections_per_ip
//   [milter]   max_frame_size, max_message_size, max_recipients, max_macro_bytes, max_macros,
//              timeout, message_timeout, reply_timeout, progress_interval, max_connections,
//              max_connections_per_ip
//
// declare_options() adds the declarations to the schema (call it once from the app's
// make_schema()); read_http_options()/read_milter_options() turn a loaded Config into the
// plain structs the servers take, so that tests can build the structs directly.
//
// Ownership: plain values. Loop affinity: none.
// Failure modes: none; the schema has already range-checked every value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config.h"

namespace mw::proto {

// Limits of one HTTP (or legacy RSPAMC/SPAMC) request.
struct HttpLimits {
  size_t max_request_line = 16 * 1024;  // request line bytes (-> 414)
  size_t max_header_size = 64 * 1024;   // request line + header block + trailers (-> 431)
  size_t max_headers = 256;             // header fields, trailers included (-> 431)
  uint64_t max_body_size = 50ull << 20;  // body bytes, also after zstd decompression (-> 413)
};

struct HttpOptions {
  HttpLimits limits;
  double read_timeout = 60;       // header block must arrive within; body: silence allowed
  double request_timeout = 60;    // head and body of one request, in total (slow clients)
  double write_timeout = 60;      // silence allowed while the client reads the response
  double keepalive_timeout = 65;  // idle time allowed between requests on one connection
  size_t max_connections = 1024;  // accepting pauses while this many are open
  size_t max_connections_per_ip = 64;  // more from one client address are refused (0: no cap)
  std::string server_name = "mailward";  // `Server:` reply header (the app adds a version)
};

struct MilterOptions {
  size_t max_frame_size = 2u << 20;        // one milter packet (larger = protocol error)
  uint64_t max_message_size = 50ull << 20;  // headers + body kept; the rest is cut and flagged
  size_t max_recipients = 1000;            // RCPT commands kept; the rest are flagged
  size_t max_macro_bytes = 64u << 10;      // macro names + values held per connection
  size_t max_macros = 2048;                // macro pairs held per connection
  double timeout = 300;                    // MTA silence allowed inside a conversation
  double message_timeout = 600;            // first packet to end of message, in total
  double reply_timeout = 120;              // handler time for a verdict; then tempfail
  double progress_interval = 5;            // SMFIR_PROGRESS cadence while the handler works
  size_t max_connections = 1024;
  size_t max_connections_per_ip = 64;      // more from one MTA address are refused (0: no cap)
};

// Declare [worker] and [milter] options. REQUIRES: not declared before in `schema`.
void declare_options(core::Schema& schema);

// REQUIRES: `cfg` was loaded with a schema that declare_options() filled.
HttpOptions read_http_options(const core::Config& cfg);
MilterOptions read_milter_options(const core::Config& cfg);

}  // namespace mw::proto
