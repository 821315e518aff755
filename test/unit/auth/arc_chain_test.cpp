// ARC: AAR parsing, chain structure checks, multi-hop seal -> validate round trips with RSA
// and Ed25519 keys, oldest-pass, temperror and timeouts, sealing rules and errors, AR
// consolidation and [options.arc].
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "auth/arc/chain.h"
#include "auth/arc/options.h"
#include "auth/arc/sealer.h"
#include "auth/arc/verifier.h"
#include "core/config.h"
#include "dkim_test_util.h"

namespace mw::auth::arc {
namespace {

using testutil::read_file;
using testutil::srcdir;
using testutil::to_crlf;

constexpr int64_t kNow = 1700000000;

TEST(ArcAar, Parse) {
  AuthResults a = parse_aar(" i=3; Lists.Example.org; spf=pass smtp.mailfrom=a@b.example");
  ASSERT_TRUE(a.ok) << a.problem;
  EXPECT_EQ(a.instance, 3u);
  EXPECT_EQ(a.authserv_id, "lists.example.org");
  EXPECT_EQ(a.payload, "Lists.Example.org; spf=pass smtp.mailfrom=a@b.example");
  EXPECT_TRUE(parse_aar("i = 1 ;mx.example.org; none").ok);
  EXPECT_FALSE(parse_aar("lists.example.org; i=1; spf=pass").ok);
  EXPECT_FALSE(parse_aar("i=1 lists.example.org;").ok);
  EXPECT_FALSE(parse_aar("i=; x;").ok);
  EXPECT_FALSE(parse_aar("i=0; x;").ok);
  EXPECT_FALSE(parse_aar("i=1000; x;").ok);
  EXPECT_FALSE(parse_aar("").ok);
}

class ArcChain : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rsa = dkim::PrivateKey::from_file(srcdir("dkim_data/rsa2048.pem"));
    auto ed = dkim::PrivateKey::from_file(srcdir("dkim_data/ed25519.pem"));
    ASSERT_TRUE(rsa && ed);
    testutil::add_key(resolver_, "arc._domainkey.relay.example",
                      "v=DKIM1; k=rsa; p=" + rsa->public_key_base64());
    testutil::add_key(resolver_, "ed._domainkey.list.example",
                      "v=DKIM1; k=ed25519; p=" + ed->public_key_base64());
    rsa_pem_ = *rsa->to_pem();
    ed_pem_ = *ed->to_pem();
    message_ = to_crlf(read_file(srcdir("dkim_data/msg_plain.eml")));
  }

  Sealer sealer(bool ed, std::vector<std::string> headers = {}) {
    SealOptions o;
    o.domain = ed ? "list.example" : "relay.example";
    o.selector = ed ? "ed" : "arc";
    if (!headers.empty()) o.headers = std::move(headers);
    auto s = Sealer::create(dkim::PrivateKey::from_text(ed ? ed_pem_ : rsa_pem_).value(), o);
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
    return std::move(*s);
  }
  ChainVerdict validate(const std::string& msg, Options o = {}) {
    ChainVerifier v(dispatcher_, resolver_, o, testutil::fixed_clock(kNow));
    dkim::MessageView view = dkim::split_message(msg);
    return testutil::run_arc(dispatcher_, v, view);
  }
  // One hop: validate, seal with the result, prepend the new set.
  std::string hop(const std::string& msg, bool ed, ChainVerdict* seen = nullptr) {
    ChainVerdict v = validate(msg);
    if (seen) *seen = v;
    SealRequest req{v.status, ed ? "list.example" : "relay.example",
                    "spf=pass smtp.mailfrom=alice@example.com; dkim=pass header.d=example.com"};
    auto out = sealer(ed).seal(dkim::split_message(msg), req, kNow);
    EXPECT_TRUE(out.has_value()) << (out ? "" : out.error().message);
    if (!out || !out->sealed) return msg;
    return out->set.fields() + msg;
  }

  core::Dispatcher dispatcher_;
  dns::FakeResolver resolver_{dispatcher_};
  std::string rsa_pem_, ed_pem_, message_;
};

TEST_F(ArcChain, NoArcFieldsIsNone) {
  ChainVerdict v = validate(message_);
  EXPECT_EQ(v.status, ChainStatus::kNone);
  EXPECT_EQ(v.instances, 0u);
}

