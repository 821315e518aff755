// The Lua binding tests' fixture: a private rules directory loaded by the real Lua module, an
// in-memory DNS zone, optionally an LMDB store, and tasks run through scan_test_util.h (the
// one place that builds tasks and reads their results).
//
// Rules under test report what they saw through the options of a symbol, as "key=value"
// strings; probe() turns them back into a map:
//
//   h.rules(R"( rspamd_config.PROBE = { callback = function(task)
//                 return true, 1.0, { 'subject=' .. task:get_subject() } end } )");
//   ASSERT_TRUE(h.build());
//   auto got = h.probe(*h.run(kMessage));   // got["subject"] == "..."
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dns/fake_resolver.h"
#include "lua/lua_module.h"
#include "scan/scan_test_util.h"
#include "store/lmdb_store.h"

namespace mw::lua::testing {

namespace fs = std::filesystem;

class LuaHarness {
 public:
  // `modules` are C++ modules configured before the Lua module (e.g. the auth module whose
  // verdicts the rules read).
  explicit LuaHarness(std::vector<scan::ModulePtr> modules = {})
      : dir_(make_dir()),
        modules_(std::move(modules)),
        module_(make_lua_module({(dir_ / "rules").string(), (dir_ / "lualib").string(), {}})),
        scan_([this](core::Schema& s) {
          for (const auto& m : modules_) m->declare_options(s);
          module_->declare_options(s);
        }),
        resolver_(scan_.dispatcher()) {
    scan_.services().set_resolver(&resolver_);
  }
  ~LuaHarness() {
    scan_.services().set_store(nullptr);
    store_.reset();
    fs::remove_all(dir_);
  }
  LuaHarness(const LuaHarness&) = delete;
  LuaHarness& operator=(const LuaHarness&) = delete;

  // Write a file below the private directory (rules/x.lua, lualib/y.lua, ...).
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  // The rule file under test.
  void rules(const std::string& text) { write("rules/test.lua", text); }

  // Load the configuration `toml` and every rules/*.lua.
  Status build(const std::string& toml = "") {
    return scan_.build(
        toml,
        [this](scan::Engine& e) -> Status {
          for (const auto& m : modules_) MW_TRY(m->configure(e, scan_.logger()));
          return module_->configure(e, scan_.logger());
        },
        dir_.string());
  }

  // An LMDB store for mailward_store (call before run()); `now` is its clock.
  void use_store(std::function<double()> now) {
    store::LmdbOptions o;
    o.env.path = (dir_ / "store").string();
    o.env.map_size = uint64_t{16} << 20;
    o.env.max_map_size = o.env.map_size;
    o.sweep_interval = 0;
    auto s = store::LmdbStore::open(o, scan_.dispatcher(), scan_.logger(), std::move(now));
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    scan_.services().set_store(store_.get());
  }

  std::unique_ptr<scan::Task> run(std::string message, scan::Envelope env = {}) {
    return scan_.run(std::move(message), std::move(env));
  }

  // The "key=value" options of `symbol` as a map (a value may hold '=').
  std::map<std::string, std::string> probe(const scan::Task& t,
                                           std::string_view symbol = "PROBE") {
    std::map<std::string, std::string> out;
    for (const std::string& o : scan::testing::symbol_options(t, symbol)) {
      size_t eq = o.find('=');
      if (eq == std::string::npos) {
        out[o] = "";
      } else {
        out[o.substr(0, eq)] = o.substr(eq + 1);
      }
    }
    return out;
  }

  // Evaluate Lua expressions inside a rule (so task-bound calls work too) and give each as
  // tostring(value), or "error:<message>" when it raised. `prelude` runs at load time
  // (requires, helpers); each expression may use `task`.
  std::map<std::string, std::string> eval(
      const std::string& prelude, const std::vector<std::pair<std::string, std::string>>& exprs,
      const std::string& message = "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n",
      scan::Envelope env = {}) {
    std::string code = prelude + "\nrspamd_config.PROBE = { callback = function(task)\n"
                       "  local o = {}\n"
                       "  local function add(k, f)\n"
                       "    local ok, v = pcall(f)\n"
                       "    o[#o + 1] = k .. '=' .. (ok and tostring(v) or ('error:' .. tostring(v)))\n"
                       "  end\n";
    for (const auto& [key, expr] : exprs) {
      code += "  add('" + key + "', function() return " + expr + " end)\n";
    }
    code += "  return true, 1.0, o\nend }\n";
    rules(code);
    Status st = build();
    EXPECT_TRUE(st) << st.error().message;
    if (!st) return {};
    return probe(*run(message, std::move(env)));
  }

  dns::FakeResolver& resolver() { return resolver_; }
  scan::testing::ScanHarness& scan() { return scan_; }
  const fs::path& dir() const { return dir_; }

 private:
  static fs::path make_dir() {
    char tmpl[] = "/tmp/mwluatestXXXXXX";
    fs::path p = ::mkdtemp(tmpl);
    fs::create_directories(p / "rules");
    fs::create_directories(p / "lualib");
    return p;
  }

  fs::path dir_;
  std::vector<scan::ModulePtr> modules_;
  scan::ModulePtr module_;
  scan::testing::ScanHarness scan_;
  dns::FakeResolver resolver_;
  std::unique_ptr<store::LmdbStore> store_;
};

// A message with a bit of everything: two text parts, an attachment, URLs, addresses.
inline constexpr const char* kRichMessage =
    "Return-Path: <bounce@example.org>\r\n"
    "Received: from mx.example.org (mx.example.org [192.0.2.7]) by mail.example.net;"
    " Fri, 27 Nov 2026 10:15:01 +0900\r\n"
    "From: Taro Yamada <taro@example.jp>\r\n"
    "To: a@example.net, \"B\" <b@example.net>\r\n"
    "Cc: c@example.com\r\n"
    "Subject: =?UTF-8?B?44GT44KT44Gr44Gh44Gv?= world\r\n"
    "Date: Fri, 27 Nov 2026 10:15:00 +0900\r\n"
    "Message-ID: <m1@example.jp>\r\n"
    "X-Dup: one\r\n"
    "X-Dup:\ttwo\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"OUT\"\r\n"
    "\r\n"
    "--OUT\r\n"
    "Content-Type: multipart/alternative; boundary=\"ALT\"\r\n"
    "\r\n"
    "--ALT\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=E9 at https://www.example.com/menu?day=1#top or user:pw@files.example.net\r\n"
    "Write to help@example.com.\r\n"
    "--ALT\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><body><p>Caf\xC3\xA9 <a href=\"http://198.51.100.9/x\">www.example.com</a></p>"
    "</body></html>\r\n"
    "--ALT--\r\n"
    "--OUT\r\n"
    "Content-Type: application/pdf; name=\"menu.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"menu.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQKJcOkw7zDtsOf\r\n"
    "--OUT--\r\n";

}  // namespace mw::lua::testing
