// mailward-loadgen: replay a mail corpus against anything that speaks the Rspamd scan
// protocol (Mailward, Rspamd) and report messages/s and latency.
//
//   mailward-loadgen --target HOST:PORT [--path /checkv2] [--concurrency N]
//                    [--duration SECONDS | --requests N] [--warmup SECONDS]
//                    [--corpus PATH]... [--header 'Name: value']... [--zstd]
//                    [--no-keepalive] [--timeout SECONDS] [--json] [--progress]
//   mailward-loadgen --self-test [options]
//
// See usage() below for every option and bench/loadgen_driver.h for what is measured.
// Exit status: 0 when the run completed with no errors, 1 when some requests failed (the
// report is still printed), 2 for bad usage or an unusable corpus/target.
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/loop.h"
#include "loadgen_corpus.h"
#include "loadgen_driver.h"
#include "loadgen_echo.h"
#include "loadgen_stats.h"

#ifndef MW_TESTDATA_DIR
#define MW_TESTDATA_DIR "test/data"
#endif

namespace mw::bench {
namespace {

constexpr const char* kUsage = R"(usage: mailward-loadgen --target HOST:PORT [options]
       mailward-loadgen --self-test [options]

Replays every message of the corpus against a server speaking the Rspamd scan protocol,
keeping N requests in flight, and prints messages/s, MB/s and latency percentiles.

  --target HOST:PORT     server to load ([v6addr]:port for IPv6)
  --path PATH            request path (default /checkv2)
  --concurrency N        connections, one request in flight each (default 8)
  --duration SECONDS     measured run time (default 10)
  --requests N           stop after N measured requests instead of after a duration
  --warmup SECONDS       run this long before measuring (default 0)
  --timeout SECONDS      per-request timeout, counted as an error (default 30)
  --corpus PATH          file or directory of messages, repeatable
                         (default )" MW_TESTDATA_DIR R"(/corpus)
  --all-files            do not skip files that do not look like mail
  --max-size BYTES       skip larger files (default 16777216)
  --header 'Name: value' extra request header, repeatable (e.g. 'IP: 192.0.2.1')
  --zstd                 send zstd-compressed bodies with 'Compression: zstd'
  --zstd-level N         compression level for --zstd (default 3)
  --no-keepalive         send 'Connection: close': a new connection per request
  --json                 print one JSON line on stdout (the report goes to stderr)
  --progress             print the rate every second on stderr
  --self-test            start a trivial in-process server and load it (measures the driver)
  --list                 print the corpus files that would be sent, and exit
  --help                 this text

Exit status: 0 no errors, 1 some requests failed, 2 bad usage or no corpus.
)";

struct Options {
  DriverOptions driver;
  std::vector<std::string> corpus;
  bool all_files = false;
  size_t max_size = 16 * 1024 * 1024;
  int zstd_level = 3;
  bool json = false;
  bool self_test = false;
  bool list = false;
  bool have_target = false;
  bool have_duration = false;
};

template <typename T>
bool parse_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool parse_seconds(std::string_view s, double& out) {
  char* end = nullptr;
  std::string copy(s);
  out = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size() && out >= 0;
}

// "host:port", "[v6]:port". The brackets are removed from the host.
bool parse_target(std::string_view s, std::string& host, uint16_t& port) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view h = s.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  unsigned p = 0;
  if (!parse_number(s.substr(colon + 1), p) || p == 0 || p > 65535 || h.empty()) return false;
  host = std::string(h);
  port = static_cast<uint16_t>(p);
  return true;
}

