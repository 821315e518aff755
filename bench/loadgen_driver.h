// The load driver: keeps `concurrency` connections busy POSTing corpus messages to one
// host:port and measures what comes back.
//
// Each connection has one request in flight. Requests go out as HTTP/1.1 with Content-Length;
// a connection is reused while the server keeps it open (keep-alive) and reopened when the
// server closes it (Rspamd closes after every reply). Messages are sent in corpus order,
// cycling. A reply counts as good when it is HTTP 200 with a JSON object body that has a
// string "action" (zstd-compressed replies are decompressed first); anything else - other
// status, bad JSON, reset, timeout, refused connection - counts as an error of a named kind,
// and the connection is closed and reopened (after a short pause when connecting failed).
// A request that fails before any reply byte on a reused connection is retried once on a new
// connection: that is the keep-alive close race, not a server error.
//
// Latency is measured from the moment a request is started (including the TCP connect when
// one is needed) until its reply is complete.
//
// Ownership: the Driver borrows the Dispatcher and the Corpus, which must outlive run().
// Loop affinity: everything runs on the Dispatcher's thread; run() returns when done.
// Failure modes: run() fails (kInvalidInput/kIo) only if the target cannot be resolved;
// server-side failures are counted in RunStats, never returned.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/result.h"
#include "loadgen_corpus.h"
#include "loadgen_stats.h"

namespace mw::bench {

struct DriverOptions {
  std::string host;            // name or address; "[v6]" brackets already removed
  uint16_t port = 0;
  std::string path = "/checkv2";
  int concurrency = 8;         // connections, each with one request in flight
  double duration_s = 10;      // measured time when max_requests == 0
  uint64_t max_requests = 0;   // stop after this many measured requests (0: use duration)
  double warmup_s = 0;         // requests in this first period are not measured
  double timeout_s = 30;       // per request
  bool keep_alive = true;      // false: "Connection: close", one connection per request
  bool zstd = false;           // send Message::compressed with "Compression: zstd"
  std::vector<std::string> headers;  // extra "Name: value" request headers
  bool progress = false;       // one line per second on stderr
  size_t max_reply_bytes = 64 * 1024 * 1024;
};

class Driver {
 public:
  Driver(core::Dispatcher& dispatcher, const Corpus& corpus, DriverOptions opts);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Run the load to completion. REQUIRES: called once, on the Dispatcher's thread.
  Result<RunStats> run();

  // Defined in loadgen_driver.cpp; public only so that the connection state machine there
  // (in an anonymous namespace) can name it.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mw::bench
