// Settings (scan/settings.h): the apply block, matchers, networks, profiles from the
// configuration and their conditions, and what a task gets from them.
#include "scan/settings.h"

#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "scan_test_util.h"

namespace mw::scan {
namespace {

using testing::add_symbol;
using testing::has_symbol;
using testing::inserts;
using testing::ScanHarness;
using testing::settings_id;
using testing::symbol_score;

json::Value parse(const std::string& text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::Value();
}

// ---------------------------------------------------------------------------------------
// The apply block

TEST(Applied, EveryKeyOfTheApplyBlock) {
  auto a = applied_from_json(parse(R"({
    "SYM_A": 2.5,
    "scores": {"SYM_B": -1},
    "actions": {"reject": 20, "greylist": false, "add header": null},
    "symbols_enabled": ["E1", "E2"], "symbols_disabled": "D1",
    "groups_enabled": ["ge"], "groups_disabled": ["gd"],
    "symbols": ["ADD_ME"], "subject": "[SPAM] %s", "want_spam": true,
    "id": "ignored", "priority": 3})"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->any);
  EXPECT_DOUBLE_EQ(a->scores.at("SYM_A"), 2.5);
  EXPECT_DOUBLE_EQ(a->scores.at("SYM_B"), -1);
  ASSERT_EQ(a->actions.size(), 3u);
  EXPECT_EQ(a->actions[0].first, Action::kReject);
  EXPECT_EQ(a->actions[0].second, 20.0);
  EXPECT_EQ(a->actions[1].second, std::nullopt);  // false: the action is switched off
  EXPECT_EQ(a->actions[2].first, Action::kAddHeader);
  EXPECT_EQ(a->actions[2].second, std::nullopt);
  EXPECT_EQ(a->symbols_enabled, (std::vector<std::string>{"E1", "E2"}));
  EXPECT_EQ(a->symbols_disabled, (std::vector<std::string>{"D1"}));  // a single string
  EXPECT_EQ(a->groups_enabled, (std::vector<std::string>{"ge"}));
  EXPECT_EQ(a->groups_disabled, (std::vector<std::string>{"gd"}));
  EXPECT_EQ(a->symbols_add, (std::vector<std::string>{"ADD_ME"}));
  EXPECT_EQ(a->subject, "[SPAM] %s");
  EXPECT_TRUE(a->want_spam);
}

TEST(Applied, TheApplyWrapperIsAccepted) {
  auto a = applied_from_json(parse(R"({"apply": {"X": 1}, "priority": "high"})"));
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(a->scores.at("X"), 1);
}

TEST(Applied, BadValuesAreRefusedWithTheKey) {
  struct Case {
    const char* json;
    const char* says;
  } cases[] = {
      {R"([1])", "settings must be an object"},
      {R"({"apply": 3})", "apply must be an object"},
      {R"({"actions": 1})", "actions must be an object"},
      {R"({"actions": {"explode": 1}})", "explode"},
      {R"({"actions": {"reject": "high"}})", "threshold of reject"},
      {R"({"symbols_enabled": 1})", "symbols_enabled must be a list"},
      {R"({"symbols_disabled": [1]})", "symbols_disabled must hold strings"},
      {R"({"subject": 1})", "subject must be a string"},
      {R"({"scores": {"X": "a lot"}})", "score of X"},
      {R"({"frobnicate": "yes"})", "unknown settings key 'frobnicate'"},
  };
  for (const auto& c : cases) {
    auto a = applied_from_json(parse(c.json));
    ASSERT_FALSE(a) << c.json;
    EXPECT_NE(a.error().message.find(c.says), std::string::npos)
        << c.json << ": " << a.error().message;
  }
}

TEST(Applied, MergeLaterWinsListsAppend) {
  auto a = applied_from_json(parse(R"({"X": 1, "Y": 1, "symbols_disabled": ["D1"],
                                       "subject": "one", "actions": {"reject": 10}})"));
  auto b = applied_from_json(parse(R"({"Y": 5, "symbols_disabled": ["D2"], "want_spam": true,
                                       "actions": {"reject": 12}})"));
  ASSERT_TRUE(a && b);
  a->id = "first";
  b->id = "second";
  a->merge(*b);
  EXPECT_EQ(a->id, "first,second");
  EXPECT_DOUBLE_EQ(a->scores.at("X"), 1);
  EXPECT_DOUBLE_EQ(a->scores.at("Y"), 5);
  EXPECT_EQ(a->symbols_disabled, (std::vector<std::string>{"D1", "D2"}));
  EXPECT_EQ(a->subject, "one");  // b has none
  EXPECT_TRUE(a->want_spam);
  ASSERT_EQ(a->actions.size(), 2u);  // applied in order: the later threshold wins
  EXPECT_EQ(a->actions.back().second, 12.0);
  Applied empty;
  a->merge(empty);  // nothing to merge
  EXPECT_EQ(a->id, "first,second");
}

// ---------------------------------------------------------------------------------------
// Matchers and networks

TEST(StringMatcher, ExactDomainAndRegexp) {
  auto exact = StringMatcher::make("Boss@Example.COM");
  ASSERT_TRUE(exact);
  EXPECT_TRUE(exact->matches("boss@example.com"));
  EXPECT_FALSE(exact->matches("boss@example.com.evil"));
  auto domain = StringMatcher::make("@Example.com");
  ASSERT_TRUE(domain);
  EXPECT_TRUE(domain->matches("anyone@EXAMPLE.com"));
  EXPECT_TRUE(domain->matches("example.com"));  // a bare domain (HELO, hostname)
  EXPECT_FALSE(domain->matches("anyone@sub.example.com"));
  auto re = StringMatcher::make("/^mx\\d+\\./i");
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->matches("MX12.example.net"));
  EXPECT_FALSE(re->matches("smtp.example.net"));
  EXPECT_FALSE(StringMatcher::make("/(/"));
}

TEST(IpNetworks, AddressesAndPrefixes) {
  IpNetworks n;
  ASSERT_TRUE(n.add("192.0.2.0/24"));
  ASSERT_TRUE(n.add("2001:db8::/32"));
  ASSERT_TRUE(n.add("198.51.100.7"));
  ASSERT_TRUE(n.add("[2001:db8:ffff::1]"));
  EXPECT_TRUE(n.contains("192.0.2.255"));
  EXPECT_FALSE(n.contains("192.0.3.1"));
  EXPECT_TRUE(n.contains("2001:db8:1234::5"));
  EXPECT_FALSE(n.contains("2001:db9::1"));
  EXPECT_TRUE(n.contains("198.51.100.7"));
  EXPECT_FALSE(n.contains("198.51.100.8"));
  EXPECT_TRUE(n.contains("::ffff:192.0.2.9"));  // IPv4-mapped matches the IPv4 network
  EXPECT_FALSE(n.contains("not an address"));
  IpNetworks mapped;
  ASSERT_TRUE(mapped.add("::ffff:10.0.0.0/104"));  // a mapped network is an IPv4 /8
  EXPECT_TRUE(mapped.contains("10.20.30.40"));
  EXPECT_FALSE(mapped.contains("11.0.0.1"));
  IpNetworks odd;
  ASSERT_TRUE(odd.add("10.1.2.3/13"));  // prefixes that do not end on a byte
  EXPECT_TRUE(odd.contains("10.7.255.255"));
  EXPECT_FALSE(odd.contains("10.8.0.0"));
}

TEST(IpNetworks, BadNetworksAreRefused) {
  IpNetworks n;
  EXPECT_FALSE(n.add("192.0.2.0/33"));
  EXPECT_FALSE(n.add("192.0.2.0/"));
  EXPECT_FALSE(n.add("192.0.2.0/x"));
  EXPECT_FALSE(n.add("2001:db8::/129"));
  EXPECT_FALSE(n.add("example.com"));
  EXPECT_TRUE(n.empty());
}

TEST(Envelope, RequestHeadersAreCaseInsensitive) {
  Envelope env;
  env.request_headers = {{"X-Tenant", "blue"}};
  ASSERT_NE(env.request_header("x-tenant"), nullptr);
  EXPECT_EQ(*env.request_header("X-TENANT"), "blue");
  EXPECT_EQ(env.request_header("X-Other"), nullptr);
}

// ---------------------------------------------------------------------------------------
// Profiles from the configuration

Result<SettingsSet> load(const std::string& toml, const IpNetworks& local = {}) {
  ScanHarness h;
  std::vector<core::ConfigIssue> issues;
  auto cfg = core::Config::from_string(h.schema(), toml, issues);
  if (!cfg) return fail(ErrorCode::kInvalidInput, issues.empty() ? "" : issues[0].to_string());
  return SettingsSet::load(**cfg, local);
}

TEST(SettingsSet, PriorityOrderAndIds) {
  auto s = load("[settings.low]\npriority = \"low\"\nfrom = \"@example.com\"\n"
                "[settings.high]\npriority = \"high\"\nfrom = \"@example.com\"\n"
                "[settings.num]\npriority = 10\nfrom = \"@example.com\"\n"
                "[settings.idonly.apply]\nX = 1\n");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->profiles().size(), 4u);
  EXPECT_EQ(s->profiles()[0].name, "num");
  EXPECT_EQ(s->profiles()[1].name, "high");
  EXPECT_EQ(s->profiles()[2].name, "low");
  EXPECT_EQ(s->profiles()[3].name, "idonly");  // no priority: 0
  Envelope env;
  env.from = "a@example.com";
  ASSERT_NE(s->match(env, nullptr), nullptr);
  EXPECT_EQ(s->match(env, nullptr)->name, "num");
  // A profile without conditions is chosen only by its id.
  ASSERT_NE(s->by_id("idonly"), nullptr);
  EXPECT_DOUBLE_EQ(s->by_id("idonly")->apply.scores.at("X"), 1);
  EXPECT_EQ(s->by_id("idonly")->apply.id, "idonly");
  EXPECT_EQ(s->by_id("nope"), nullptr);
  env.from = "a@example.org";
  EXPECT_EQ(s->match(env, nullptr), nullptr);
}

