// Outbound protection's C++ side: the secret and keyed hashing, the module's configuration
// (settings for the rules, webhook URL check), the hold list on a real store, the event sink
// (file, store list, webhook to a server on 127.0.0.1) and the mailward_outbound Lua module.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "../proto/net_util.h"
#include "../scan/engine_fixture.h"
#include "lua/outbound.h"
#include "lua/state.h"
#include "outbound/events.h"
#include "outbound/hold_list.h"
#include "outbound/outbound.h"
#include "outbound/secret.h"
#include "proto/http/server.h"
#include "store/options.h"

namespace mw::outbound {
namespace {

namespace fs = std::filesystem;
namespace http = proto::http;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/mw-outbound-XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(Secret, CreatedOnceKeptPrivate) {
  TempDir dir;
  std::string path = dir.path + "/outbound.secret";
  auto first = load_or_create_secret(path);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->size(), 64u);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = load_or_create_secret(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
  std::ofstream(dir.path + "/short") << "abc\n";
  EXPECT_FALSE(load_or_create_secret(dir.path + "/short"));  // exists, unusable: no overwrite
}

TEST(Secret, KeyedHash) {
  std::string h = keyed_hash("key", "taro@example.jp");
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h, keyed_hash("key", "taro@example.jp"));
  EXPECT_NE(h, keyed_hash("other key", "taro@example.jp"));
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// ---- the module ------------------------------------------------------------------------------

struct Configured {
  std::shared_ptr<Settings> settings = std::make_shared<Settings>();
  core::Schema schema;
  scan::Engine engine;
  Status status;
};

std::unique_ptr<Configured> configure(const std::string& dir, const std::string& toml) {
  auto c = std::make_unique<Configured>();
  auto module = make_module(c->settings, [dir](std::string p, const core::Config&) {
    for (std::string var : {"$DBDIR", "$CONFDIR"}) {
      for (size_t pos; (pos = p.find(var)) != std::string::npos;) p.replace(pos, var.size(), dir);
    }
    return p;
  });
  module->declare_options(c->schema);
  std::vector<core::ConfigIssue> issues;
  auto cfg = core::Config::from_string(c->schema, toml, issues);
  EXPECT_TRUE(cfg) << (issues.empty() ? "" : issues[0].to_string());
  if (!cfg) return c;
  c->engine.config = *cfg;
  core::Logger logger(core::LogLevel::kSilent);
  c->status = module->configure(c->engine, logger);
  return c;
}

TEST(OutboundModule, SettingsForTheRules) {
  TempDir dir;
  auto c = configure(dir.path, "[outbound]\nhold_ttl = \"2d\"\nlocal_domains = [\"example.jp\"]\n");
  ASSERT_TRUE(c->status) << c->status.error().message;
  const Settings& s = *c->settings;
  EXPECT_TRUE(s.configured);
  EXPECT_EQ(s.secret.size(), 64u);  // created in $DBDIR
  EXPECT_TRUE(fs::exists(dir.path + "/outbound.secret"));
  EXPECT_FALSE(s.model);             // no model file: no OUTBOUND_RECON verdicts
  EXPECT_EQ(s.config.find("secret"), nullptr);
  EXPECT_DOUBLE_EQ(s.config.find("hold_ttl")->as_double(), 2 * 86400.0);  // seconds
  EXPECT_EQ(s.config.find("local_domains")->items()[0].as_string(), "example.jp");
  EXPECT_EQ(s.config.find("action")->as_string(), "soft reject");  // defaults filled in
  EXPECT_EQ(s.events.file, dir.path + "/outbound-events.jsonl");
}

TEST(OutboundModule, WebhookMustBeAnHttpUrl) {
  TempDir dir;
  EXPECT_FALSE(configure(dir.path, "[outbound]\nwebhook = \"ftp://x.example/\"\n")->status);
  EXPECT_FALSE(configure(dir.path, "[outbound]\nwebhook = \"http://h/a b\"\n")->status);
  EXPECT_TRUE(configure(dir.path, "[outbound]\nwebhook = \"http://127.0.0.1:9/x?y=1\"\n")->status);
}

// ---- hold list and events on a real store ----------------------------------------------------

class StoreTest : public scan::test::EngineFixture {
 protected:
  void SetUp() override {
    store::StoreConfig sc;
    sc.lmdb.env.path = dir_.path + "/store";
    auto st = store::open_store(sc, dispatcher_, logger_, [] { return 1.0e9; });
    ASSERT_TRUE(st) << st.error().message;
    store_ = std::move(*st);
    services_.set_store(store_.get());
  }
  void TearDown() override { services_.set_store(nullptr); }

  template <typename F>
  void wait(F done) {
    ASSERT_TRUE(proto::test::run_until(dispatcher_, done, 5));
  }

