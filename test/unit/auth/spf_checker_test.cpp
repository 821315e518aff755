// spf::Checker behaviour beyond the conformance suite: the calling contract (never
// synchronous, cancellation, time limit), identities, limits and what the verdict reports.
#include <gtest/gtest.h>

#include <optional>

#include "auth/spf/checker.h"
#include "auth/spf/options.h"
#include "core/config.h"
#include "dns/fake_resolver.h"
#include "spf_test_util.h"

namespace mw::auth::spf {
namespace {

class SpfCheckerTest : public ::testing::Test {
 protected:
  SpfCheckerTest() : dns_(dispatcher_) {}

  Verdict run(Request req, Options opts = {}, dns::Resolver* resolver = nullptr) {
    Checker checker(dispatcher_, resolver ? *resolver : dns_, opts,
                    [] { return int64_t{1700000000}; });
    std::optional<Verdict> v;
    auto handle = checker.check(std::move(req), [&](Verdict got) { v = std::move(got); });
    dispatcher_.run();
    EXPECT_TRUE(v.has_value());
    return v ? *v : Verdict{};
  }

  static Request from(const char* ip, const char* mail_from, const char* helo = "mx.example") {
    Request r;
    r.ip = *IpAddress::parse(ip);
    r.mail_from = mail_from;
    r.helo = helo;
    return r;
  }

