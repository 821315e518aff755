// The ValiMail ARC conformance suite (test/data/arc, see its SOURCE.md), converted from
// YAML to JSON at build time by arc_yaml_to_json.py:
//   - arc-draft-validation-tests.yml: every test's message (LF -> CRLF) validated with the
//     scenario's txt-records in a FakeResolver must give the expected cv (case-insensitive;
//     the three tests with an empty cv are messages whose newest seal says cv=fail, for which
//     RFC 8617 5.2 step 2 gives fail);
//   - arc-draft-sign-tests.yml: the chain is validated with our verifier, the next ARC set is
//     sealed with the scenario's key at the test's t=, and AAR/AMS/AS are compared with the
//     expected values the way the upstream harness does (all whitespace deleted, split on
//     ';', compared as sets; b=/bh= thus byte for byte); an empty expectation means no set.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "auth/arc/sealer.h"
#include "auth/arc/verifier.h"
#include "core/json.h"
#include "dkim_test_util.h"

namespace mw::auth::arc {
namespace {

using testutil::read_file;
using testutil::to_crlf;

json::Value load_suite(const std::string& name) {
  std::string text = read_file(std::string(MW_ARC_SUITE_DIR) + "/" + name);
  auto v = json::parse(text);
  EXPECT_TRUE(v.has_value()) << name << ": " << (v ? "" : v.error().message);
  return v ? std::move(*v) : json::Value();
}

void load_records(const json::Value& scenario, dns::FakeResolver& r) {
  if (const json::Value* recs = scenario.find("txt-records")) {
    for (const auto& [name, value] : recs->members()) testutil::add_key(r, name, value.as_string());
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  return s;
}

// The upstream harness comparison: delete all whitespace, split on ';', compare as sets.
std::set<std::string> normalized(std::string_view header_value) {
  std::string flat;
  for (char c : header_value) {
    if (!std::isspace(static_cast<unsigned char>(c))) flat.push_back(c);
  }
  std::set<std::string> parts;
  size_t pos = 0;
  while (pos <= flat.size()) {
    size_t semi = flat.find(';', pos);
    if (semi == std::string::npos) semi = flat.size();
    if (semi > pos) parts.insert(flat.substr(pos, semi - pos));
    pos = semi + 1;
  }
  return parts;
}

TEST(ArcSuite, Validation) {
  json::Value suite = load_suite("arc-validation.json");
  ASSERT_TRUE(suite.is_array());
  int total = 0, passed = 0;
  for (const auto& scenario : suite.items()) {
    core::Dispatcher dispatcher;
    dns::FakeResolver resolver(dispatcher);
    load_records(scenario, resolver);
    ChainVerifier verifier(dispatcher, resolver, Options{}, testutil::fixed_clock(1700000000));
    const json::Value* tests = scenario.find("tests");
    ASSERT_NE(tests, nullptr);
    for (const auto& [id, test] : tests->members()) {
      ++total;
      std::string message = to_crlf(test.find("message")->as_string());
      std::string want = lower(trim(test.find("cv") ? test.find("cv")->as_string() : ""));
      if (want.empty()) want = "fail";  // newest seal says cv=fail (see SOURCE.md)
      dkim::MessageView view = dkim::split_message(message);
      ChainVerdict v = testutil::run_arc(dispatcher, verifier, view);
      std::string got(chain_status_name(v.status));
      EXPECT_EQ(got, want) << id << ": " << reason_name(v.reason) << " " << v.detail;
      if (got == want) ++passed;
    }
  }
  std::printf("ARC validation suite: %d/%d pass\n", passed, total);
  EXPECT_EQ(total, 171);
}

TEST(ArcSuite, Signing) {
  json::Value suite = load_suite("arc-sign.json");
  ASSERT_TRUE(suite.is_array());
  int total = 0, passed = 0;
  for (const auto& scenario : suite.items()) {
    core::Dispatcher dispatcher;
    dns::FakeResolver resolver(dispatcher);
    load_records(scenario, resolver);
    ChainVerifier verifier(dispatcher, resolver, Options{}, testutil::fixed_clock(1700000000));
    auto key = dkim::PrivateKey::from_text(scenario.find("privatekey")->as_string());
    ASSERT_TRUE(key.has_value()) << key.error().message;
    SealOptions opts;
    opts.domain = scenario.find("domain")->as_string();
    opts.selector = scenario.find("sel")->as_string();
    opts.fold_signatures = false;  // the suite's standardized format
    for (const auto& [id, test] : scenario.find("tests")->members()) {
      ++total;
      std::string message = to_crlf(test.find("message")->as_string());
      dkim::MessageView view = dkim::split_message(message);
      ChainVerdict chain = testutil::run_arc(dispatcher, verifier, view);

      SealOptions o = opts;
      o.headers.clear();
      std::string h = test.find("sig-headers")->as_string();
      for (size_t pos = 0; pos <= h.size();) {
        size_t colon = h.find(':', pos);
        if (colon == std::string::npos) colon = h.size();
        o.headers.push_back(h.substr(pos, colon - pos));
        pos = colon + 1;
      }
      auto copy = dkim::PrivateKey::from_text(scenario.find("privatekey")->as_string());
      auto sealer = Sealer::create(std::move(*copy), o);
      ASSERT_TRUE(sealer.has_value()) << sealer.error().message;
      SealRequest req;
      req.chain = chain.status;
      req.authserv_id = test.find("srv-id")->as_string();
      req.results = collect_auth_results(view, req.authserv_id);
      auto out = sealer->seal(view, req, test.find("t")->as_int());
      ASSERT_TRUE(out.has_value()) << id << ": " << out.error().message;

      std::string want_as = trim(test.find("AS")->as_string());
      std::string want_ams = trim(test.find("AMS")->as_string());
      std::string want_aar = trim(test.find("AAR")->as_string());
      bool ok = true;
      if (want_as.empty()) {
        EXPECT_FALSE(out->sealed) << id << ": expected no ARC set";
        ok = !out->sealed;
      } else {
        EXPECT_TRUE(out->sealed) << id << ": " << out->reason;
        ok = out->sealed;
        if (ok) {
          bool as_ok = normalized(out->set.seal.value) == normalized(want_as);
          bool ams_ok = normalized(out->set.message_signature.value) == normalized(want_ams);
          bool aar_ok = normalized(out->set.authentication_results.value) == normalized(want_aar);
          EXPECT_TRUE(aar_ok) << id << " AAR\n got: " << out->set.authentication_results.value
                              << "\nwant: " << want_aar;
          EXPECT_TRUE(ams_ok) << id << " AMS\n got: " << out->set.message_signature.value
                              << "\nwant: " << want_ams;
          EXPECT_TRUE(as_ok) << id << " AS (chain " << chain_status_name(chain.status)
                             << ")\n got: " << out->set.seal.value << "\nwant: " << want_as;
          ok = as_ok && ams_ok && aar_ok;
        }
      }
      if (ok) ++passed;
    }
  }
  std::printf("ARC signing suite: %d/%d pass\n", passed, total);
  EXPECT_EQ(total, 17);
}

}  // namespace
}  // namespace mw::auth::arc