TEST(SettingsSet, EnvelopeConditionsAllMustHold) {
  IpNetworks local;
  ASSERT_TRUE(local.add("10.0.0.0/8"));
  auto s = load("[settings.p]\nfrom = [\"@a.example\", \"/^boss@/\"]\nrcpt = \"@b.example\"\n"
                "user = \"taro\"\nhostname = \"@client.example\"\nhelo = \"mx1.client.example\"\n"
                "ip = [\"192.0.2.0/24\", \"10.0.0.1\"]\nauthenticated = true\nlocal = false\n"
                "request_header = { X-Tenant = \"/^blue$/\" }\n",
                local);
  ASSERT_TRUE(s) << s.error().message;
  Envelope env;
  env.from = "x@a.example";
  env.rcpts = {"c@c.example", "d@b.example"};  // any recipient may match
  env.user = "taro";
  env.hostname = "client.example";
  env.helo = "mx1.client.example";
  env.ip = "192.0.2.5";
  env.request_headers = {{"x-tenant", "blue"}};
  ASSERT_NE(s->match(env, nullptr), nullptr);
  auto without = [&](auto change) {
    Envelope e = env;
    change(e);
    return s->match(e, nullptr) == nullptr;
  };
  EXPECT_TRUE(without([](Envelope& e) { e.from = "x@z.example"; }));
  EXPECT_FALSE(without([](Envelope& e) { e.from = "boss@z.example"; }));  // the regexp
  EXPECT_TRUE(without([](Envelope& e) { e.rcpts = {"c@c.example"}; }));
  EXPECT_TRUE(without([](Envelope& e) { e.user.clear(); }));
  EXPECT_TRUE(without([](Envelope& e) { e.hostname = "other.example"; }));
  EXPECT_TRUE(without([](Envelope& e) { e.helo = "mx2.client.example"; }));
  EXPECT_TRUE(without([](Envelope& e) { e.ip = "198.51.100.1"; }));
  EXPECT_TRUE(without([](Envelope& e) { e.ip = "10.0.0.1"; }));  // in ip, but local
  EXPECT_TRUE(without([](Envelope& e) { e.request_headers = {{"X-Tenant", "red"}}; }));
  EXPECT_TRUE(without([](Envelope& e) { e.request_headers.clear(); }));
}

