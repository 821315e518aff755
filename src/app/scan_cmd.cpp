// `mailward scan`: scan message files through the full pipeline, print /checkv2 JSON lines.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <limits>
#include <iostream>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/inputs.h"
#include "app/paths.h"
#include "app/command_runtime.h"
#include "store/options.h"
#include "dns/resolver.h"
#include "core/json.h"
#include "core/loop.h"
#include "scan/reply.h"
#include "scan/task.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {
    {"conf", true, false, 'c'}, {"ip", true},         {"helo", true},
    {"hostname", true},         {"from", true},       {"rcpt", true, true},
    {"user", true},             {"time", true},       {"settings", true},
    {"settings-id", true},      {"pass-all", false},  {"log-level", true},
    {"dns", true},              {"queue-id", true},   {"header", true, true},
    {"help", false, false, 'h'}, {"legacy", false},   {"pretty", false},
};

constexpr const char* kUsage =
    "usage: mailward scan [--conf DIR] [--ip IP] [--helo NAME] [--hostname NAME]\n"
    "                     [--from ADDR] [--rcpt ADDR]... [--user LOGIN] [--time EPOCH]\n"
    "                     [--settings JSON] [--settings-id ID] [--pass-all]\n"
    "                     [--header NAME=VALUE]... [--queue-id ID] [--dns HOST:PORT]\n"
    "                     [--log-level LEVEL] [--legacy] [--pretty] FILE... ('-' = stdin)\n";

std::string strip_brackets(std::string s) {
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

int cmd_scan(int argc, char** argv) {
  int exit_status = 0;
  auto args = parse_command({"scan", kSpec, kUsage}, argc, argv, exit_status);
  if (!args) return exit_status;
  if (args->positional().empty()) {
    std::fprintf(stderr, "mailward scan: no message files given\n%s", kUsage);
    return 2;
  }
  scan::Envelope base;
  base.ip = args->get("ip");
  base.helo = args->get("helo");
  base.hostname = args->get("hostname");
  if (args->has("from")) {
    base.from = strip_brackets(args->get("from"));
    base.has_from = true;
  }
  for (const auto& r : args->all("rcpt")) base.rcpts.push_back(strip_brackets(r));
  base.user = args->get("user");
  base.queue_id = args->get("queue-id");
  base.settings_json = args->get("settings");
  base.settings_id = args->get("settings-id");
  if (args->has("pass-all")) base.flags |= scan::kTaskPassAll;
  if (args->has("time")) {
    char* end = nullptr;
    std::string t = args->get("time");
    base.time = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0' || base.time < 0) {
      std::fprintf(stderr, "mailward scan: --time needs epoch seconds, got '%s'\n", t.c_str());
      return 2;
    }
  }
  for (const auto& h : args->all("header")) {
    auto eq = h.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "mailward scan: --header needs NAME=VALUE, got '%s'\n", h.c_str());
      return 2;
    }
    base.request_headers.emplace_back(h.substr(0, eq), h.substr(eq + 1));
  }

  auto rt = CommandRuntime::start("scan", scanning_startup(*args));
  if (!rt) return 2;
  const core::Config& cfg = rt->config();
  scan::Services& services = rt->services;
  auto resolver = make_resolver(cfg, rt->dispatcher, rt->logger, args->get("dns"));
  if (!resolver) {
    std::fprintf(stderr, "mailward scan: DNS: %s\n", resolver.error().message.c_str());
    return 2;
  }
  services.set_resolver(resolver->get());
  // The embedded store (or Redis) for rules that keep state (outbound profiles, hold list).
  store::StorePtr store;
  if (auto sc = store::config_from(cfg, db_dir(cfg))) {
    auto opened = store::open_store(*sc, rt->dispatcher, rt->logger,
                                    [&services] { return services.now(); });
    if (opened) {
      store = std::move(*opened);
      services.set_store(store.get());
    } else {
      rt->logger.warn("store", "unavailable: " + opened.error().message);
    }
  }
  int status = 0;
  for (const auto& path : args->positional()) {
    // Whole files: the parser applies limits.max_message_size (and flags the rest).
    auto input = read_message_file(path, std::numeric_limits<uint64_t>::max());
    if (!input) {
      std::fprintf(stderr, "mailward scan: %s\n", input.error().message.c_str());
      status = 1;
      continue;
    }
    std::string line;
    {
      scan::Task task(rt->engine(), services, std::move(*input), scan::Envelope(base));
      rt->run(task);
      json::Value reply;
      if (task.error()) {
        reply = scan::error_reply(task.error()->to_string());
      } else {
        scan::Verdict v = scan::make_verdict(task);
        reply = args->has("legacy") ? scan::legacy_reply(v) : scan::checkv2_reply(v);
      }
      line = json::write(reply, {args->has("pretty")});
    }
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
  return status;
}

}  // namespace mw::app
