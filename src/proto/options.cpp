#include "proto/options.h"

#include "core/option_table.h"

namespace mw::proto {

namespace {

constexpr char kHttpPrefix[] = "worker";
constexpr char kMilterPrefix[] = "milter";

using H = HttpOptions;
using M = MilterOptions;

core::OptionTable<H> http_table() {
  using core::bind;
  using core::OptType;
  return {kHttpPrefix, "Scan protocol server (HTTP and the legacy RSPAMC/SPAMC line protocol)", {
      {bind<&H::limits, &HttpLimits::max_body_size>,
       {"max_body_size", OptType::kSize, "\"50M\"",
        "Largest request body, also after zstd decompression (larger: 413)", 1024.0, 4e9}},
      {bind<&H::limits, &HttpLimits::max_header_size>,
       {"max_header_size", OptType::kSize, "\"64k\"",
        "Largest request head: request line, header fields and chunked trailers (larger: 431)",
        256.0, 64e6}},
      {bind<&H::limits, &HttpLimits::max_request_line>,
       {"max_request_line", OptType::kSize, "\"16k\"",
        "Longest request line, query string included (longer: 414)", 64.0, 64e6}},
      {bind<&H::limits, &HttpLimits::max_headers>,
       {"max_headers", OptType::kInt, "256",
        "Most header fields in one request, trailers included (more: 431)", 8, 100000}},
      {&H::read_timeout,
       {"read_timeout", OptType::kDuration, "\"60s\"",
        "Time for a request head to arrive, and silence allowed while its body arrives",
        0.01, 86400}},
      {&H::request_timeout,
       {"request_timeout", OptType::kDuration, "\"60s\"",
        "Total time one request's head and body may take to arrive (a client trickling its "
        "body is cut with 408 after this, however often it sends a byte)", 0.01, 86400}},
      {&H::write_timeout,
       {"write_timeout", OptType::kDuration, "\"60s\"",
        "Silence allowed while a client reads a reply", 0.01, 86400}},
      {&H::keepalive_timeout,
       {"keepalive_timeout", OptType::kDuration, "\"65s\"",
        "Idle time allowed between requests on a kept-alive connection", 0.0, 86400}},
      {&H::max_connections,
       {"max_connections", OptType::kInt, "1024",
        "Open client connections per worker; accepting pauses at this number", 1, 1000000}},
      {&H::max_connections_per_ip,
       {"max_connections_per_ip", OptType::kInt, "64",
        "Open connections one client address may hold per worker; more are closed at once "
        "(0: no cap; unix-socket clients are not counted)", 0, 1000000}},
  }};
}

core::OptionTable<M> milter_table() {
  using core::OptType;
  return {kMilterPrefix,
          "Milter protocol server (Postfix smtpd_milters, Sendmail INPUT_MAIL_FILTER)", {
      {&M::max_frame_size,
       {"max_frame_size", OptType::kSize, "\"2M\"",
        "Largest milter packet; a larger one is a protocol error that closes the connection",
        1024.0, 1e9}},
      {&M::max_message_size,
       {"max_message_size", OptType::kSize, "\"50M\"",
        "Message bytes kept for scanning; the rest is cut and the message flagged truncated",
        1024.0, 4e9}},
      {&M::max_recipients,
       {"max_recipients", OptType::kInt, "1000",
        "RCPT commands kept per message; further ones are counted and flagged", 1, 1000000}},
      {&M::max_macro_bytes,
       {"max_macro_bytes", OptType::kSize, "\"64k\"",
        "Macro names and values one connection may hold; over it the MTA is told to "
        "tempfail and the connection is closed", 1024.0, 1e9}},
      {&M::max_macros,
       {"max_macros", OptType::kInt, "2048",
        "Macro pairs one connection may hold; over it the MTA is told to tempfail and the "
        "connection is closed", 16, 10000000}},
      {&M::timeout,
       {"timeout", OptType::kDuration, "\"300s\"",
        "MTA silence allowed inside a conversation before the connection is closed",
        0.01, 86400}},
      {&M::message_timeout,
       {"message_timeout", OptType::kDuration, "\"600s\"",
        "Total time from the first packet of a message's conversation (after connect or "
        "the previous verdict) to its end of body; then the MTA is told to tempfail and "
        "the connection is closed. Time waiting for our verdict does not count", 0.01, 86400}},
      {&M::reply_timeout,
       {"reply_timeout", OptType::kDuration, "\"120s\"",
        "Time the scan may take for a verdict; then the MTA is told to tempfail", 0.01, 86400}},
      {&M::progress_interval,
       {"progress_interval", OptType::kDuration, "\"5s\"",
        "Interval of progress packets that keep the MTA waiting while a scan runs", 0.01, 3600}},
      {&M::max_connections,
       {"max_connections", OptType::kInt, "1024",
        "Open MTA connections per worker; accepting pauses at this number", 1, 1000000}},
      {&M::max_connections_per_ip,
       {"max_connections_per_ip", OptType::kInt, "64",
        "Open connections one MTA address may hold per worker; more are closed at once "
        "(0: no cap; unix-socket clients are not counted)", 0, 1000000}},
  }};
}

}  // namespace

void declare_options(core::Schema& s) {
  http_table().declare(s);
  milter_table().declare(s);
}

HttpOptions read_http_options(const core::Config& cfg) { return http_table().read(cfg); }

MilterOptions read_milter_options(const core::Config& cfg) { return milter_table().read(cfg); }

}  // namespace mw::proto