TEST(SettingsSet, InverseMatchesWhenTheConditionsDoNot) {
  auto s = load("[settings.outside]\ninverse = true\nip = \"192.0.2.0/24\"\n");
  ASSERT_TRUE(s);
  Envelope in, out;
  in.ip = "192.0.2.1";
  out.ip = "198.51.100.1";
  EXPECT_EQ(s->match(in, nullptr), nullptr);
  ASSERT_NE(s->match(out, nullptr), nullptr);
}

TEST(SettingsSet, ErrorsNameTheProfileAndKey) {
  auto bad_re = load("[settings.p]\nfrom = \"/(/\"\n");
  ASSERT_FALSE(bad_re);
  EXPECT_NE(bad_re.error().message.find("settings.p.from"), std::string::npos)
      << bad_re.error().message;
  auto bad_ip = load("[settings.q]\nip = \"192.0.2.0/40\"\n");
  ASSERT_FALSE(bad_ip);
  EXPECT_NE(bad_ip.error().message.find("192.0.2.0/40"), std::string::npos);
  auto bad_apply = load("[settings.r.apply]\nsubject = 3\n");
  ASSERT_FALSE(bad_apply);
  EXPECT_NE(bad_apply.error().message.find("settings.r.apply: subject must be a string"),
            std::string::npos)
      << bad_apply.error().message;
  auto bad_header = load("[settings.s]\nheader = { Subject = 1 }\n");
  ASSERT_FALSE(bad_header);
  EXPECT_NE(bad_header.error().message.find("settings.s.header.Subject must be a string"),
            std::string::npos)
      << bad_header.error().message;
}

