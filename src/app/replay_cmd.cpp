// `mailward replay --conf DIR [--state DIR] [--features FILE] EVENTS.jsonl`
//
// Feeds a recorded stream of submissions through the engine in time order, with the store's
// clock (and the rules' idea of "now") following the recorded times. One event per line:
//   {"id": 17, "time": 1793491200, "ip": "203.0.113.9", "helo": "pc1", "user": "taro",
//    "from": "taro@example.jp", "rcpt": ["a@example.net"], "file": "msgs/17.eml"}
// (relative `file` paths are relative to the events file; the envelope keys are those of
// scan::envelope_from_json, settings_id included). It prints one line per event, in
// input order: the /checkv2 reply JSON with the event's "id" added.
//
// State: the embedded store in --state DIR (kept, so a replay can continue another), else in
// a fresh temporary directory that is removed at the end: two runs give the same output.
// --features FILE also writes {"id":, "features": {...}} lines with the outbound features the
// rules computed (training data for `mailward train`).
// --isolate scans every event on an empty store of its own ("first sight": no account, IP,
// recipient or collector was ever seen), the store and the events in time order otherwise.
// --new-accounts keeps one store but gives every event an account of its own (the SASL user
// becomes "<user>#<n>"): no account has history, what the store learns across accounts
// (collectors, addresses shared by accounts) stays.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/paths.h"
#include "app/command_runtime.h"
#include "core/json.h"
#include "dns/resolver.h"
#include "scan/reply.h"
#include "scan/task.h"
#include "store/options.h"

namespace mw::app {

namespace {

namespace fs = std::filesystem;

const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"state", true},
                                    {"features", true}, {"dns", true}, {"log-level", true},
                                    {"isolate", false}, {"new-accounts", false},
                                    {"help", false, false, 'h'}};

constexpr const char* kUsage =
    "usage: mailward replay [--conf DIR] [--state DIR] [--features FILE] [--dns HOST:PORT]\n"
    "                       [--isolate | --new-accounts] EVENTS.jsonl\n";

struct Event {
  size_t line = 0;
  json::Value v;
  double time = 0;
};

}  // namespace