  core::Dispatcher dispatcher_;
  dns::FakeResolver dns_;
};

TEST_F(SpfCheckerTest, PassReportsMechanismRecordAndCounts) {
  dns_.add_txt("example.com", "v=spf1 a:nx1.example.com mx include:_spf.example.com -all");
  dns_.add_mx("example.com", 10, "mx1.example.com");
  dns_.add_a("mx1.example.com", "192.0.2.10");
  dns_.add_txt("_spf.example.com", "v=spf1 ip4:198.51.100.0/24 -all");
  Verdict v = run(from("198.51.100.7", "alice@Example.COM"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.domain, "example.com");
  EXPECT_EQ(v.sender, "alice@Example.COM");
  EXPECT_EQ(v.mechanism, "include:_spf.example.com");
  EXPECT_EQ(v.matched_domain, "example.com");
  EXPECT_EQ(v.record, "v=spf1 a:nx1.example.com mx include:_spf.example.com -all");
  EXPECT_EQ(v.dns_lookups, 3u);   // a, mx, include
  EXPECT_EQ(v.void_lookups, 1u);  // a:nx1
  EXPECT_EQ(v.queries, 5u);       // TXT, A nx1, MX, A mx1, TXT _spf
  EXPECT_TRUE(v.explanation.empty());
}

TEST_F(SpfCheckerTest, FailCarriesTheDomainExplanation) {
  dns_.add_txt("example.com", "v=spf1 -all exp=why.example.com");
  dns_.add_txt("why.example.com", "%{i} may not send for %{d} (%{c}, %{t})");
  Verdict v = run(from("192.0.2.1", "bob@example.com"));
  EXPECT_EQ(v.result, SpfResult::kFail);
  EXPECT_EQ(v.explanation, "192.0.2.1 may not send for example.com (192.0.2.1, 1700000000)");
  EXPECT_TRUE(v.explanation_from_domain);
  EXPECT_EQ(v.mechanism, "-all");
}

TEST_F(SpfCheckerTest, ExplanationTroubleFallsBackToTheDefault) {
  dns_.add_txt("example.com", "v=spf1 -all exp=why.example.com");
  dns_.set_rcode("why.example.com", dns::RrType::kTxt, dns::Rcode::kServFail);
  Options opts;
  opts.default_explanation = "see https://postmaster.example.net/spf?ip=%{i}&d=%{d}";
  Verdict v = run(from("192.0.2.1", "bob@example.com"), opts);
  EXPECT_EQ(v.result, SpfResult::kFail);  // exp failures never change the result
  EXPECT_EQ(v.explanation, "see https://postmaster.example.net/spf?ip=192.0.2.1&d=example.com");
  EXPECT_FALSE(v.explanation_from_domain);
}

TEST_F(SpfCheckerTest, NullSenderChecksPostmasterAtHelo) {
  dns_.add_txt("mx.example.org", "v=spf1 a -all");
  dns_.add_a("mx.example.org", "192.0.2.25");
  Verdict v = run(from("192.0.2.25", "", "mx.example.org."));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.identity, Identity::kMailFrom);
  EXPECT_EQ(v.domain, "mx.example.org");
  EXPECT_EQ(v.sender, "postmaster@mx.example.org");
}

TEST_F(SpfCheckerTest, HeloIdentityIgnoresMailFrom) {
  dns_.add_txt("mx.example.org", "v=spf1 ip4:192.0.2.0/24 -all");
  dns_.add_txt("example.com", "v=spf1 -all");
  Request req = from("192.0.2.25", "someone@example.com", "mx.example.org");
  req.identity = Identity::kHelo;
  Verdict v = run(req);
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.identity, Identity::kHelo);
  EXPECT_EQ(v.domain, "mx.example.org");
  EXPECT_EQ(identity_name(v.identity), "helo");
}

TEST_F(SpfCheckerTest, UncheckableDomainsGiveNoneWithoutQueries) {
  for (const char* mf : {"a@[192.0.2.1]", "a@localhost", "a@bad..example", "a@"}) {
    Verdict v = run(from("192.0.2.1", mf));
    EXPECT_EQ(v.result, SpfResult::kNone) << mf;
    EXPECT_FALSE(v.problem.empty()) << mf;
  }
  EXPECT_TRUE(dns_.queries().empty());
}

TEST_F(SpfCheckerTest, Ipv4MappedClientIsIpv4) {
  dns_.add_txt("example.com", "v=spf1 ip6:::ffff:0:0/96 ip4:192.0.2.0/24 -all");
  Verdict v = run(from("::ffff:192.0.2.9", "a@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.mechanism, "ip4:192.0.2.0/24");
}

TEST_F(SpfCheckerTest, IncludeResultTable) {
  // RFC 7208 5.2: pass matches; fail/softfail/neutral do not; temperror and permerror
  // propagate; none becomes permerror.
  dns_.add_txt("pass.example", "v=spf1 +all");
  dns_.add_txt("fail.example", "v=spf1 -all");
  dns_.add_txt("soft.example", "v=spf1 ~all");
  dns_.add_txt("neutral.example", "v=spf1 ?all");
  dns_.set_rcode("temp.example", dns::RrType::kTxt, dns::Rcode::kServFail);
  dns_.add_txt("perm.example", "v=spf1 bogus");
  dns_.add_txt("none.example", "not spf");
  struct Case {
    const char* target;
    SpfResult expected;
  } cases[] = {{"pass", SpfResult::kFail},          {"fail", SpfResult::kSoftFail},
               {"soft", SpfResult::kSoftFail},      {"neutral", SpfResult::kSoftFail},
               {"temp", SpfResult::kTempError},     {"perm", SpfResult::kPermError},
               {"none", SpfResult::kPermError}};
  for (const auto& c : cases) {
    std::string domain = std::string("t-") + c.target + ".example";
    dns_.add_txt(domain, std::string("v=spf1 -include:") + c.target + ".example ~all");
    Verdict v = run(from("192.0.2.1", ("x@" + domain).c_str()));
    EXPECT_EQ(v.result, c.expected) << c.target << ": " << v.problem;
  }
}

TEST_F(SpfCheckerTest, RedirectReportsTheTargetDomain) {
  dns_.add_txt("example.com", "v=spf1 ip4:203.0.113.1 redirect=_spf.example.net");
  dns_.add_txt("_spf.example.net", "v=spf1 ip4:192.0.2.0/24 -all");
  Verdict v = run(from("192.0.2.3", "a@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.matched_domain, "_spf.example.net");
  EXPECT_EQ(v.domain, "example.com");
  EXPECT_EQ(v.dns_lookups, 1u);
}

TEST_F(SpfCheckerTest, ConfigurableLimits) {
  dns_.add_txt("example.com", "v=spf1 a a a -all");
  dns_.add_a("example.com", "203.0.113.1");
  Options opts;
  opts.max_dns_mechanisms = 2;
  Verdict v = run(from("192.0.2.1", "a@example.com"), opts);
  EXPECT_EQ(v.result, SpfResult::kPermError);
  EXPECT_EQ(v.dns_lookups, 2u);
  EXPECT_NE(v.problem.find("DNS-querying"), std::string::npos);

  dns_.add_txt("void.example", "v=spf1 a:n1.void.example a:n2.void.example -all");
  opts = Options{};
  opts.max_void_lookups = 1;
  v = run(from("192.0.2.1", "a@void.example"), opts);
  EXPECT_EQ(v.result, SpfResult::kPermError);
  EXPECT_EQ(v.void_lookups, 1u);
}

TEST_F(SpfCheckerTest, DnsFailuresAreTemperror) {
  dns_.add_txt("example.com", "v=spf1 mx -all");
  dns_.set_rcode("example.com", dns::RrType::kMx, dns::Rcode::kServFail);
  EXPECT_EQ(run(from("192.0.2.1", "a@example.com")).result, SpfResult::kTempError);

  dns_.add_txt("budget.example", "v=spf1 a -all");
  dns_.set_rcode("budget.example", dns::RrType::kA, dns::Rcode::kBudget);
  EXPECT_EQ(run(from("192.0.2.1", "a@budget.example")).result, SpfResult::kTempError);

  // RFC 7208 5.5: a failing PTR lookup just means "ptr" does not match.
  dns_.add_txt("ptr.example", "v=spf1 ptr ?all");
  dns_.set_rcode("1.2.0.192.in-addr.arpa", dns::RrType::kPtr, dns::Rcode::kServFail);
  EXPECT_EQ(run(from("192.0.2.1", "a@ptr.example")).result, SpfResult::kNeutral);
}

TEST_F(SpfCheckerTest, MxAddressesAreLookedUpOncePerName) {
  dns_.add_txt("example.com", "v=spf1 mx -all");
  for (int i = 0; i < 5; ++i) {
    dns_.add_mx("example.com", static_cast<uint16_t>(i), "mx.example.com");
  }
  dns_.add_a("mx.example.com", "192.0.2.5");
  Verdict v = run(from("192.0.2.5", "a@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.queries, 3u);  // TXT, MX, one A
}

TEST_F(SpfCheckerTest, CallbackIsNeverSynchronous) {
  Checker checker(dispatcher_, dns_, {});
  bool called = false;
  auto handle = checker.check(from("192.0.2.1", "a@[192.0.2.1]"), [&](Verdict) { called = true; });
  EXPECT_FALSE(called);  // an immediate "none" still arrives from the loop
  dispatcher_.run();
  EXPECT_TRUE(called);
}

TEST_F(SpfCheckerTest, DestroyingTheHandleCancelsEverything) {
  dns_.add_txt("example.com", "v=spf1 a mx -all");
  testutil::HoldingResolver holding(dns_);
  Checker checker(dispatcher_, holding, {});
  bool called = false;
  auto handle = checker.check(from("192.0.2.1", "a@example.com"), [&](Verdict) { called = true; });
  EXPECT_EQ(holding.live(), 1);
  holding.release_all();
  dispatcher_.run_once_nonblock();  // the TXT answer arrives; "a" is asked next
  EXPECT_EQ(holding.issued(), 2);
  handle.reset();
  EXPECT_EQ(holding.live(), 0);  // nothing left behind
  holding.release_all();
  dispatcher_.run();
  EXPECT_FALSE(called);

  // Cancelled before even the first answer (the immediate-result path too).
  auto h2 = checker.check(from("192.0.2.1", "a@[1.2.3.4]"), [&](Verdict) { called = true; });
  h2.reset();
  dispatcher_.run();
  EXPECT_FALSE(called);
}

TEST_F(SpfCheckerTest, TimeLimitGivesTemperrorAndCancelsLookups) {
  dns_.add_txt("example.com", "v=spf1 a -all");
  testutil::HoldingResolver holding(dns_);
  Options opts;
  opts.timeout = 0.05;
  Checker checker(dispatcher_, holding, opts);
  std::optional<Verdict> v;
  auto handle = checker.check(from("192.0.2.1", "a@example.com"), [&](Verdict got) { v = got; });
  double start = dispatcher_.monotonic();
  dispatcher_.run();  // nothing is ever answered: only the timer ends this
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->result, SpfResult::kTempError);
  EXPECT_GE(dispatcher_.monotonic() - start, 0.04);
  EXPECT_NE(v->problem.find("time"), std::string::npos);
  EXPECT_EQ(holding.pending(), 0u);  // the outstanding lookup was cancelled
}

TEST_F(SpfCheckerTest, TimeLimitDuringExplanationKeepsFail) {
  dns_.add_txt("example.com", "v=spf1 -all exp=why.example.com");
  dns_.add_txt("why.example.com", "never seen");
  testutil::HoldingResolver holding(dns_);
  Options opts;
  opts.timeout = 0.05;
  opts.default_explanation = "default for %{d}";
  Checker checker(dispatcher_, holding, opts);
  std::optional<Verdict> v;
  auto handle = checker.check(from("192.0.2.1", "a@example.com"), [&](Verdict got) { v = got; });
  holding.release_all();              // the TXT record only
  dispatcher_.run_once_nonblock();
  dispatcher_.run();                  // the exp lookup is held until the timer fires
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->result, SpfResult::kFail);
  EXPECT_EQ(v->explanation, "default for example.com");
}

TEST_F(SpfCheckerTest, CallbackMayDestroyTheHandle) {
  dns_.add_txt("example.com", "v=spf1 -all");
  Checker checker(dispatcher_, dns_, {});
  EvaluationPtr handle;
  int calls = 0;
  handle = checker.check(from("192.0.2.1", "a@example.com"), [&](Verdict) {
    ++calls;
    handle.reset();
  });
  dispatcher_.run();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(handle, nullptr);
}

TEST_F(SpfCheckerTest, ConcurrentChecksAreIndependent) {
  dns_.add_txt("a.example", "v=spf1 ip4:192.0.2.1 -all");
  dns_.add_txt("b.example", "v=spf1 include:a.example ~all");
  Checker checker(dispatcher_, dns_, {});
  std::vector<Verdict> out(20);
  std::vector<EvaluationPtr> handles;
  for (int i = 0; i < 20; ++i) {
    const char* mf = i % 2 ? "x@a.example" : "x@b.example";
    const char* ip = i % 3 ? "192.0.2.1" : "192.0.2.2";
    handles.push_back(checker.check(from(ip, mf), [&out, i](Verdict v) { out[i] = v; }));
  }
  dispatcher_.run();
  for (int i = 0; i < 20; ++i) {
    SpfResult want = i % 3 ? SpfResult::kPass : (i % 2 ? SpfResult::kFail : SpfResult::kSoftFail);
    EXPECT_EQ(out[i].result, want) << i;
  }
}

TEST_F(SpfCheckerTest, PtrAndPMacroShareOneValidation) {
  dns_.add_txt("example.com", "v=spf1 exists:%{p}.allow.example.com ptr:example.com -all");
  dns_.add_ptr("9.2.0.192.in-addr.arpa", "mail.example.com");
  dns_.add_a("mail.example.com", "192.0.2.9");
  Verdict v = run(from("192.0.2.9", "a@example.com"));
  EXPECT_EQ(v.result, SpfResult::kPass);
  EXPECT_EQ(v.mechanism, "ptr:example.com");
  EXPECT_EQ(v.void_lookups, 1u);  // exists:mail.example.com.allow.example.com
  EXPECT_EQ(v.queries, 4u);       // TXT, PTR, A mail (once), A exists
}

TEST(SpfOptions, DeclaredDefaultsAndValidation) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  auto cfg = core::Config::from_string(schema, "", issues);
  ASSERT_TRUE(cfg);
  auto o = options_from(**cfg);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->max_dns_mechanisms, 10u);
  EXPECT_EQ(o->max_void_lookups, 2u);
  EXPECT_EQ(o->max_mx_names, 10u);
  EXPECT_EQ(o->max_ptr_names, 10u);
  EXPECT_DOUBLE_EQ(o->timeout, 5.0);
  EXPECT_EQ(o->default_explanation, "");

  auto custom = core::Config::from_string(
      schema,
      "[options.spf]\nmax_dns_mechanisms = 20\ntimeout = \"20s\"\n"
      "default_explanation = \"%{i} is not allowed for %{d}\"\n",
      issues);
  ASSERT_TRUE(custom);
  auto c = options_from(**custom);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->max_dns_mechanisms, 20u);
  EXPECT_DOUBLE_EQ(c->timeout, 20.0);

  auto bad = core::Config::from_string(
      schema, "[options.spf]\ndefault_explanation = \"100%\"\n", issues);
  ASSERT_TRUE(bad);
  EXPECT_FALSE(options_from(**bad));
}

}  // namespace
}  // namespace mw::auth::spf
