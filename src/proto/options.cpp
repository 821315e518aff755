#include "proto/options.h"

namespace mw::proto {

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("worker", "Scan protocol server (HTTP and the legacy RSPAMC/SPAMC line protocol)");
  s.add({"worker.max_body_size", OptType::kSize, "\"50M\"",
         "Largest request body, also after zstd decompression (larger: 413)", 1024.0, 4e9});
  s.add({"worker.max_header_size", OptType::kSize, "\"64k\"",
         "Largest request head: request line, header fields and chunked trailers (larger: 431)",
         256.0, 64e6});
  s.add({"worker.max_request_line", OptType::kSize, "\"16k\"",
         "Longest request line, query string included (longer: 414)", 64.0, 64e6});
  s.add({"worker.max_headers", OptType::kInt, "256",
         "Most header fields in one request, trailers included (more: 431)", 8, 100000});
  s.add({"worker.read_timeout", OptType::kDuration, "\"60s\"",
         "Time for a request head to arrive, and silence allowed while its body arrives",
         0.01, 86400});
  s.add({"worker.request_timeout", OptType::kDuration, "\"60s\"",
         "Total time one request's head and body may take to arrive (a client trickling its "
         "body is cut with 408 after this, however often it sends a byte)", 0.01, 86400});
  s.add({"worker.write_timeout", OptType::kDuration, "\"60s\"",
         "Silence allowed while a client reads a reply", 0.01, 86400});
  s.add({"worker.keepalive_timeout", OptType::kDuration, "\"65s\"",
         "Idle time allowed between requests on a kept-alive connection", 0.0, 86400});
  s.add({"worker.max_connections", OptType::kInt, "1024",
         "Open client connections per worker; accepting pauses at this number", 1, 1000000});
  s.add({"worker.max_connections_per_ip", OptType::kInt, "64",
         "Open connections one client address may hold per worker; more are closed at once "
         "(0: no cap; unix-socket clients are not counted)", 0, 1000000});

  s.section("milter", "Milter protocol server (Postfix smtpd_milters, Sendmail INPUT_MAIL_FILTER)");
  s.add({"milter.max_frame_size", OptType::kSize, "\"2M\"",
         "Largest milter packet; a larger one is a protocol error that closes the connection",
         1024.0, 1e9});
  s.add({"milter.max_message_size", OptType::kSize, "\"50M\"",
         "Message bytes kept for scanning; the rest is cut and the message flagged truncated",
         1024.0, 4e9});
  s.add({"milter.max_recipients", OptType::kInt, "1000",
         "RCPT commands kept per message; further ones are counted and flagged", 1, 1000000});
  s.add({"milter.max_macro_bytes", OptType::kSize, "\"64k\"",
         "Macro names and values one connection may hold; over it the MTA is told to "
         "tempfail and the connection is closed", 1024.0, 1e9});
  s.add({"milter.max_macros", OptType::kInt, "2048",
         "Macro pairs one connection may hold; over it the MTA is told to tempfail and the "
         "connection is closed", 16, 10000000});
  s.add({"milter.timeout", OptType::kDuration, "\"300s\"",
         "MTA silence allowed inside a conversation before the connection is closed",
         0.01, 86400});
  s.add({"milter.message_timeout", OptType::kDuration, "\"600s\"",
         "Total time from the first packet of a message's conversation (after connect or "
         "the previous verdict) to its end of body; then the MTA is told to tempfail and "
         "the connection is closed. Time waiting for our verdict does not count", 0.01, 86400});
  s.add({"milter.reply_timeout", OptType::kDuration, "\"120s\"",
         "Time the scan may take for a verdict; then the MTA is told to tempfail", 0.01, 86400});
  s.add({"milter.progress_interval", OptType::kDuration, "\"5s\"",
         "Interval of progress packets that keep the MTA waiting while a scan runs", 0.01, 3600});
  s.add({"milter.max_connections", OptType::kInt, "1024",
         "Open MTA connections per worker; accepting pauses at this number", 1, 1000000});
  s.add({"milter.max_connections_per_ip", OptType::kInt, "64",
         "Open connections one MTA address may hold per worker; more are closed at once "
         "(0: no cap; unix-socket clients are not counted)", 0, 1000000});
}

HttpOptions read_http_options(const core::Config& cfg) {
  HttpOptions o;
  o.limits.max_body_size = cfg.get_size("worker.max_body_size");
  o.limits.max_header_size = cfg.get_size("worker.max_header_size");
  o.limits.max_request_line = cfg.get_size("worker.max_request_line");
  o.limits.max_headers = static_cast<size_t>(cfg.get_int("worker.max_headers"));
  o.read_timeout = cfg.get_duration("worker.read_timeout");
  o.request_timeout = cfg.get_duration("worker.request_timeout");
  o.write_timeout = cfg.get_duration("worker.write_timeout");
  o.keepalive_timeout = cfg.get_duration("worker.keepalive_timeout");
  o.max_connections = static_cast<size_t>(cfg.get_int("worker.max_connections"));
  o.max_connections_per_ip = static_cast<size_t>(cfg.get_int("worker.max_connections_per_ip"));
  return o;
}

MilterOptions read_milter_options(const core::Config& cfg) {
  MilterOptions o;
  o.max_frame_size = cfg.get_size("milter.max_frame_size");
  o.max_message_size = cfg.get_size("milter.max_message_size");
  o.max_recipients = static_cast<size_t>(cfg.get_int("milter.max_recipients"));
  o.max_macro_bytes = cfg.get_size("milter.max_macro_bytes");
  o.max_macros = static_cast<size_t>(cfg.get_int("milter.max_macros"));
  o.timeout = cfg.get_duration("milter.timeout");
  o.message_timeout = cfg.get_duration("milter.message_timeout");
  o.reply_timeout = cfg.get_duration("milter.reply_timeout");
  o.progress_interval = cfg.get_duration("milter.progress_interval");
  o.max_connections = static_cast<size_t>(cfg.get_int("milter.max_connections"));
  o.max_connections_per_ip = static_cast<size_t>(cfg.get_int("milter.max_connections_per_ip"));
  return o;
}

}  // namespace mw::proto