Result<Options> parse_args(int argc, char** argv) {
  Options o;
  auto bad = [](std::string msg) { return fail(ErrorCode::kInvalidInput, std::move(msg)); };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view name = arg;
    std::string value;
    bool inline_value = false;
    if (arg.starts_with("--")) {
      size_t eq = arg.find('=');
      if (eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        value = std::string(arg.substr(eq + 1));
        inline_value = true;
      }
    }
    auto need_value = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    auto flag = [&](std::string_view n) { return name == n && !inline_value; };

    if (flag("--help") || flag("-h")) {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag("--json")) {
      o.json = true;
    } else if (flag("--progress")) {
      o.driver.progress = true;
    } else if (flag("--zstd")) {
      o.driver.zstd = true;
    } else if (flag("--no-keepalive")) {
      o.driver.keep_alive = false;
    } else if (flag("--all-files")) {
      o.all_files = true;
    } else if (flag("--self-test")) {
      o.self_test = true;
    } else if (flag("--list")) {
      o.list = true;
    } else if (name == "--target" || name == "--path" || name == "--concurrency" ||
               name == "--duration" || name == "--requests" || name == "--warmup" ||
               name == "--timeout" || name == "--corpus" || name == "--header" ||
               name == "--max-size" || name == "--zstd-level") {
      if (!need_value()) return bad(std::string(name) + " needs a value");
      if (name == "--target") {
        if (!parse_target(value, o.driver.host, o.driver.port)) {
          return bad("bad --target '" + value + "' (want HOST:PORT)");
        }
        o.have_target = true;
      } else if (name == "--path") {
        if (value.empty() || value[0] != '/') return bad("--path must start with '/'");
        o.driver.path = value;
      } else if (name == "--concurrency") {
        if (!parse_number(value, o.driver.concurrency) || o.driver.concurrency < 1 ||
            o.driver.concurrency > 100000) {
          return bad("bad --concurrency '" + value + "'");
        }
      } else if (name == "--duration") {
        if (!parse_seconds(value, o.driver.duration_s) || o.driver.duration_s <= 0) {
          return bad("bad --duration '" + value + "'");
        }
        o.have_duration = true;
      } else if (name == "--requests") {
        if (!parse_number(value, o.driver.max_requests) || o.driver.max_requests == 0) {
          return bad("bad --requests '" + value + "'");
        }
      } else if (name == "--warmup") {
        if (!parse_seconds(value, o.driver.warmup_s)) return bad("bad --warmup '" + value + "'");
      } else if (name == "--timeout") {
        if (!parse_seconds(value, o.driver.timeout_s) || o.driver.timeout_s <= 0) {
          return bad("bad --timeout '" + value + "'");
        }
      } else if (name == "--corpus") {
        o.corpus.push_back(value);
      } else if (name == "--header") {
        size_t colon = value.find(':');
        if (colon == std::string::npos || colon == 0 ||
            value.find_first_of("\r\n") != std::string::npos) {
          return bad("bad --header '" + value + "' (want 'Name: value')");
        }
        o.driver.headers.push_back(value);
      } else if (name == "--max-size") {
        if (!parse_number(value, o.max_size) || o.max_size == 0) {
          return bad("bad --max-size '" + value + "'");
        }
      } else if (name == "--zstd-level") {
        if (!parse_number(value, o.zstd_level) || o.zstd_level < 1 || o.zstd_level > 19) {
          return bad("bad --zstd-level '" + value + "' (1..19)");
        }
      }
    } else {
      return bad("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (o.have_duration && o.driver.max_requests != 0) {
    return bad("--duration and --requests exclude each other");
  }
  if (!o.have_target && !o.self_test && !o.list) return bad("--target HOST:PORT is required");
  if (o.have_target && o.self_test) return bad("--self-test picks its own target");
  if (o.self_test && !o.have_duration && o.driver.max_requests == 0) {
    o.driver.duration_s = 3;
  }
  if (o.corpus.empty()) o.corpus.push_back(std::string(MW_TESTDATA_DIR) + "/corpus");
  return o;
}

int run(int argc, char** argv) {
  auto opts = parse_args(argc, argv);
  if (!opts) {
    std::fprintf(stderr, "mailward-loadgen: %s\n%s", opts.error().message.c_str(),
                 "try 'mailward-loadgen --help'\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);

  CorpusOptions copts;
  copts.paths = opts->corpus;
  copts.max_message_bytes = opts->max_size;
  copts.sniff = !opts->all_files;
  auto corpus = load_corpus(copts);
  if (!corpus) {
    std::fprintf(stderr, "mailward-loadgen: corpus: %s\n", corpus.error().message.c_str());
    return 2;
  }
  if (opts->driver.zstd) {
    auto st = compress_corpus(*corpus, opts->zstd_level);
    if (!st) {
      std::fprintf(stderr, "mailward-loadgen: %s\n", st.error().message.c_str());
      return 2;
    }
  }
  if (opts->list) {
    for (const auto& m : corpus->messages) std::printf("%zu\t%s\n", m.data.size(), m.path.c_str());
    return 0;
  }
  std::fprintf(stderr, "mailward-loadgen: %zu messages (%.1f MiB) loaded, %zu files skipped\n",
               corpus->messages.size(), corpus->total_bytes / 1048576.0, corpus->skipped);

  std::unique_ptr<EchoServer> echo;
  if (opts->self_test) {
    auto started = EchoServer::start();
    if (!started) {
      std::fprintf(stderr, "mailward-loadgen: self-test server: %s\n",
                   started.error().message.c_str());
      return 2;
    }
    echo = std::move(*started);
    opts->driver.host = "127.0.0.1";
    opts->driver.port = echo->port();
  }

  core::Dispatcher dispatcher;
  Driver driver(dispatcher, *corpus, opts->driver);
  auto stats = driver.run();
  if (echo) echo->stop();
  if (!stats) {
    std::fprintf(stderr, "mailward-loadgen: %s\n", stats.error().message.c_str());
    return 2;
  }
  std::string report = format_report(*stats);
  if (opts->json) {
    std::fputs(report.c_str(), stderr);
    std::printf("%s\n", format_json(*stats).c_str());
  } else {
    std::fputs(report.c_str(), stdout);
  }
  if (stats->ok == 0) return 1;
  return stats->errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace mw::bench

int main(int argc, char** argv) { return mw::bench::run(argc, argv); }