TEST_F(ArcChain, MultiHopRsaAndEd25519) {
  ChainVerdict seen;
  std::string m1 = hop(message_, false, &seen);
  EXPECT_EQ(seen.status, ChainStatus::kNone);
  ChainVerdict v1 = validate(m1);
  EXPECT_EQ(v1.status, ChainStatus::kPass) << v1.detail;
  EXPECT_EQ(v1.instances, 1u);
  ASSERT_EQ(v1.sets.size(), 1u);
  EXPECT_EQ(v1.sets[0].cv, "none");
  EXPECT_EQ(v1.sets[0].authserv_id, "relay.example");
  EXPECT_EQ(v1.sets[0].ams.status, dkim::DkimResult::kPass);
  EXPECT_EQ(v1.sets[0].seal.status, dkim::DkimResult::kPass);
  EXPECT_EQ(m1.rfind("ARC-Seal: a=rsa-sha256; b=", 0), 0u);
  EXPECT_NE(m1.find("ARC-Authentication-Results: i=1; relay.example; spf=pass"), std::string::npos);

  std::string m2 = hop(m1, true);
  ChainVerdict v2 = validate(m2);
  EXPECT_EQ(v2.status, ChainStatus::kPass) << v2.detail;
  EXPECT_EQ(v2.instances, 2u);
  EXPECT_EQ(v2.oldest_pass, 0u);
  EXPECT_EQ(v2.sets[1].cv, "pass");
  EXPECT_EQ(v2.sets[1].seal.algorithm, "ed25519-sha256");

  std::string m3 = hop(m2, false);
  ChainVerdict v3 = validate(m3);
  EXPECT_EQ(v3.status, ChainStatus::kPass) << v3.detail;
  EXPECT_EQ(v3.instances, 3u);
}

TEST_F(ArcChain, ModifiedInTransitOldestPass) {
  std::string m1 = hop(message_, false);
  // A mailing list rewrites the subject and the body, then seals: the chain still passes,
  // AMS(1) no longer verifies, so oldest-pass is 2.
  std::string changed = m1;
  changed.replace(changed.find("Subject: Quarterly"), 18, "Subject: [list] Quarterly");
  changed += "--\r\nlist footer\r\n";
  ChainVerdict before = validate(changed);
  EXPECT_EQ(before.status, ChainStatus::kFail);  // as received by the list: AMS(1) broken
  EXPECT_EQ(before.reason, Reason::kAmsFailed);
  // The list seals anyway with its own view (it trusts its own modification): here we
  // seal with the result of validation before the change.
  SealRequest req{ChainStatus::kPass, "list.example", "arc=pass"};
  auto out = sealer(true).seal(dkim::split_message(changed), req, kNow);
  ASSERT_TRUE(out.has_value() && out->sealed) << (out ? out->reason : out.error().message);
  std::string m2 = out->set.fields() + changed;
  ChainVerdict v = validate(m2);
  EXPECT_EQ(v.status, ChainStatus::kPass) << v.detail;
  EXPECT_EQ(v.oldest_pass, 2u);
  EXPECT_EQ(v.sets[0].ams.status, dkim::DkimResult::kFail);
}

TEST_F(ArcChain, TamperingFails) {
  std::string m2 = hop(hop(message_, false), true);
  // Body change after the last hop: the newest AMS fails.
  ChainVerdict body = validate(m2 + "more\r\n");
  EXPECT_EQ(body.status, ChainStatus::kFail);
  EXPECT_EQ(body.reason, Reason::kAmsFailed);
  EXPECT_EQ(body.failed_instance, 2u);
  // An older AAR edited: seal 2 covers it.
  std::string aar = m2;
  size_t p = aar.find("i=1; relay.example; spf=pass");
  ASSERT_NE(p, std::string::npos);
  aar.replace(aar.find("spf=pass", p), 8, "spf=fail");
  ChainVerdict sealv = validate(aar);
  EXPECT_EQ(sealv.status, ChainStatus::kFail);
  EXPECT_EQ(sealv.reason, Reason::kSealFailed);
  EXPECT_EQ(sealv.failed_instance, 2u);
}

