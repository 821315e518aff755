// SPF record-tree analysis (src/auth/spf/analyze.h) for `mailward check-domain`.
#include <gtest/gtest.h>

#include <optional>

#include "auth/spf/analyze.h"
#include "dns/fake_resolver.h"
#include "spf_test_util.h"

namespace mw::auth::spf {
namespace {

class SpfAnalyzeTest : public ::testing::Test {
 protected:
  SpfAnalyzeTest() : dns_(dispatcher_) {}

  Analysis run(const std::string& domain, AnalyzeOptions opts = {}) {
    std::optional<Analysis> got;
    auto handle = analyze(dispatcher_, dns_, domain, opts, [&](Analysis a) { got = std::move(a); });
    dispatcher_.run();
    EXPECT_TRUE(got.has_value());
    return got ? *got : Analysis{};
  }

  static bool has_problem(const Analysis& a, std::string_view needle) {
    for (const auto& p : a.problems) {
      if (p.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  core::Dispatcher dispatcher_;
  dns::FakeResolver dns_;
};

TEST_F(SpfAnalyzeTest, CountsTheWholeTree) {
  dns_.add_txt("example.com", "v=spf1 mx include:_spf.example.com include:mail.example.net -all");
  dns_.add_mx("example.com", 10, "mx.example.com");
  dns_.add_txt("_spf.example.com", "v=spf1 ip4:192.0.2.0/24 a:out.example.com ~all");
  dns_.add_a("out.example.com", "192.0.2.1");
  dns_.add_txt("mail.example.net", "v=spf1 redirect=_spf.example.net");
  dns_.add_txt("_spf.example.net", "v=spf1 a mx ip6:2001:db8::/32 -all");
  dns_.add_a("_spf.example.net", "198.51.100.1");
  Analysis a = run("Example.COM.");
  EXPECT_EQ(a.domain, "example.com");
  EXPECT_EQ(a.lookups, 7u);  // mx, include, include | a | redirect | a, mx
  EXPECT_EQ(a.void_lookups, 1u);  // mx of _spf.example.net
  EXPECT_FALSE(a.over_limit);
  EXPECT_FALSE(a.over_void_limit);
  EXPECT_TRUE(a.problems.empty()) << a.problems.front();

  const TreeNode& root = a.root;
  EXPECT_EQ(root.status, LookupStatus::kFound);
  EXPECT_EQ(root.own_lookups, 3u);
  EXPECT_EQ(root.total_lookups, 7u);
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].via, "include:_spf.example.com");
  EXPECT_EQ(root.children[0].total_lookups, 1u);
  const TreeNode& mail = root.children[1];
  EXPECT_EQ(mail.domain, "mail.example.net");
  EXPECT_EQ(mail.own_lookups, 1u);
  ASSERT_EQ(mail.children.size(), 1u);
  EXPECT_EQ(mail.children[0].via, "redirect=_spf.example.net");
  EXPECT_EQ(mail.children[0].own_lookups, 2u);
  EXPECT_EQ(mail.children[0].void_lookups, 1u);
  EXPECT_EQ(mail.total_lookups, 3u);
}

TEST_F(SpfAnalyzeTest, ReportsTheProblemsOperatorsCareAbout) {
  dns_.add_txt("example.com",
               "v=spf1 ptr include:missing.example.com include:broken.example.com "
               "include:%{l}.users.example.com a:nx1.example.com a:nx2.example.com "
               "mx:many.example.com -all redirect=unused.example.com");
  dns_.add_a("missing.example.com", "192.0.2.1");  // exists, but has no SPF record
  dns_.add_txt("broken.example.com", "v=spf1 ip4:300.1.1.1 -all");
  for (int i = 0; i < 11; ++i) {
    dns_.add_mx("many.example.com", static_cast<uint16_t>(i),
                "mx" + std::to_string(i) + ".example");
  }
  Analysis a = run("example.com");
  EXPECT_EQ(a.lookups, 7u);  // ptr, 3 includes, 2 a, mx (redirect ignored)
  EXPECT_EQ(a.void_lookups, 2u);
  EXPECT_FALSE(a.over_void_limit);
  EXPECT_TRUE(has_problem(a, "SHOULD NOT be used"));
  EXPECT_TRUE(has_problem(a, "missing.example.com: no SPF record"));
  EXPECT_TRUE(has_problem(a, "broken.example.com: invalid ip4 network"));
  EXPECT_TRUE(has_problem(a, "depends on the message"));
  EXPECT_TRUE(has_problem(a, "11 MX records"));
  EXPECT_TRUE(has_problem(a, "redirect=unused.example.com is ignored"));
  ASSERT_EQ(a.root.children.size(), 2u);
  EXPECT_EQ(a.root.children[1].status, LookupStatus::kPermError);
}

TEST_F(SpfAnalyzeTest, OverTheLimitAndLoops) {
  dns_.add_txt("big.example", "v=spf1 include:a.example include:b.example a mx -all");
  dns_.add_txt("a.example", "v=spf1 a a a a -all");
  dns_.add_txt("b.example", "v=spf1 a a a a -all");
  for (const char* n : {"big.example", "a.example", "b.example"}) {
    dns_.add_a(n, "192.0.2.1");
    dns_.add_mx(n, 0, "mx.example");
  }
  Analysis big = run("big.example");
  EXPECT_EQ(big.lookups, 12u);
  EXPECT_TRUE(big.over_limit);
  EXPECT_TRUE(has_problem(big, "12 DNS-querying terms, more than the limit of 10"));

  dns_.add_txt("loop1.example", "v=spf1 include:loop2.example -all");
  dns_.add_txt("loop2.example", "v=spf1 redirect=loop1.example");
  Analysis loop = run("loop1.example");
  EXPECT_TRUE(loop.over_limit);
  EXPECT_TRUE(has_problem(loop, "loops back to loop1.example"));
}

TEST_F(SpfAnalyzeTest, MissingAndDuplicateRecords) {
  Analysis none = run("nothing.example");
  EXPECT_EQ(none.root.status, LookupStatus::kNone);
  EXPECT_TRUE(has_problem(none, "nothing.example"));

  dns_.add_txt("two.example", "v=spf1 -all");
  dns_.add_txt("two.example", "v=spf1 +all");
  Analysis two = run("two.example");
  EXPECT_EQ(two.root.status, LookupStatus::kPermError);
  EXPECT_TRUE(has_problem(two, "2 SPF records"));

  Analysis bad = run("not a domain");
  EXPECT_EQ(bad.root.status, LookupStatus::kNone);
  EXPECT_FALSE(bad.problems.empty());
}

TEST_F(SpfAnalyzeTest, RecordLimitBoundsHugeTrees) {
  // A chain of 30 includes: with max_records = 5 only the first five are fetched.
  for (int i = 0; i < 30; ++i) {
    dns_.add_txt("c" + std::to_string(i) + ".example",
                 "v=spf1 include:c" + std::to_string(i + 1) + ".example -all");
  }
  AnalyzeOptions opts;
  opts.max_records = 5;
  Analysis a = run("c0.example", opts);
  EXPECT_TRUE(has_problem(a, "not followed"));
  EXPECT_EQ(a.lookups, 5u);
  EXPECT_TRUE(dns_.queries().size() <= 5u);
}

TEST_F(SpfAnalyzeTest, JsonAndText) {
  dns_.add_txt("example.com", "v=spf1 include:_spf.example.com -all");
  dns_.add_txt("_spf.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
  Analysis a = run("example.com");
  json::Value j = a.to_json();
  EXPECT_EQ(j.find("lookups")->as_int(), 1);
  EXPECT_EQ(j.find("lookup_limit")->as_int(), 10);
  EXPECT_FALSE(j.find("over_limit")->as_bool(true));
  const json::Value* tree = j.find("tree");
  ASSERT_NE(tree, nullptr);
  EXPECT_EQ(tree->find("status")->as_string(), "found");
  ASSERT_EQ(tree->find("children")->size(), 1u);
  EXPECT_EQ(tree->find("children")->items()[0].find("via")->as_string(),
            "include:_spf.example.com");
  // Round trip through the writer: the output is valid JSON.
  EXPECT_TRUE(json::parse(json::write(j)));
  std::string text = a.to_text();
  EXPECT_NE(text.find("1/10 DNS lookups"), std::string::npos) << text;
  EXPECT_NE(text.find("include:_spf.example.com"), std::string::npos) << text;
}

TEST_F(SpfAnalyzeTest, CancelAndTimeout) {
  dns_.add_txt("example.com", "v=spf1 include:_spf.example.com -all");
  testutil::HoldingResolver holding(dns_);
  bool called = false;
  auto handle = analyze(dispatcher_, holding, "example.com", {}, [&](Analysis) { called = true; });
  handle.reset();
  EXPECT_EQ(holding.live(), 0);
  dispatcher_.run();
  EXPECT_FALSE(called);

  AnalyzeOptions opts;
  opts.timeout = 0.05;
  std::optional<Analysis> got;
  auto h2 = analyze(dispatcher_, holding, "example.com", opts, [&](Analysis a) { got = a; });
  dispatcher_.run();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(has_problem(*got, "ran out of time"));
}

}  // namespace
}  // namespace mw::auth::spf