int cmd_replay(int argc, char** argv) {
  int exit_status = 0;
  auto args = parse_command({"replay", kSpec, kUsage, 1, 1}, argc, argv, exit_status);
  if (!args) return exit_status;
  fs::path events_path = args->positional()[0];
  std::ifstream in(events_path);
  if (!in) {
    std::fprintf(stderr, "mailward replay: cannot read %s\n", events_path.c_str());
    return 1;
  }
  std::vector<Event> events;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto v = json::parse(line);
    if (!v || !v->is_object()) {
      std::fprintf(stderr, "mailward replay: %s:%zu: %s\n", events_path.c_str(), n,
                   v ? "not a JSON object" : v.error().message.c_str());
      return 2;
    }
    Event e;
    e.line = n;
    e.time = v->find("time") ? v->find("time")->as_double() : 0;
    e.v = std::move(*v);
    events.push_back(std::move(e));
  }

  // State directory (and $DBDIR for everything else the engine keeps on disk).
  auto state_dir = StateDir::open(args->get("state"), "replay");
  if (!state_dir) {
    std::fprintf(stderr, "mailward replay: %s\n", state_dir.error().message.c_str());
    return 1;
  }
  const std::string& state = state_dir->path();

  auto rt = CommandRuntime::start("replay", scanning_startup(*args));
  if (!rt) return 2;
  const core::Config& cfg = rt->config();
  core::Dispatcher& dispatcher = rt->dispatcher;
  core::Logger& logger = rt->logger;
  scan::Services& services = rt->services;
  double now = 0;
  services.set_clock([&now] { return now; });
  auto resolver = make_resolver(cfg, dispatcher, logger, args->get("dns"));
  if (resolver) services.set_resolver(resolver->get());
  auto sc = store::config_from(cfg, state);
  if (!sc) {
    std::fprintf(stderr, "mailward replay: %s\n", sc.error().message.c_str());
    return 2;
  }
  sc->backend = store::Backend::kLmdb;  // replay state never goes to a shared Redis
  const bool isolate = args->has("isolate");
  const std::string shared_path = sc->lmdb.env.path;
  size_t isolated = 0;
  store::StorePtr store;
  // A store at `path` (a new one per event with --isolate, removed after the event).
  auto open = [&](const std::string& path) -> bool {
    store.reset();
    services.set_store(nullptr);
    store::StoreConfig c = *sc;
    c.lmdb.env.path = path;
    if (isolate) {
      c.lmdb.env.map_size = 16u << 20;
      c.lmdb.env.max_map_size = 256u << 20;
    }
    auto opened = store::open_store(c, dispatcher, logger, [&now] { return now; });
    if (!opened) {
      std::fprintf(stderr, "mailward replay: store: %s\n", opened.error().message.c_str());
      return false;
    }
    store = std::move(*opened);
    services.set_store(store.get());
    return true;
  };
  if (!isolate && !open(shared_path)) return 1;
  std::ofstream features;
  if (args->has("features")) {
    features.open(args->get("features"), std::ios::trunc);
    if (!features) {
      std::fprintf(stderr, "mailward replay: cannot write %s\n", args->get("features").c_str());
      return 1;
    }
  }

  // Time order for processing, input order for output.
  std::vector<size_t> order(events.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return events[a].time < events[b].time; });
  std::vector<std::string> out(events.size());
  std::vector<std::string> feature_lines(events.size());
  fs::path base = events_path.parent_path();
  int status = 0;
  for (size_t idx : order) {
    const json::Value& ev = events[idx].v;
    std::string raw;
    if (const json::Value* f = ev.find("file")) {
      fs::path p = f->as_string();
      if (p.is_relative()) p = base / p;
      std::ifstream m(p, std::ios::binary);
      if (!m) {
        std::fprintf(stderr, "mailward replay: line %zu: cannot read %s\n", events[idx].line, p.c_str());
        status = 1;
        json::Value err = scan::error_reply("cannot read " + p.string());
        err.set("id", ev.find("id") ? *ev.find("id") : json::Value());
        out[idx] = json::write(err);
        continue;
      }
      raw.assign(std::istreambuf_iterator<char>(m), std::istreambuf_iterator<char>());
    }
    scan::Envelope env = scan::envelope_from_json(ev);
    env.time = events[idx].time;
    if (args->has("new-accounts") && !env.user.empty()) {
      env.user += "#" + std::to_string(events[idx].line);
    }
    now = events[idx].time;
    if (isolate) {
      // The previous event's task is gone (and with it the store operations it held).
      std::string previous = state + "/isolated-" + std::to_string(isolated);
      if (!open(state + "/isolated-" + std::to_string(++isolated))) return 1;
      std::error_code ec;
      fs::remove_all(previous, ec);
    }
    if (features.is_open()) env.request_headers.emplace_back("X-Mailward-Export-Features", "yes");
    scan::Task task(rt->engine(), services, std::move(raw), std::move(env));
    rt->run(task);
    json::Value reply = task.error() ? scan::error_reply(task.error()->to_string())
                                     : scan::checkv2_reply(scan::make_verdict(task));
    if (json::Value* feats = reply.find_mut("outbound_features")) {
      json::Value fl = json::Value::object();
      fl.set("id", ev.find("id") ? *ev.find("id") : json::Value());
      fl.set("features", *feats);
      feature_lines[idx] = json::write(fl);
      reply.erase("outbound_features");
    }
    reply.erase("time_real");  // wall time would make two runs differ

    json::Value with_id = json::Value::object();
    with_id.set("id", ev.find("id") ? *ev.find("id") : json::Value());
    for (const auto& [k, v] : reply.members()) with_id.set(k, v);
    out[idx] = json::write(with_id);
  }
  if (isolate) {
    store.reset();
    services.set_store(nullptr);
    std::error_code ec;
    fs::remove_all(state + "/isolated-" + std::to_string(isolated), ec);
  }
  for (const auto& l : out) std::printf("%s\n", l.c_str());
  if (features.is_open()) {
    for (const auto& l : feature_lines) {
      if (!l.empty()) features << l << "\n";
    }
  }
  std::fflush(stdout);
  return status;
}

}  // namespace mw::app
