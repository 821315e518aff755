// The controller: who may do what (passwords, secure_ip, unix socket), which route answers
// (order, conditions, store, fallback), and the route families against a real embedded store
// (status, outbound hold list, statistics, the dashboard's files).
#include "server/controller.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "../scan/engine_fixture.h"
#include "server/controller_routes.h"
#include "server/password.h"
#include "store/options.h"

namespace mw::server {
namespace {

namespace http = proto::http;
namespace fs = std::filesystem;

struct Sent {
  bool done = false;
  http::Response response;
};

class FakeResponder final : public http::Responder {
 public:
  explicit FakeResponder(std::shared_ptr<Sent> s) : s_(std::move(s)) {}
  void send(http::Response&& r) override {
    s_->done = true;
    s_->response = std::move(r);
  }
  bool cancelled() const override { return false; }
  void set_cancel_callback(std::function<void()>) override {}

 private:
  std::shared_ptr<Sent> s_;
};

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

TEST(ControllerAccess, PasswordsNetworksAndSockets) {
  core::Dispatcher d;
  ControllerOptions open;
  EXPECT_EQ(Controller(d, nullptr, open).access_of(req("/stat")), Access::kWrite);

  ControllerOptions one;
  one.password = hash("reader");
  Controller c1(d, nullptr, one);
  EXPECT_EQ(c1.access_of(req("/stat")), Access::kNone);
  EXPECT_EQ(c1.access_of(req("/stat", "wrong")), Access::kNone);
  EXPECT_EQ(c1.access_of(req("/stat", "reader")), Access::kWrite);  // no enable_password

  ControllerOptions two = one;
  two.enable_password = hash("writer");
  Controller c2(d, nullptr, two);
  EXPECT_EQ(c2.access_of(req("/stat", "reader")), Access::kRead);
  EXPECT_EQ(c2.access_of(req("/stat", "writer")), Access::kWrite);
  http::Request query = req("/stat");
  query.query = {{"password", "writer"}};
  EXPECT_EQ(c2.access_of(query), Access::kWrite);

  ControllerOptions enable_only;
  enable_only.enable_password = hash("writer");
  Controller c3(d, nullptr, enable_only);
  EXPECT_EQ(c3.access_of(req("/stat")), Access::kRead);
  EXPECT_EQ(c3.access_of(req("/stat", "wrong")), Access::kRead);
  EXPECT_EQ(c3.access_of(req("/stat", "writer")), Access::kWrite);

  ControllerOptions trusted = two;
  ASSERT_TRUE(trusted.secure_ip.add("192.0.2.0/24"));
  Controller c4(d, nullptr, trusted);
  EXPECT_EQ(c4.access_of(req("/stat")), Access::kWrite);
  EXPECT_EQ(c4.access_of(req("/stat", "", "198.51.100.1")), Access::kNone);
  http::Request unix_peer = req("/stat", "", "");
  unix_peer.peer.unix_socket = true;
  EXPECT_EQ(c2.access_of(unix_peer), Access::kWrite);
}

// ---- routing ---------------------------------------------------------------------------------

class RoutingTest : public ::testing::Test {
 protected:
  std::shared_ptr<Sent> call(Controller& c, http::Request r) {
    auto s = std::make_shared<Sent>();
    c.handle(std::move(r), std::make_unique<FakeResponder>(s));
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
  EXPECT_EQ(call(c, req("/write", "reader"))->response.status, 403);
  EXPECT_EQ(call(c, req("/write", "writer"))->response.body, "write");
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
    o.web_dir = dir_ + "/web";
    o.version = "9.9";
    auto c = std::make_unique<Controller>(dispatcher_, with_store ? store_.get() : nullptr, o);
    add_status_routes(*c, *engine_);
    add_outbound_routes(*c);
    add_scan_routes(*c, *engine_, services_, nullptr);
    add_stats_routes(*c, *engine_);
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
  // Without a store: statistics and the dashboard answer 503.
  EXPECT_EQ(call(*c, req("/stat"))->response.status, 503);
  EXPECT_EQ(call(*c, req("/"))->response.status, 503);
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
  EXPECT_EQ(call(*c, req("/outbound/release"))->response.status, 400);  // no user
  http::Request release = req("/outbound/release");
  release.query = {{"user", "taro"}};
  json::Value released = json_of(call(*c, std::move(release)));
  EXPECT_EQ(released.find("user")->as_string(), "taro");
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
  EXPECT_TRUE(json_of(call(*c, req("/statreset"))).find("success")->as_bool());
  EXPECT_TRUE(json_of(call(*c, req("/historyreset"))).find("success")->as_bool());
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
  http::Request post = req("/index.html");
  post.method = "POST";
  EXPECT_EQ(call(*c, std::move(post))->response.status, 404);
}

}  // namespace
}  // namespace mw::server
