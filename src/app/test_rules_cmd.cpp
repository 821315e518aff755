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
#include "app/paths.h"
#include "core/json.h"
#include "dns/fake_resolver.h"
#include "lua/convert.h"
#include "lua/state.h"
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

std::vector<std::string> rule_files(const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) {
    std::error_code ec;
    if (fs::is_directory(s, ec)) {
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(s, ec)) {
        if (e.path().extension() == ".lua") files.push_back(e.path().string());
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(s);
    }
  }
  return out;
}

std::vector<std::string> test_files(const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) {
    std::error_code ec;
    if (fs::is_directory(s, ec)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(s, ec); it != fs::recursive_directory_iterator(); ++it) {
        std::string name = it->path().filename().string();
        if (it->is_regular_file(ec) && name.size() > 9 &&
            name.compare(name.size() - 9, 9, "_test.lua") == 0) {
          files.push_back(it->path().string());
        }
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(s);
    }
  }
  return out;
}

// Evaluate a test file in a sandboxed Lua state and return its table as JSON.
Result<json::Value> read_test_file(core::Logger& logger, const std::string& path) {
  lua::LuaState state(logger, {});
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read " + path);
  std::string code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  lua_State* L = state.L();
  if (luaL_loadbuffer(L, code.data(), code.size(), ("@" + path).c_str()) != 0) {
    return fail(ErrorCode::kInvalidInput, lua_tostring(L, -1));
  }
  auto st = state.pcall(0, 1);
  if (!st) return fail(st.error());
  json::Value v = lua::to_json(L, -1);
  lua_pop(L, 1);
  return v;
}

void add_zone(dns::FakeResolver& r, const json::Value& dns) {
  for (const auto& e : dns.items()) {
    const auto& it = e.items();
    if (it.size() < 2) continue;
    std::string name = it[0].as_string();
    std::string type = it[1].as_string();
    std::string value = it.size() > 2 ? it[2].as_string() : "";
    if (type == "A" || type == "AAAA") {
      r.add_a(name, value);
    } else if (type == "TXT") {
      r.add_txt(name, value);
    } else if (type == "MX") {
      auto sp = value.find(' ');
      r.add_mx(name, static_cast<uint16_t>(std::atoi(value.substr(0, sp).c_str())),
               sp == std::string::npos ? value : value.substr(sp + 1));
    } else if (type == "PTR") {
      r.add_ptr(name, value);
    } else if (type == "CNAME") {
      r.add_cname(name, value);
    } else if (type == "TIMEOUT" || type == "SERVFAIL" || type == "NXDOMAIN") {
      dns::Rcode rc = type == "TIMEOUT" ? dns::Rcode::kTimeout
                      : type == "SERVFAIL" ? dns::Rcode::kServFail : dns::Rcode::kNxDomain;
      for (auto t : {dns::RrType::kA, dns::RrType::kAaaa, dns::RrType::kTxt, dns::RrType::kMx,
                     dns::RrType::kPtr}) {
        r.set_rcode(name, t, rc);
      }
    }
  }
}

}  // namespace

int cmd_test_rules(int argc, char** argv) {
  auto args = Args::parse(kSpec, argc, argv, 2);
  if (!args || args->has("help") || args->positional().empty()) {
    if (!args) std::fprintf(stderr, "mailward test-rules: %s\n", args.error().message.c_str());
    std::fputs(kUsage, args && args->has("help") ? stdout : stderr);
    return args && args->has("help") ? 0 : 2;
  }
  // Everything the engine keeps on disk goes to a private temporary directory.
  auto state_dir = StateDir::open("", "test-rules");
  if (!state_dir) {
    std::fprintf(stderr, "mailward test-rules: %s\n", state_dir.error().message.c_str());
    return 1;
  }
  const std::string& state_root = state_dir->path();
  core::Logger logger(core::LogLevel::kError);
  logger.set_role("test-rules");
  StartupOptions so = scanning_startup(*args);
  so.overlay_dirs = args->all("overlay");
  so.modules.extra_rule_files = rule_files(args->all("rules"));
  auto setup = start_command("test-rules", so, logger);
  if (!setup) return 2;
  const core::Config& cfg = *setup->config;
  const scan::Engine& engine = *setup->engine;
  core::Dispatcher dispatcher;
  scan::Services services(dispatcher, logger);
  double now = 0;
  services.set_clock([&now] {
    if (now > 0) return now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<double>(ts.tv_sec);
  });
  auto store_cfg = store::config_from(cfg, state_root);
  int n = 0, failed = 0;
  int file_no = 0;
  for (const auto& file : test_files(args->positional())) {
    auto spec = read_test_file(logger, file);
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
      auto opened = store::open_store(sc, dispatcher, logger, [&services] { return services.now(); });
      if (opened) store = std::move(*opened);
    }
    services.set_store(store.get());
    dns::FakeResolver resolver(dispatcher);
    const json::Value* cases = spec->find("cases");
    if (cases == nullptr) cases = &*spec;
    if (const json::Value* zone = spec->find("dns")) add_zone(resolver, *zone);
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
      scan::Task task(engine, services, std::move(raw), std::move(env));
      bool done = false;
      task.run([&](scan::Task&) {
        done = true;
        dispatcher.exit();
      });
      if (!done) dispatcher.run();
      std::vector<std::string> problems;
      if (task.error()) problems.push_back("scan error: " + task.error()->to_string());
      if (const json::Value* e = c.find("expect")) {
        for (const auto& s : e->items()) {
          if (!task.outcome().has_symbol(s.as_string())) problems.push_back("missing " + s.as_string());
        }
      }
      if (const json::Value* f = c.find("forbid")) {
        for (const auto& s : f->items()) {
          if (task.outcome().has_symbol(s.as_string())) problems.push_back("unexpected " + s.as_string());
        }
      }
      if (const json::Value* o = c.find("options")) {
        for (const auto& [sym, want] : o->members()) {
          const scan::SymbolResult* r = task.outcome().find_result(sym);
          for (const auto& w : want.items()) {
            bool found = false;
            if (r != nullptr) {
              for (auto opt : r->options) found = found || opt == w.as_string();
            }
            if (!found) problems.push_back(sym + " lacks option '" + w.as_string() + "'");
          }
        }
      }
      if (const json::Value* h = c.find("hidden")) {
        for (const auto& text : h->items()) {
          for (const auto* r : task.outcome().results()) {
            for (auto opt : r->options) {
              if (opt.find(text.as_string()) != std::string_view::npos) {
                problems.push_back(std::string(r->name) + " shows '" + text.as_string() + "'");
              }
            }
          }
        }
      }
      if (const json::Value* a = c.find("action")) {
        if (scan::action_name(task.outcome().action()) != a->as_string()) {
          problems.push_back("action is '" + std::string(scan::action_name(task.outcome().action())) +
                             "', want '" + a->as_string() + "'");
        }
      }
      if (const json::Value* lo = c.find("score_min"); lo && task.outcome().score() < lo->as_double()) {
        problems.push_back("score " + std::to_string(task.outcome().score()) + " below " +
                           std::to_string(lo->as_double()));
      }
      if (const json::Value* hi = c.find("score_max"); hi && task.outcome().score() > hi->as_double()) {
        problems.push_back("score " + std::to_string(task.outcome().score()) + " above " +
                           std::to_string(hi->as_double()));
      }
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