  TempDir dir_;
  store::StorePtr store_;
};

TEST_F(StoreTest, HoldListOperations) {
  bool added = false;
  auto op1 = hold_account(*store_, "taro", "abuse desk", 1234, [&](Status s) { added = s.has_value(); });
  wait([&] { return added; });
  std::optional<json::Value> rows;
  auto op2 = list_holds(*store_, [&](Result<json::Value> r) { rows = r ? *r : json::Value(); });
  wait([&] { return rows.has_value(); });
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(json::write(rows->items()[0]),
            R"({"since":1234.0,"reasons":["abuse desk"],"by":"operator","user":"taro"})");
  bool released = false;
  auto op3 = release_account(*store_, "taro", [&](Status s) { released = s.has_value(); });
  wait([&] { return released; });
  rows.reset();
  auto op4 = list_holds(*store_, [&](Result<json::Value> r) { rows = r ? *r : json::Value(); });
  wait([&] { return rows.has_value(); });
  EXPECT_EQ(rows->size(), 0u);
}

// A webhook receiver on 127.0.0.1.
class Receiver final : public http::Handler {
 public:
  Receiver(core::Dispatcher& d, core::Logger& logger) {
    server_ = std::make_unique<http::HttpServer>(d, logger, *this, proto::HttpOptions{});
    EXPECT_TRUE(server_->start(listener_.fd));
  }
  void handle(http::Request&& r, http::ResponderPtr resp) override {
    requests.push_back(std::move(r));
    resp->send(http::Response::json("{}"));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(listener_.port) + "/hook?k=1"; }
  std::vector<http::Request> requests;

 private:
  proto::test::TcpListener listener_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(StoreTest, EventsGoToTheFileTheStoreAndTheWebhook) {
  Receiver receiver(dispatcher_, logger_);
  auto settings = std::make_shared<Settings>();
  settings->configured = true;
  settings->events.file = dir_.path + "/events.jsonl";
  settings->events.webhook = receiver.url();
  settings->events.rows = 10;
  build("", [settings](scan::Engine& e) {
    add(e, "DETECT", [settings](scan::Task& t, scan::SymbolId) {
      json::Value ev = json::Value::object();
      ev.set("user", "taro");
      event_sink(t, *settings).emit(t, ev);
      return scan::RunState::kDone;
    });
  });
  run();
  run();  // the second event reuses the process's sink (one file, one resolution)
  wait([&] { return receiver.requests.size() == 2; });
  const http::Request& r = receiver.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/hook");
  EXPECT_EQ(r.raw_query, "k=1");
  EXPECT_EQ(r.body, R"({"user":"taro"})");
  ASSERT_NE(r.header("Content-Type"), nullptr);
  EXPECT_EQ(*r.header("Content-Type"), "application/json");
  EXPECT_EQ(slurp(settings->events.file), "{\"user\":\"taro\"}\n{\"user\":\"taro\"}\n");
  std::optional<json::Value> events;
  auto op = recent_events(*store_, 10, [&](json::Value v) { events = std::move(v); });
  wait([&] { return events.has_value(); });
  EXPECT_EQ(events->size(), 2u);
}

// ---- the Lua module --------------------------------------------------------------------------

TEST(OutboundLua, ModuleFunctions) {
  core::Logger logger(core::LogLevel::kSilent);
  lua::LuaState state(logger, {});
  auto settings = std::make_shared<Settings>();
  lua::open_outbound(state.L(), settings);
  // Before configuration the functions refuse to work.
  EXPECT_FALSE(state.load_string("require('mailward_outbound').config()", "early"));
  settings->configured = true;
  settings->secret = "key";
  settings->config.set("threshold", 0.3);
  ASSERT_TRUE(state.load_string(R"(
    local ob = require 'mailward_outbound'
    h = ob.hash('taro@example.jp')
    threshold = ob.config().threshold
    has_model = ob.has_model()
    prediction = ob.predict({feature = 1})
    same = (require 'mailward_outbound') == ob
  )", "test"));
  lua_State* L = state.L();
  lua_getglobal(L, "h");
  EXPECT_EQ(std::string(lua_tostring(L, -1)), keyed_hash("key", "taro@example.jp"));
  lua_getglobal(L, "threshold");
  EXPECT_DOUBLE_EQ(lua_tonumber(L, -1), 0.3);
  lua_getglobal(L, "has_model");
  EXPECT_FALSE(lua_toboolean(L, -1));
  lua_getglobal(L, "prediction");
  EXPECT_TRUE(lua_isnil(L, -1));
  lua_getglobal(L, "same");
  EXPECT_TRUE(lua_toboolean(L, -1));
  lua_pop(L, 5);
}

}  // namespace
}  // namespace mw::outbound
