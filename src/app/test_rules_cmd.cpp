// `mailward test-rules`: run rule tests through the real pipeline.
//
// A rule test is a Lua file returning a table:
//
//   return {
//     dns = { {"example.org", "TXT", "v=spf1 -all"}, {"slow.example", "TIMEOUT"} },  -- optional
//     cases = {
//       { name = "GTUBE forces reject",
//         message = "fixtures/gtube.eml",        -- relative to the test file; or text = "..."
//         envelope = { ip = "192.0.2.1", helo = "mx.example.org", from = "a@example.org",
//                      rcpt = {"b@example.net"}, user = "taro", time = 1793491200,
//                      settings_id = "outbound", settings = '{"actions":{"reject":5}}',
//                      headers = { ["MTA-Name"] = "submission" } },
//         expect = { "GTUBE" },                  -- symbols that must be present
//         forbid = { "R_SPF_FAIL" },             -- symbols that must be absent
//         options = { GTUBE = {"x"} },           -- options a symbol must carry
//         hidden = { "Passw0rd" },               -- text no symbol option may contain
//         action = "reject",                     -- expected action
//         score_min = 5, score_max = 20 },       -- expected score range
//     },
//   }
//
// (A file may also return the list of cases directly.) Each case is scanned with the engine
// built from --conf plus the rule files given with --rules; `dns` entries are served by an
// in-memory resolver (types A, AAAA, TXT, MX, PTR, CNAME; TIMEOUT/SERVFAIL/NXDOMAIN force an
// outcome). Output is TAP: "ok N - file: name" or "not ok N - ...: reason". Exit status 1 when
// any case fails, 2 on usage or configuration errors.
#include <time.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/inputs.h"
#include "app/paths.h"
#include "app/rule_test.h"
#include "app/command_runtime.h"
#include "core/json.h"
#include "dns/fake_resolver.h"
#include "scan/task.h"
#include "store/options.h"

namespace mw::app {

namespace {

namespace fs = std::filesystem;

const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"rules", true, true},
                                    {"help", false, false, 'h'}, {"verbose", false, false, 'v'}, {"overlay", true, true},
                                    {"log-level", true}};

constexpr const char* kUsage =
    "usage: mailward test-rules [--conf DIR] [--overlay DIR]... [--rules DIR|FILE]...\n"
    "                           [--verbose] TESTS...\n"
    "  --overlay DIR merges DIR/*.toml over the configuration (after local.d).\n"
    "  TESTS are rule test files (*.lua) or directories of them (searched recursively for\n"
    "  *_test.lua). See doc/rules.md for the format.\n";

}  // namespace

int cmd_test_rules(int argc, char** argv) {
  int exit_status = 0;
  auto args = parse_command({"test-rules", kSpec, kUsage, 1}, argc, argv, exit_status);
  if (!args) return exit_status;
  // Everything the engine keeps on disk goes to a private temporary directory.
  auto state_dir = StateDir::open("", "test-rules");
  if (!state_dir) {
    std::fprintf(stderr, "mailward test-rules: %s\n", state_dir.error().message.c_str());
    return 1;
  }
  const std::string& state_root = state_dir->path();
  StartupOptions so = scanning_startup(*args);
  so.overlay_dirs = args->all("overlay");
  so.modules.extra_rule_files = expand_paths(args->all("rules"), ".lua", false);
  auto rt = CommandRuntime::start("test-rules", so);
  if (!rt) return 2;
  core::Dispatcher& dispatcher = rt->dispatcher;
  scan::Services& services = rt->services;
  double now = 0;
  services.set_clock([&now] {
    if (now > 0) return now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<double>(ts.tv_sec);
  });
  auto store_cfg = store::config_from(rt->config(), state_root);
  int n = 0, failed = 0;
  int file_no = 0;
  for (const auto& file : expand_paths(args->positional(), "_test.lua")) {
    auto spec = read_rule_test(rt->logger, file);
    if (!spec) {
      ++n;
      ++failed;
      std::printf("not ok %d - %s: %s\n", n, file.c_str(), spec.error().message.c_str());
      continue;
    }
    // A fresh store per test file: its cases share state (profiles build up), files do not.
    store::StorePtr store;
    if (store_cfg) {
      store::StoreConfig sc = *store_cfg;
      sc.backend = store::Backend::kLmdb;
      sc.lmdb.env.path = state_root + "/store-" + std::to_string(++file_no);
      auto opened = store::open_store(sc, dispatcher, rt->logger, [&services] { return services.now(); });
      if (opened) store = std::move(*opened);
    }
    services.set_store(store.get());
    dns::FakeResolver resolver(dispatcher);
    const json::Value* cases = spec->find("cases");
    if (cases == nullptr) cases = &*spec;
    if (const json::Value* zone = spec->find("dns")) add_dns_zone(resolver, *zone);
    services.set_resolver(&resolver);
    fs::path base = fs::path(file).parent_path();
    for (const auto& c : cases->items()) {
      ++n;
      std::string name = c.find("name") ? c.find("name")->as_string() : "case " + std::to_string(n);
      std::string label = fs::path(file).filename().string() + ": " + name;
      std::string raw;
      if (const json::Value* m = c.find("message")) {
        std::ifstream in(base / m->as_string(), std::ios::binary);
        if (!in) {
          ++failed;
          std::printf("not ok %d - %s: cannot read %s\n", n, label.c_str(), m->as_string().c_str());
          continue;
        }
        raw.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      } else if (const json::Value* t = c.find("text")) {
        raw = t->as_string();
      }
      scan::Envelope env = c.find("envelope") ? scan::envelope_from_json(*c.find("envelope"))
                                             : scan::Envelope{};
      now = env.time;
      scan::Task task(rt->engine(), services, std::move(raw), std::move(env));
      rt->run(task);
      std::vector<std::string> problems = check_case(c, task);
      std::string got;
      for (const auto* r : task.outcome().results()) {
        if (!r->removed) got += (got.empty() ? "" : " ") + std::string(r->name);
      }
      if (problems.empty()) {
        std::printf("ok %d - %s\n", n, label.c_str());
        if (args->has("verbose")) std::printf("# symbols: %s\n", got.c_str());
      } else {
        ++failed;
        std::string why;
        for (const auto& p : problems) why += (why.empty() ? "" : "; ") + p;
        std::printf("not ok %d - %s: %s\n# symbols: %s\n", n, label.c_str(), why.c_str(), got.c_str());
      }
    }
    services.set_resolver(nullptr);
    services.set_store(nullptr);
  }
  std::printf("1..%d\n# %d passed, %d failed\n", n, n - failed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace mw::app
