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
#include "dns/fake_resolver.h"
#include "server/controller_checkdomain.h"
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
  DomainCheckService service(services_, nullptr, o);
  Controller c(dispatcher_, nullptr, o);
  service.attach(c);
  EXPECT_EQ(call(c, get("domain=example.com"))->response.status, 503);
}

}  // namespace
}  // namespace mw::server
