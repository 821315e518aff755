// The controller: who may do what (passwords, secure_ip, unix socket), which route answers
// (order, conditions, store, fallback), and the route families against a real embedded store
// (status, outbound hold list, statistics, the dashboard's files).
#include "server/controller.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "../scan/engine_fixture.h"
#include "dns/fake_resolver.h"
#include "server/controller_checkdomain.h"
#include "server/controller_routes.h"
#include "server/password.h"
#include "server/series.h"
#include "controller_support.h"
#include "store/options.h"

namespace mw::server {
namespace {

namespace http = proto::http;
namespace fs = std::filesystem;

using test_support::FakeResponder;
using test_support::flush_batch;
using test_support::Sent;

http::Request req(std::string path, std::string password = {}, std::string ip = "192.0.2.10") {
  http::Request r;
  r.path = std::move(path);
  r.method = "GET";
  r.peer.ip = std::move(ip);
  if (!password.empty()) r.headers.add("Password", std::move(password));
  return r;
}

std::string hash(const std::string& pw) {
  auto h = hash_password(pw, 1000);
  EXPECT_TRUE(h);
  return h ? *h : std::string();
}

// ---- access ----------------------------------------------------------------------------------

// What the controller grants a request for a read route ("probe") and a write route
// ("poke"), through handle() (passwords are checked off the loop: pump it).
class AccessTest : public ::testing::Test {
 protected:
  std::unique_ptr<Controller> make(ControllerOptions o) {
    auto c = std::make_unique<Controller>(d_, nullptr, std::move(o));
    for (auto [path, needs] : {std::pair{"probe", Access::kRead}, {"poke", Access::kWrite}}) {
      c->add_route({path, {}, needs, false, [](http::Request&&, http::ResponderPtr r, Access a) {
                      r->send(http::Response::text(a == Access::kWrite  ? "write"
                                                   : a == Access::kRead ? "read"
                                                                        : "none"));
                    }});
    }
    c->add_route({"ping", {}, Access::kNone, false, [](http::Request&&, http::ResponderPtr r,
                                                        Access) {
                    r->send(http::Response::text("pong"));
                  }});
    return c;
  }
  // The body ("read"/"write") or the status ("403", "429", ...).
  std::string call(Controller& c, http::Request r) {
    auto s = std::make_shared<Sent>();
    c.handle(std::move(r), std::make_unique<FakeResponder>(s));
    for (int i = 0; i < 5000 && !s->done; ++i) {
      d_.run_once_nonblock();
      if (!s->done) ::usleep(1000);
    }
    if (!s->done) return "no answer";
    return s->response.status == 200 ? s->response.body : std::to_string(s->response.status);
  }
  static http::Request post(http::Request r) {
    r.method = "POST";
    return r;
  }
  core::Dispatcher d_;
};

TEST_F(AccessTest, PasswordsNetworksAndSockets) {
  // Without passwords and secure networks: nobody but the unix socket.
  auto open = make({});
  EXPECT_EQ(call(*open, req("/probe")), "403");
  http::Request unix_peer = req("/probe", "", "");
  unix_peer.peer.unix_socket = true;
  EXPECT_EQ(call(*open, std::move(unix_peer)), "write");

  ControllerOptions one;
  one.password = hash("reader");
  auto c1 = make(one);
  EXPECT_EQ(call(*c1, req("/probe")), "403");
  EXPECT_EQ(call(*c1, req("/probe", "wrong")), "403");
  EXPECT_EQ(call(*c1, req("/probe", "reader")), "write");  // no enable_password

  ControllerOptions two = one;
  two.enable_password = hash("writer");
  auto c2 = make(two);
  EXPECT_EQ(call(*c2, req("/probe", "reader")), "read");
  EXPECT_EQ(call(*c2, req("/probe", "writer")), "write");
  EXPECT_EQ(call(*c2, post(req("/poke", "reader"))), "403");
  EXPECT_EQ(call(*c2, post(req("/poke", "writer"))), "write");
  http::Request query = req("/probe");
  query.query = {{"password", "writer"}};
  EXPECT_EQ(call(*c2, std::move(query)), "write");

  ControllerOptions enable_only;
  enable_only.enable_password = hash("writer");
  auto c3 = make(enable_only);
  EXPECT_EQ(call(*c3, req("/probe")), "read");
  EXPECT_EQ(call(*c3, req("/probe", "wrong")), "read");
  EXPECT_EQ(call(*c3, req("/probe", "writer")), "write");

  ControllerOptions trusted = two;
  ASSERT_TRUE(trusted.secure_ip.add("192.0.2.0/24"));
  auto c4 = make(trusted);
  EXPECT_EQ(call(*c4, req("/probe")), "write");
  EXPECT_EQ(call(*c4, req("/probe", "", "198.51.100.1")), "403");
}

TEST_F(AccessTest, WritesArePostOnlyAndHealthChecksNeedNothing) {
  ControllerOptions o;
  ASSERT_TRUE(o.secure_ip.add("192.0.2.0/24"));
  auto c = make(o);
  EXPECT_EQ(call(*c, req("/poke")), "405");  // GET on a write route
  EXPECT_EQ(call(*c, post(req("/poke"))), "write");
  EXPECT_EQ(call(*c, req("/probe")), "write");
  // Health checks: even from elsewhere, with a foreign Host and a wrong password.
  http::Request ping = req("/ping", "wrong", "198.51.100.1");
  ping.headers.add("Host", "evil.example");
  EXPECT_EQ(call(*c, std::move(ping)), "pong");
}

TEST_F(AccessTest, ForeignHostOrOriginIsRefused) {
  ControllerOptions o;
  ASSERT_TRUE(o.secure_ip.add("127.0.0.0/8"));
  o.allowed_hosts = {"mail.example.org", "proxy.example.org:8443"};
  auto c = make(o);
  auto with = [](std::string host, std::string origin) {
    http::Request r = req("/probe", "", "127.0.0.1");
    r.local.ip = "127.0.0.1";
    r.local.port = 11334;
    if (!host.empty()) r.headers.add("Host", std::move(host));
    if (!origin.empty()) r.headers.add("Origin", std::move(origin));
    return r;
  };
  EXPECT_EQ(call(*c, with("", "")), "write");  // not a browser
  EXPECT_EQ(call(*c, with("127.0.0.1:11334", "")), "write");
  EXPECT_EQ(call(*c, with("127.0.0.1", "")), "write");
  EXPECT_EQ(call(*c, with("localhost:11334", "http://localhost:11334")), "write");
  EXPECT_EQ(call(*c, with("mail.example.org", "https://mail.example.org")), "write");
  EXPECT_EQ(call(*c, with("proxy.example.org:8443", "https://proxy.example.org:8443")), "write");
  EXPECT_EQ(call(*c, with("attacker.example:11334", "")), "403");  // DNS rebinding
  EXPECT_EQ(call(*c, with("127.0.0.1:11334", "http://attacker.example")), "403");  // CSRF
  EXPECT_EQ(call(*c, with("127.0.0.1:11334", "http://127.0.0.1:8080")), "403");   // other port
  EXPECT_EQ(call(*c, with("127.0.0.1:11334", "null")), "403");
  EXPECT_EQ(call(*c, with("127.0.0.2:11334", "")), "403");  // not the address connected to
  EXPECT_EQ(call(*c, with("proxy.example.org:9999", "")), "403");
}

TEST_F(AccessTest, WrongPasswordsAreRateLimitedAndRightOnesRemembered) {
  ControllerOptions o;
  o.password = hash("reader");
  o.max_failed_logins = 3;
  auto c = make(o);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call(*c, req("/probe", "wrong")), "403");
  EXPECT_EQ(call(*c, req("/probe", "wrong")), "429");
  EXPECT_EQ(call(*c, req("/probe", "reader")), "429");  // the address is limited, not a guess
  EXPECT_EQ(call(*c, req("/probe", "reader", "192.0.2.99")), "write");  // others are not
  // Remembered: answered at once, without the helper thread.
  auto s = std::make_shared<Sent>();
  c->handle(req("/probe", "reader", "192.0.2.98"), std::make_unique<FakeResponder>(s));
  EXPECT_TRUE(s->done);
  EXPECT_EQ(s->response.body, "write");
}

// ---- routing ---------------------------------------------------------------------------------

class RoutingTest : public ::testing::Test {
 protected:
  std::shared_ptr<Sent> call(Controller& c, http::Request r) {
    auto s = std::make_shared<Sent>();
    c.handle(std::move(r), std::make_unique<FakeResponder>(s));
    for (int i = 0; i < 5000 && !s->done; ++i) {  // passwords are checked off the loop
      d_.run_once_nonblock();
      if (!s->done) ::usleep(1000);
    }
    return s;
  }
  static Route answering(std::string path, Access needs, std::string text, bool store = false) {
    return {std::move(path), {}, needs, store,
            [text](http::Request&&, http::ResponderPtr r, Access) {
              r->send(http::Response::text(text));
            }};
  }
  core::Dispatcher d_;
};

TEST_F(RoutingTest, AccessStoreFallbackAndOrder) {
  ControllerOptions o;
  o.password = hash("reader");
  o.enable_password = hash("writer");
  Controller c(d_, nullptr, o);
  c.add_route(answering("open", Access::kNone, "open"));
  c.add_route(answering("read", Access::kRead, "read"));
  c.add_route(answering("read", Access::kRead, "second"));  // never: the first one matches
  c.add_route(answering("write", Access::kWrite, "write"));
  c.add_route(answering("stored", Access::kRead, "stored", true));
  Route with_body = answering("", Access::kRead, "has a body");
  with_body.when = [](const http::Request& r) { return !r.body.empty(); };
  c.add_route(with_body);

  EXPECT_EQ(call(c, req("/open"))->response.body, "open");
  EXPECT_EQ(call(c, req("/read"))->response.status, 403);
  EXPECT_EQ(call(c, req("/READ", "reader"))->response.body, "read");
  http::Request write_as_reader = req("/write", "reader");
  write_as_reader.method = "POST";
  EXPECT_EQ(call(c, std::move(write_as_reader))->response.status, 403);
  http::Request write_as_writer = req("/write", "writer");
  write_as_writer.method = "POST";
  EXPECT_EQ(call(c, std::move(write_as_writer))->response.body, "write");
  EXPECT_EQ(call(c, req("/write", "writer"))->response.status, 405);  // GET
  EXPECT_EQ(call(c, req("/stored", "reader"))->response.status, 503);
  EXPECT_EQ(call(c, req("/unknown", "reader"))->response.status, 404);
  EXPECT_EQ(call(c, req("/unknown"))->response.status, 403);
  http::Request body = req("/anything", "reader");
  body.body = "x";
  EXPECT_EQ(call(c, std::move(body))->response.body, "has a body");
  c.set_fallback(answering("", Access::kRead, "fallback"));
  EXPECT_EQ(call(c, req("/unknown", "reader"))->response.body, "fallback");
}

// ---- route families against a real store ----------------------------------------------------

class FamiliesTest : public scan::test::EngineFixture {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mw-controller-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store::StoreConfig sc;
    sc.lmdb.env.path = dir_ + "/store";
    auto st = store::open_store(sc, dispatcher_, logger_, [] { return 1.0e9; });
    ASSERT_TRUE(st) << st.error().message;
    store_ = std::move(*st);
    build("[actions]\nreject = 15\nadd_header = 6\n[symbols.A]\nscore = 1\n",
          [](scan::Engine& e) { add(e, "A", inserts("A")); });
    fs::create_directories(dir_ + "/web/js");
    std::ofstream(dir_ + "/web/index.html") << "<html>dashboard</html>";
    std::ofstream(dir_ + "/web/js/app.js") << "app()";
    std::ofstream(dir_ + "/secret.txt") << "secret";
    fs::create_symlink(dir_ + "/secret.txt", dir_ + "/web/leak.txt");
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<Controller> make(bool with_store = true) {
    ControllerOptions o;
    o.save_file = dir_ + "/local.d/zz-controller.toml";
    EXPECT_TRUE(o.secure_ip.add("192.0.2.0/24"));  // where req() comes from
    o.web_dir = dir_ + "/web";
    o.version = "9.9";
    auto c = std::make_unique<Controller>(dispatcher_, with_store ? store_.get() : nullptr, o);
    add_status_routes(*c, *engine_);
    add_outbound_routes(*c);
    add_scan_routes(*c, *engine_, services_, nullptr);
    add_stats_routes(*c, *engine_);
    add_graph_routes(*c);
    add_config_routes(*c, *engine_);
    set_dashboard(*c);
    return c;
  }