TEST_F(ArcChain, StructureProblems) {
  std::string m2 = hop(hop(message_, false), true);
  dkim::MessageView view = dkim::split_message(m2);
  auto without = [&](size_t index) {
    std::string out;
    for (size_t i = 0; i < view.headers.size(); ++i) {
      if (i != index) out += view.headers[i].raw;
    }
    return out + "\r\n" + std::string(view.body);
  };
  // Fields 0..2 are AS(2), AMS(2), AAR(2); 3..5 the i=1 set.
  for (size_t i = 0; i < 6; ++i) {
    ChainVerdict v = validate(without(i));
    EXPECT_EQ(v.status, ChainStatus::kFail) << i;
    EXPECT_EQ(v.reason, Reason::kStructure) << i << ": " << v.detail;
  }
  // Duplicated field.
  ChainVerdict dup = validate(std::string(view.headers[4].raw) + m2);
  EXPECT_EQ(dup.reason, Reason::kStructure);
  // Gap: only instance 2 present.
  std::string gap;
  for (size_t i = 0; i < 3; ++i) gap += view.headers[i].raw;
  ChainVerdict g = validate(gap + message_);
  EXPECT_EQ(g.reason, Reason::kStructure);
  // Instance above 50.
  ChainVerdict big =
      validate("ARC-Seal: i=51; a=rsa-sha256; cv=pass; d=relay.example; s=arc; b=YQ==\r\n" + m2);
  EXPECT_EQ(big.reason, Reason::kTooManySets);
  // Unparsable newest AMS.
  std::string bad = m2;
  bad.replace(bad.find("ARC-Message-Signature: a="), 25, "ARC-Message-Signature: ;a=");
  EXPECT_EQ(validate(bad).status, ChainStatus::kFail);
}

TEST_F(ArcChain, CvRules) {
  std::string m1 = hop(message_, false);
  // cv=pass at i=1: rewrite and re-seal would be needed for the seal to verify, but the
  // structure check refuses it before any signature is checked.
  std::string bad = m1;
  bad.replace(bad.find("cv=none"), 7, "cv=pass");
  ChainVerdict v = validate(bad);
  EXPECT_EQ(v.reason, Reason::kInvalidCv);
  // The newest seal says cv=fail: fail without any DNS query.
  std::string failed = m1;
  failed.replace(failed.find("cv=none"), 7, "cv=fail");
  resolver_.clear_queries();
  ChainVerdict f = validate(failed);
  EXPECT_EQ(f.status, ChainStatus::kFail);
  EXPECT_EQ(f.reason, Reason::kChainFailed);
  EXPECT_TRUE(resolver_.queries().empty());
}

TEST_F(ArcChain, KeyProblems) {
  std::string m1 = hop(message_, false);
  resolver_.set_rcode("arc._domainkey.relay.example", dns::RrType::kTxt, dns::Rcode::kServFail);
  ChainVerdict t = validate(m1);
  EXPECT_EQ(t.status, ChainStatus::kTempError);
  EXPECT_EQ(t.reason, Reason::kDnsError);
  resolver_.set_rcode("arc._domainkey.relay.example", dns::RrType::kTxt, dns::Rcode::kNxDomain);
  ChainVerdict nx = validate(m1);
  EXPECT_EQ(nx.status, ChainStatus::kFail);
  EXPECT_EQ(nx.reason, Reason::kAmsFailed);
}

TEST_F(ArcChain, KeySizePolicy) {
  std::string m1 = hop(message_, false);
  Options strict;
  strict.min_key_bits = 4096;
  ChainVerdict v = validate(m1, strict);
  EXPECT_EQ(v.status, ChainStatus::kFail);
  EXPECT_EQ(v.sets[0].ams.reason, dkim::Reason::kKeyTooSmall);
}

class Silent final : public dns::Resolver {
 public:
  dns::RequestPtr resolve(std::string_view, dns::RrType, dns::Callback) override {
    struct R final : dns::Request {
      void cancel() override {}
    };
    return std::make_unique<R>();
  }
};

TEST_F(ArcChain, TimeoutAndCancel) {
  std::string m1 = hop(message_, false);
  Silent silent;
  Options o;
  o.timeout = 0.05;
  ChainVerifier v(dispatcher_, silent, o, testutil::fixed_clock(kNow));
  dkim::MessageView view = dkim::split_message(m1);
  ChainVerdict out = testutil::run_arc(dispatcher_, v, view);
  EXPECT_EQ(out.status, ChainStatus::kTempError);
  EXPECT_EQ(out.reason, Reason::kTimeout);

  ChainVerifier real(dispatcher_, resolver_, Options{}, testutil::fixed_clock(kNow));
  bool called = false;
  auto h = real.verify(view, [&](ChainVerdict) { called = true; });
  EXPECT_FALSE(called);
  h.reset();
  dispatcher_.run();
  EXPECT_FALSE(called);
}