// ---------------------------------------------------------------------------------------
// What a task gets (message conditions need the parsed message)

constexpr const char* kMessage =
    "From: Boss <boss@corp.example>\r\nTo: b@example.net\r\nSubject: [urgent] pay now\r\n\r\n"
    "body\r\n";

class SettingsTaskTest : public ::testing::Test {
 protected:
  void build(const std::string& settings) {
    Status st = h_.build("[symbols.A]\nscore = 3.0\n[symbols.B]\nscore = 4.0\n" + settings,
                         [](Engine& e) -> Status {
                           MW_TRY(add_symbol(e, "A", inserts("A")));
                           return add_symbol(e, "B", inserts("B"));
                         });
    ASSERT_TRUE(st) << st.error().message;
  }
  ScanHarness h_;
};

TEST_F(SettingsTaskTest, MessageHeaderAndMimeFromConditions) {
  build("[settings.bec]\nfrom_mime = \"@corp.example\"\nheader = { Subject = \"/urgent/i\" }\n"
        "[settings.bec.apply]\nA = 10.0\nsymbols_disabled = [\"B\"]\n");
  auto t = h_.run(kMessage);
  EXPECT_EQ(settings_id(*t), "bec");
  EXPECT_DOUBLE_EQ(symbol_score(*t, "A"), 10.0);
  EXPECT_FALSE(has_symbol(*t, "B"));
  auto other = h_.run("From: someone@else.example\r\nSubject: [urgent]\r\n\r\nx\r\n");
  EXPECT_EQ(settings_id(*other), "");
  EXPECT_DOUBLE_EQ(symbol_score(*other, "A"), 3.0);
  EXPECT_TRUE(has_symbol(*other, "B"));
}

TEST_F(SettingsTaskTest, SettingsIdWinsOverMatchingAndInlineJsonMergesOnTop) {
  build("[settings.byid.apply]\nA = 1.0\n"
        "[settings.matched]\nfrom_mime = \"@corp.example\"\n[settings.matched.apply]\nA = 9.0\n");
  Envelope env;
  env.settings_id = "byid";
  env.settings_json = R"({"B": 0.5})";
  auto t = h_.run(kMessage, env);
  EXPECT_DOUBLE_EQ(symbol_score(*t, "A"), 1.0);
  EXPECT_DOUBLE_EQ(symbol_score(*t, "B"), 0.5);
}

TEST_F(SettingsTaskTest, AllowListModeRunsOnlyTheEnabledSymbols) {
  build("[settings.only_a.apply]\nsymbols_enabled = [\"A\"]\n");
  Envelope env;
  env.settings_id = "only_a";
  auto t = h_.run(kMessage, env);
  EXPECT_TRUE(has_symbol(*t, "A"));
  EXPECT_FALSE(has_symbol(*t, "B"));
}

}  // namespace
}  // namespace mw::scan