  std::shared_ptr<Sent> call(Controller& c, http::Request r) {
    auto s = std::make_shared<Sent>();
    c.handle(std::move(r), std::make_unique<FakeResponder>(s));
    for (int i = 0; i < 1000 && !s->done; ++i) dispatcher_.run_once_nonblock();
    dispatcher_.run_once_nonblock();  // the posted release of the request's store work
    return s;
  }
  json::Value json_of(const std::shared_ptr<Sent>& s) {
    auto j = json::parse(s->response.body);
    EXPECT_TRUE(j) << s->response.body;
    return j ? *j : json::Value();
  }

  std::string dir_;
  store::StorePtr store_;
};

TEST_F(FamiliesTest, StatusRoutes) {
  auto c = make(false);
  EXPECT_EQ(call(*c, req("/ping"))->response.body, "pong\r\n");
  EXPECT_TRUE(json_of(call(*c, req("/healthy"))).find("success")->as_bool());
  json::Value auth = json_of(call(*c, req("/auth")));
  EXPECT_EQ(auth.find("version")->as_string(), "9.9");
  EXPECT_FALSE(auth.find("read_only")->as_bool());
  json::Value actions = json_of(call(*c, req("/actions")));
  ASSERT_EQ(actions.size(), 5u);
  EXPECT_EQ(actions.items()[0].find("action")->as_string(), "reject");
  EXPECT_DOUBLE_EQ(actions.items()[0].find("value")->as_double(), 15);
  // Without a store: statistics answer 503; the dashboard's files need none.
  EXPECT_EQ(call(*c, req("/stat"))->response.status, 503);
  EXPECT_EQ(call(*c, req("/graph"))->response.status, 503);
  EXPECT_EQ(call(*c, req("/"))->response.status, 200);
}

TEST_F(FamiliesTest, ScanningOnTheController) {
  auto c = make();
  http::Request r = req("/symbols");
  r.method = "POST";
  r.body = scan::test::kMessage;
  json::Value scanned = json_of(call(*c, std::move(r)));
  ASSERT_NE(scanned.find("default"), nullptr);  // /symbols with a body scans (legacy JSON)
  EXPECT_NE(scanned.find("default")->find("A"), nullptr);
  json::Value listed = json_of(call(*c, req("/symbols")));  // without one: the symbol list
  ASSERT_TRUE(listed.is_array());
  EXPECT_EQ(listed.items()[0].find("group")->as_string(), "ungrouped");
}

TEST_F(FamiliesTest, HoldListThroughTheController) {
  auto c = make();
  http::Request hold = req("/outbound/hold");
  hold.method = "POST";
  hold.headers.add("User", "taro");
  hold.headers.add("Reason", "test");
  EXPECT_TRUE(json_of(call(*c, std::move(hold))).find("success")->as_bool());
  json::Value holds = json_of(call(*c, req("/outbound/holds")));
  ASSERT_EQ(holds.find("holds")->size(), 1u);
  const json::Value& row = holds.find("holds")->items()[0];
  EXPECT_EQ(row.find("user")->as_string(), "taro");
  EXPECT_EQ(row.find("reasons")->items()[0].as_string(), "test");
  EXPECT_EQ(holds.find("events")->size(), 0u);
  EXPECT_EQ(call(*c, req("/outbound/release"))->response.status, 405);  // not by GET
  http::Request nobody = req("/outbound/release");
  nobody.method = "POST";
  EXPECT_EQ(call(*c, std::move(nobody))->response.status, 400);  // no user
  http::Request no_reason = req("/outbound/release");
  no_reason.method = "POST";
  no_reason.query = {{"user", "taro"}};
  EXPECT_EQ(call(*c, std::move(no_reason))->response.status, 400);  // a reason is required
  // What rules/outbound.lua writes while the account is held (doc/outbound.md, "Incidents").
  int written = 0;
  auto incr = store_->incr("ob:refused:taro", 3, 0, [&](Result<int64_t>) { ++written; });
  auto log = store_->list_push("ob:refusedlog:taro",
                               R"({"time":5,"recipients":1,"reached":1,"burst":false})", 100, 0,
                               [&](Status) { ++written; });
  auto seen = store_->distinct_add("ob:refrc:taro", "h1", 3600,
                                   [&](Result<store::Store::DistinctResult>) { ++written; });
  auto burst = store_->incr("ob:burst:taro", 1, 0, [&](Result<int64_t>) { ++written; });
  for (int i = 0; i < 100 && written < 4; ++i) dispatcher_.run_once_nonblock();
  json::Value listed = json_of(call(*c, req("/outbound/holds")));
  const json::Value& held_row = listed.find("holds")->items()[0];
  EXPECT_EQ(held_row.find("refused")->as_int(), 3);
  ASSERT_EQ(held_row.find("refusals")->size(), 1u);
  EXPECT_FALSE(held_row.find("refusals")->items()[0].find("burst")->as_bool());
  http::Request release = req("/outbound/release");
  release.method = "POST";
  release.query = {{"user", "taro"}, {"reason", "checked"}};
  json::Value released = json_of(call(*c, std::move(release)));
  EXPECT_EQ(released.find("user")->as_string(), "taro");
  // The count of refused messages starts again with the next hold.
  std::optional<std::string> refused = "x";
  bool read = false;
  auto get = store_->get("ob:refused:taro", [&](Result<std::optional<std::string>> r) {
    refused = r ? *r : std::optional<std::string>("error");
    read = true;
  });
  for (int i = 0; i < 100 && !read; ++i) dispatcher_.run_once_nonblock();
  EXPECT_FALSE(refused.has_value());
  // So are the log, the recipients and the burst mark.
  int left = -1;
  auto rest = store_->list_range("ob:refusedlog:taro", 0, 10, [&](Result<std::vector<std::string>> r) {
    left = r ? static_cast<int>(r->size()) : -2;
  });
  std::optional<std::string> mark = "x";
  bool marked = false;
  auto mark_get = store_->get("ob:burst:taro", [&](Result<std::optional<std::string>> r) {
    mark = r ? *r : std::optional<std::string>("error");
    marked = true;
  });
  std::vector<std::string> members{"x"};
  bool membered = false;
  auto mem = store_->distinct_members("ob:refrc:taro", 3600, 10,
                                      [&](Result<std::vector<std::string>> r) {
                                        members = r ? *r : std::vector<std::string>{"error"};
                                        membered = true;
                                      });
  for (int i = 0; i < 100 && (left == -1 || !marked || !membered); ++i) {
    dispatcher_.run_once_nonblock();
  }
  EXPECT_EQ(left, 0);
  EXPECT_FALSE(mark.has_value());
  EXPECT_TRUE(members.empty());
  // A hold that ended by expiry leaves its burst mark behind: a new hold starts without it
  // (else its burst would never be recorded).
  bool stale = false;
  auto stale_mark = store_->incr("ob:burst:taro", 1, 0, [&](Result<int64_t>) { stale = true; });
  for (int i = 0; i < 100 && !stale; ++i) dispatcher_.run_once_nonblock();
  http::Request rehold = req("/outbound/hold");
  rehold.method = "POST";
  rehold.query = {{"user", "taro"}, {"reason", "again"}};
  EXPECT_EQ(call(*c, std::move(rehold))->response.status, 200);
  mark = "x";
  marked = false;
  auto mark_again = store_->get("ob:burst:taro", [&](Result<std::optional<std::string>> r) {
    mark = r ? *r : std::optional<std::string>("error");
    marked = true;
  });
  for (int i = 0; i < 100 && !marked; ++i) dispatcher_.run_once_nonblock();
  EXPECT_FALSE(mark.has_value());
  http::Request release_again = req("/outbound/release");
  release_again.method = "POST";
  release_again.query = {{"user", "taro"}, {"reason", "checked again"}};
  EXPECT_EQ(call(*c, std::move(release_again))->response.status, 200);
  // The chart counts the days from the detection to the burst start; an incident of the
  // old form (the first refused message) is not counted.
  int pushed = 0;
  std::vector<store::OpPtr> pushes;
  for (const char* inc : {R"({"user":"a","detected":0,"burst_start":200000,"by":"detection"})",
                          R"({"user":"b","detected":0,"burst_start":100,"by":"operator"})",
                          R"({"user":"c","detected":0,"first_refused":10,"by":"detection"})"}) {
    pushes.push_back(store_->list_push("ob:incidents", inc, 1000, 0, [&](Status) { ++pushed; }));
    for (int i = 0; i < 100 && pushed < static_cast<int>(pushes.size()); ++i) {
      dispatcher_.run_once_nonblock();
    }
  }
  json::Value chart = *json_of(call(*c, req("/outbound/holds"))).find("burst_delay");
  ASSERT_EQ(chart.size(), 8u);
  EXPECT_EQ(chart.items()[0].find("count")->as_int(), 1);  // 100 s
  EXPECT_EQ(chart.items()[2].find("days")->as_string(), "2");
  EXPECT_EQ(chart.items()[2].find("count")->as_int(), 1);  // 2.3 days
  int64_t total = 0;
  for (const auto& b : chart.items()) total += b.find("count")->as_int();
  EXPECT_EQ(total, 2);
  EXPECT_EQ(json_of(call(*c, req("/outbound/holds"))).find("holds")->size(), 0u);
}

TEST_F(FamiliesTest, StatisticsRoutes) {
  auto c = make();
  json::Value stat = json_of(call(*c, req("/stat")));
  EXPECT_EQ(stat.find("scanned")->as_int(), 0);
  EXPECT_EQ(stat.find("version")->as_string(), "9.9");
  EXPECT_TRUE(json_of(call(*c, req("/counters"))).is_array());
  auto metrics = call(*c, req("/metrics"));
  EXPECT_EQ(metrics->response.body.rfind("# HELP mailward_uptime_seconds", 0), 0u);
  EXPECT_NE(metrics->response.body.find("# EOF\n"), std::string::npos);
  EXPECT_EQ(json_of(call(*c, req("/history"))).find("version")->as_int(), 2);
  EXPECT_EQ(call(*c, req("/statreset"))->response.status, 405);
  http::Request reset = req("/statreset");
  reset.method = "POST";
  EXPECT_TRUE(json_of(call(*c, std::move(reset))).find("success")->as_bool());
  http::Request hreset = req("/historyreset");
  hreset.method = "POST";
  EXPECT_TRUE(json_of(call(*c, std::move(hreset))).find("success")->as_bool());
  EXPECT_FALSE(json_of(call(*c, req("/stat"))).find("read_only")->as_bool());
}

TEST_F(FamiliesTest, DashboardFilesStayInsideTheWebDirectory) {
  auto c = make();
  auto index = call(*c, req("/"));
  EXPECT_EQ(index->response.body, "<html>dashboard</html>");
  EXPECT_EQ(index->response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(call(*c, req("/js/app.js"))->response.content_type,
            "text/javascript; charset=utf-8");
  EXPECT_EQ(call(*c, req("/../secret.txt"))->response.status, 404);
  EXPECT_EQ(call(*c, req("/leak.txt"))->response.status, 404);  // a link out of the root
  EXPECT_EQ(call(*c, req("/js"))->response.status, 404);        // a directory
  EXPECT_EQ(call(*c, req("/."))->response.status, 404);
  EXPECT_EQ(call(*c, req("/js/"))->response.status, 404);
  EXPECT_EQ(call(*c, req("/js/./app.js"))->response.status, 404);  // dot segment
  EXPECT_EQ(call(*c, req("//" + dir_ + "/secret.txt"))->response.status, 404);  // absolute
  EXPECT_EQ(call(*c, req("/js\\app.js"))->response.status, 404);
  http::Request encoded = req("/js/app.js");  // decoded fine, but sent as js%2Fapp.js
  encoded.target = "/js%2fapp.js";
  EXPECT_EQ(call(*c, std::move(encoded))->response.status, 404);
  http::Request nul = req("/index.html");
  nul.target = "/index.html%00.js";
  EXPECT_EQ(call(*c, std::move(nul))->response.status, 404);
  http::Request post = req("/index.html");
  post.method = "POST";
  EXPECT_EQ(call(*c, std::move(post))->response.status, 404);
}

double now() { return static_cast<double>(std::time(nullptr)); }

TEST_F(FamiliesTest, GraphIsRspamdsShape) {
  SeriesBatch b;
  b.count(action_series(scan::Action::kReject), now(), 3);
  b.count(action_series(scan::Action::kNoAction), now(), 5);
  b.count(action_series(scan::Action::kNoAction), now() - 7200, 2);  // outside the hour
  flush_batch(b, *store_, dispatcher_);
  auto c = make();
  json::Value hourly = json_of(call(*c, req("/graph")));  // hourly by default
  ASSERT_EQ(hourly.size(), 6u);
  auto sum = [](const json::Value& series, double scale) {
    double s = 0;
    for (const auto& p : series.items()) s += p.find("y")->as_double() * scale;
    return s;
  };
  EXPECT_EQ(hourly.items()[0].size(), 60u);
  EXPECT_DOUBLE_EQ(sum(hourly.items()[0], 1), 3);   // reject
  EXPECT_DOUBLE_EQ(sum(hourly.items()[5], 1), 5);   // no action
  EXPECT_DOUBLE_EQ(sum(hourly.items()[1], 1), 0);   // soft reject
  http::Request daily = req("/graph");
  daily.query = {{"type", "daily"}};
  json::Value d = json_of(call(*c, std::move(daily)));
  EXPECT_DOUBLE_EQ(sum(d.items()[5], 5), 7);  // y is per minute over 5-minute points
  const auto& pts = d.items()[5].items();
  EXPECT_EQ(pts[1].find("x")->as_int() - pts[0].find("x")->as_int(), 300);
  http::Request bad = req("/graph");
  bad.query = {{"type", "yearly"}};
  EXPECT_EQ(call(*c, std::move(bad))->response.status, 400);
}

TEST_F(FamiliesTest, PerfPercentilesFromTheHistogram) {
  SeriesBatch b;
  b.count("tb1", now(), 90);  // 5..10 ms
  b.count("tb7", now(), 10);  // 0.5..1 s
  b.count("errors", now(), 2);
  flush_batch(b, *store_, dispatcher_);
  auto c = make();
  json::Value perf = json_of(call(*c, req("/perf")));
  EXPECT_EQ(perf.find("scanned")->as_int(), 100);
  EXPECT_EQ(perf.find("errors")->as_int(), 2);
  const json::Value* p = perf.find("percentiles");
  EXPECT_NEAR(p->find("p50")->as_double(), 0.005 + 0.005 * (50.0 / 90), 1e-9);
  EXPECT_NEAR(p->find("p99")->as_double(), 0.5 + 0.5 * (9.0 / 10), 1e-9);
  EXPECT_GT(p->find("p90")->as_double(), 0.005);
}

TEST_F(FamiliesTest, AuthStatsPerDayWithFailingDomains) {
  SeriesBatch b;
  AuthSample pass{true, true, true, "reject", "good.example", "good.example"};
  AuthSample fail{false, false, false, "quarantine", "bad.example", "bad.example"};
  AuthSample none{true, false, true, "absent", "plain.example", "plain.example"};
  for (int i = 0; i < 3; ++i) b.auth(pass, now());
  for (int i = 0; i < 2; ++i) b.auth(fail, now());
  b.auth(none, now());
  b.auth(fail, now() - 40 * 86400.0);  // another period
  flush_batch(b, *store_, dispatcher_);
  auto c = make();
  json::Value a = json_of(call(*c, req("/authstats")));
  ASSERT_EQ(a.find("days")->size(), 7u);
  const json::Value* t = a.find("totals");
  EXPECT_EQ(t->find("checked")->as_int(), 6);
  EXPECT_EQ(t->find("spf_pass")->as_int(), 4);
  EXPECT_EQ(t->find("dkim_pass")->as_int(), 3);
  EXPECT_EQ(t->find("policy_quarantine")->as_int(), 2);
  EXPECT_EQ(t->find("policy_absent")->as_int(), 1);
  EXPECT_DOUBLE_EQ(a.find("shares")->find("dmarc_pass")->as_double(), 4.0 / 6);
  const json::Value* dkim = a.find("failing")->find("dkim");
  ASSERT_EQ(dkim->size(), 2u);
  EXPECT_EQ(dkim->items()[0].find("domain")->as_string(), "bad.example");
  EXPECT_EQ(dkim->items()[0].find("count")->as_int(), 2);
  EXPECT_EQ(a.find("failing")->find("spf")->size(), 1u);
  http::Request bad = req("/authstats");
  bad.query = {{"from", "2026-02-30x"}};
  EXPECT_EQ(call(*c, std::move(bad))->response.status, 400);
}

TEST_F(FamiliesTest, KeeperDropsRowsBeyondTheirRetention) {
  // The store's clock in this fixture is 1e9: rows are stamped then.
  SeriesBatch b;
  b.count("reject", 1e9, 4);
  flush_batch(b, *store_, dispatcher_);
  auto minute = static_cast<uint64_t>(1e9 / 60);
  auto hour = static_cast<uint64_t>(1e9 / 3600);
  auto row = [&](const std::string& table, uint64_t id) {
    uint32_t got = 99;
    auto op = store_->counts_get(table, {id}, [&](Result<std::vector<store::Store::CountRow>> r) {
      got = r ? (*r)[0].a : 98;
    });
    for (int i = 0; i < 100 && got == 99; ++i) dispatcher_.run_once_nonblock();
    return got;
  };
  EXPECT_EQ(row("ts:m:reject", minute), 4u);
  // Three days later: the minutes (kept 2 days) go, the hours (35 days) stay.
  SeriesKeeper keeper(dispatcher_, *store_, SeriesOptions{}, [] { return 1e9 + 3 * 86400; });
  bool done = false;
  keeper.run_pass([&] { done = true; });
  for (int i = 0; i < 10000 && !done; ++i) dispatcher_.run_once_nonblock();
  ASSERT_TRUE(done);
  EXPECT_EQ(row("ts:m:reject", minute), 0u);
  EXPECT_EQ(row("ts:h:reject", hour), 4u);
}

TEST_F(FamiliesTest, OperatorActionsAreAudited) {
  auto c = make();
  auto post = [](const char* path, std::string body) {
    http::Request r = req(path);
    r.method = "POST";
    r.body = std::move(body);
    return r;
  };
  EXPECT_EQ(call(*c, post("/outbound/hold", R"({"user":"taro"})"))->response.status, 400);
  EXPECT_EQ(call(*c, post("/outbound/hold", "not json"))->response.status, 400);
  auto held = call(*c, post("/outbound/hold",
      R"({"user":"taro","reason":"phished\u0007 account","operator":"alice"})"));
  ASSERT_EQ(held->response.status, 200) << held->response.body;
  ASSERT_TRUE(json_of(held).find("success")->as_bool());
  EXPECT_TRUE(json_of(call(*c, post("/outbound/falsepositive",
                                    R"({"user":"taro","reason":"newsletter"})")))
                  .find("success")->as_bool());
  json::Value audit = json_of(call(*c, req("/outbound/audit")));
  ASSERT_EQ(audit.size(), 2u);
  const json::Value& first = audit.items()[1];
  EXPECT_EQ(first.find("action")->as_string(), "hold");
  EXPECT_EQ(first.find("reason")->as_string(), "phished account");  // control characters out
  EXPECT_EQ(first.find("who")->find("operator")->as_string(), "alice");
  // make() lets req()'s network in without a password (secure_ip).
  EXPECT_EQ(first.find("who")->find("credential")->as_string(), "secure_ip");
  EXPECT_EQ(audit.items()[0].find("who")->find("operator")->as_string(), "unknown");
  json::Value holds = json_of(call(*c, req("/outbound/holds")));
  EXPECT_EQ(holds.find("holds")->size(), 0u);  // a false positive is released
  ASSERT_EQ(holds.find("false_positives")->size(), 1u);
  EXPECT_EQ(holds.find("false_positives")->items()[0].find("reason")->as_string(), "newsletter");
}

TEST_F(FamiliesTest, CollectorsFromTheStoresRecords) {
  // What rules/outbound.lua writes: the records (one from before addresses were kept, one
  // unreadable) and the accounts of each.
  int left = 0;
  std::vector<store::OpPtr> ops;
  auto done = [&](Status) { --left; };
  auto put = [&](const char* hash, const char* value, std::vector<const char*> users) {
    ++left;
    ops.push_back(store_->map_set("ob:collectors", hash, value, 0, done));
    for (const char* u : users) {
      ++left;
      ops.push_back(store_->list_push(std::string("ob:collusers:") + hash, u, 50, 0, done));
    }
  };
  put("h1", "2:1:box@free.example", {"taro", "jiro", "taro"});
  put("h2", "3:3:drop@mail.example", {"a", "b", "c"});
  put("h3", "2:0", {"x", "y"});
  put("h4", "garbage", {});
  for (int i = 0; i < 1000 && left > 0; ++i) dispatcher_.run_once_nonblock();
  ASSERT_EQ(left, 0);
  auto c = make();
  json::Value v = json_of(call(*c, req("/outbound/collectors")));
  const json::Value* rows = v.find("collectors");
  ASSERT_TRUE(rows != nullptr && rows->size() == 3u) << json::write(v);
  const json::Value& top = rows->items()[0];  // most accounts first
  EXPECT_EQ(top.find("address")->as_string(), "drop@mail.example");
  EXPECT_EQ(top.find("accounts")->as_int(), 3);
  EXPECT_EQ(top.find("confirmed")->as_int(), 3);
  EXPECT_EQ(json::write(*top.find("users")), R"(["c","b","a"])");  // newest first
  const json::Value& second = rows->items()[1];  // then most confirmations
  EXPECT_EQ(second.find("address")->as_string(), "box@free.example");
  EXPECT_EQ(json::write(*second.find("users")), R"(["taro","jiro"])");  // each once
  EXPECT_TRUE(rows->items()[2].find("address")->is_null());
  EXPECT_EQ(call(*c, req("/outbound/collectors", "", "203.0.113.1"))->response.status, 403);
}

TEST_F(FamiliesTest, SavedScoresGoToTheLocalFile) {
  auto c = make();
  auto post = [](const char* path, std::string body) {
    http::Request r = req(path);
    r.method = "POST";
    r.body = std::move(body);
    return r;
  };
  EXPECT_EQ(call(*c, post("/savesymbols", R"([{"name":"NOPE","value":1}])"))->response.status,
            400);
  EXPECT_EQ(call(*c, post("/savesymbols", R"([{"name":"A","value":"x"}])"))->response.status,
            400);
  EXPECT_EQ(call(*c, post("/savesymbols", "[]"))->response.status, 400);
  json::Value ok = json_of(call(*c, post("/savesymbols", R"([{"name":"A","value":2.5}])")));
  EXPECT_TRUE(ok.find("success")->as_bool());
  EXPECT_FALSE(ok.find("reloading")->as_bool());  // no master to ask in a test
  // Rspamd's form: reject, rewrite subject, add header, greylist.
  EXPECT_EQ(call(*c, post("/saveactions", "[20, null, 7, 3]"))->response.status, 200);
  EXPECT_EQ(call(*c, post("/saveactions", R"([{"action":"discard","value":1}])"))
                ->response.status, 400);
  std::ifstream in(dir_ + "/local.d/zz-controller.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("[symbols.A]"), std::string::npos) << text;
  EXPECT_NE(text.find("score = 2.5"), std::string::npos) << text;
  EXPECT_NE(text.find("reject = 20"), std::string::npos) << text;
  EXPECT_NE(text.find("rewrite_subject = false"), std::string::npos) << text;
  EXPECT_NE(text.find("greylist = 3"), std::string::npos) << text;
  // A later save keeps what was saved before.
  EXPECT_EQ(call(*c, post("/saveactions", R"([{"action":"greylist","value":4}])"))
                ->response.status, 200);
  std::ifstream again(dir_ + "/local.d/zz-controller.toml");
  text.assign((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("score = 2.5"), std::string::npos) << text;
  EXPECT_NE(text.find("greylist = 4"), std::string::npos) << text;
}

}  // namespace
}  // namespace mw::server

namespace mw::server {
namespace {

// ---- /checkdomain --------------------------------------------------------------------------

class CheckDomainTest : public FamiliesTest {
 protected:
  void SetUp() override {
    FamiliesTest::SetUp();
    fake_ = std::make_unique<dns::FakeResolver>(dispatcher_);
    fake_->add_txt("example.com", "v=spf1 include:_spf.example.com -all");
    fake_->add_txt("_spf.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
    fake_->add_txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:d@example.com");
    services_.set_resolver(fake_.get());
  }
  void TearDown() override {
    services_.set_resolver(nullptr);
    FamiliesTest::TearDown();
  }
  http::Request get(std::string query) {
    http::Request r = req("/checkdomain");
    r.raw_query = query;
    r.query = http::parse_query(query);
    return r;
  }
  std::unique_ptr<dns::FakeResolver> fake_;
};

TEST_F(CheckDomainTest, SameReportAsTheCommandCachedAndBadInputRefused) {
  ControllerOptions o;
  ASSERT_TRUE(o.secure_ip.add("192.0.2.0/24"));  // where req() comes from
  o.checkdomain_cache_ttl = 600;
  DomainCheckService service(services_, nullptr, o);
  Controller c(dispatcher_, nullptr, o);
  service.attach(c);

  auto first = call(c, get("domain=Example.com.&selector=s1"));
  ASSERT_EQ(first->response.status, 200) << first->response.body;
  json::Value v = json_of(first);
  EXPECT_EQ(v.find("domain")->as_string(), "example.com");
  EXPECT_EQ(v.find("spf")->find("lookups")->as_int(), 1);
  EXPECT_EQ(v.find("spf")->find("tree")->find("children")->size(), 1u);
  EXPECT_EQ(v.find("dmarc")->find("policy")->as_string(), "reject");
  ASSERT_EQ(v.find("dkim")->size(), 1u);
  EXPECT_EQ(v.find("dkim")->items()[0].find("status")->as_string(), "none");
  EXPECT_FALSE(v.find("cached")->as_bool());
  EXPECT_GT(v.find("checked_at")->as_double(), 0);
  size_t queries = fake_->queries().size();
  EXPECT_GE(queries, 4u);  // SPF x2, DMARC, DKIM

  // The same question again (other spelling): from the cache, no DNS.
  json::Value again = json_of(call(c, get("domain=EXAMPLE.COM&selector=S1")));
  EXPECT_TRUE(again.find("cached")->as_bool());
  EXPECT_EQ(again.find("dmarc")->find("policy")->as_string(), "reject");
  EXPECT_EQ(fake_->queries().size(), queries);
  // Other selectors are another question.
  json::Value other = json_of(call(c, get("domain=example.com&selector=s1,s2")));
  EXPECT_FALSE(other.find("cached")->as_bool());
  EXPECT_EQ(other.find("dkim")->size(), 2u);

  for (const char* bad : {"", "domain=", "domain=not%20a%20domain", "domain=192.0.2.1",
                          "domain=localhost", "domain=example.com&selector=a%20b"}) {
    auto s = call(c, get(bad));
    EXPECT_EQ(s->response.status, 400) << bad;
    json::Value e = json_of(s);
    ASSERT_NE(e.find("error"), nullptr) << s->response.body;
    EXPECT_FALSE(e.find("error")->as_string().empty());
  }
  EXPECT_NE(json_of(call(c, get("domain=192.0.2.1"))).find("error")->as_string().find(
                "not a domain"),
            std::string::npos);
}

TEST_F(CheckDomainTest, ExpiredEntriesAreCheckedAgainAndFailuresNotCached) {
  ControllerOptions o;
  ASSERT_TRUE(o.secure_ip.add("192.0.2.0/24"));  // where req() comes from
  o.checkdomain_cache_ttl = 0.05;
  DomainCheckService service(services_, nullptr, o);
  Controller c(dispatcher_, nullptr, o);
  service.attach(c);
  EXPECT_FALSE(json_of(call(c, get("domain=example.com"))).find("cached")->as_bool());
  EXPECT_TRUE(json_of(call(c, get("domain=example.com"))).find("cached")->as_bool());
  ::usleep(80000);
  EXPECT_FALSE(json_of(call(c, get("domain=example.com"))).find("cached")->as_bool());

  fake_->set_rcode("_dmarc.failing.example", dns::RrType::kTxt, dns::Rcode::kServFail);
  json::Value f = json_of(call(c, get("domain=failing.example")));
  EXPECT_TRUE(f.find("dns_failed")->as_bool());
  EXPECT_FALSE(json_of(call(c, get("domain=failing.example"))).find("cached")->as_bool());
}

TEST_F(CheckDomainTest, WithoutResolverServiceUnavailable) {
  services_.set_resolver(nullptr);
  ControllerOptions o;
  ASSERT_TRUE(o.secure_ip.add("192.0.2.0/24"));  // where req() comes from
  DomainCheckService service(services_, nullptr, o);
  Controller c(dispatcher_, nullptr, o);
  service.attach(c);
  EXPECT_EQ(call(c, get("domain=example.com"))->response.status, 503);
}

}  // namespace
}  // namespace mw::server