TEST_F(ArcChain, SealerRules) {
  std::string m1 = hop(message_, false);
  dkim::MessageView v1 = dkim::split_message(m1);
  Sealer s = sealer(true);
  auto inconsistent = s.seal(v1, {ChainStatus::kNone, "list.example", ""}, kNow);
  EXPECT_FALSE(inconsistent.has_value());
  auto temp = s.seal(v1, {ChainStatus::kTempError, "list.example", ""}, kNow);
  EXPECT_FALSE(temp.has_value());
  auto pass_without =
      s.seal(dkim::split_message(message_), {ChainStatus::kPass, "x.example", ""}, kNow);
  EXPECT_FALSE(pass_without.has_value());
  auto bad_id = s.seal(v1, {ChainStatus::kPass, "bad id;", ""}, kNow);
  EXPECT_FALSE(bad_id.has_value());

  // Empty results become "none".
  auto none = s.seal(v1, {ChainStatus::kPass, "list.example", ""}, kNow);
  ASSERT_TRUE(none.has_value() && none->sealed);
  EXPECT_EQ(none->set.authentication_results.value, "i=2; list.example; none");
  EXPECT_EQ(none->set.instance, 2u);
  EXPECT_EQ(none->set.cv, "pass");

  // cv=fail seals only its own set, and nothing is added after it.
  auto failed = s.seal(v1, {ChainStatus::kFail, "list.example", "arc=fail"}, kNow);
  ASSERT_TRUE(failed.has_value() && failed->sealed);
  EXPECT_EQ(failed->set.cv, "fail");
  std::string m2 = failed->set.fields() + m1;
  ChainVerdict v = validate(m2);
  EXPECT_EQ(v.reason, Reason::kChainFailed);
  auto after = s.seal(dkim::split_message(m2), {ChainStatus::kFail, "list.example", ""}, kNow);
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->sealed);
  EXPECT_FALSE(after->reason.empty());

  // The AMS must not sign ARC-Seal.
  SealOptions bad;
  bad.domain = "list.example";
  bad.selector = "ed";
  bad.headers = {"from", "ARC-Seal"};
  EXPECT_FALSE(Sealer::create(dkim::PrivateKey::from_text(ed_pem_).value(), bad).has_value());
}

TEST_F(ArcChain, SignedHeadersIncludeArcFields) {
  // An AMS that signs the AAR and older AMS fields still verifies hop after hop.
  std::vector<std::string> h = {"from", "subject", "arc-authentication-results",
                                "arc-message-signature", "dkim-signature"};
  std::string m = message_;
  for (int hop_no = 0; hop_no < 3; ++hop_no) {
    ChainVerdict v = validate(m);
    auto out =
        sealer(hop_no % 2 == 1, h)
            .seal(dkim::split_message(m),
                  {v.status, "relay.example", "arc=" + std::string(chain_status_name(v.status))},
                  kNow);
    ASSERT_TRUE(out.has_value() && out->sealed);
    m = out->set.fields() + m;
  }
  ChainVerdict v = validate(m);
  EXPECT_EQ(v.status, ChainStatus::kPass) << v.detail;
  EXPECT_EQ(v.instances, 3u);
}

TEST(ArcAuthResults, Consolidation) {
  std::string raw =
      "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@b.example;\r\n"
      "  dkim=pass (good; signature) header.d=b.example\r\n"
      "Authentication-Results: other.example; spf=fail\r\n"
      "Authentication-Results: (comment) MX.example.org 1; dmarc=pass header.from=b.example\r\n"
      "Authentication-Results: mx.example.org; none\r\n"
      "Authentication-Results: \"mx.example.org\"; x-q=\"a;b\" reason=\"x\"\r\n"
      "Authentication-Results: garbage-without-semicolon\r\n"
      "From: a@b.example\r\n\r\n";
  dkim::MessageView m = dkim::split_message(raw);
  EXPECT_EQ(collect_auth_results(m, "mx.example.org"),
            "spf=pass smtp.mailfrom=a@b.example; dkim=pass (good; signature) "
            "header.d=b.example; dmarc=pass header.from=b.example; x-q=\"a;b\" reason=\"x\"");
  EXPECT_EQ(collect_auth_results(m, "nobody.example"), "");
}

TEST(ArcOptions, DeclareAndRead) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  auto cfg = core::Config::from_string(schema, "[options.arc]\nmin_key_bits = 2048\n", issues);
  ASSERT_TRUE(cfg.has_value());
  auto o = options_from(**cfg);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->min_key_bits, 2048u);
  EXPECT_DOUBLE_EQ(o->timeout, 5);
  EXPECT_FALSE(o->policy().allow_rsa_sha1);
}

}  // namespace
}  // namespace mw::auth::arc
