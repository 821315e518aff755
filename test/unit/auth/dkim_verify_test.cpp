// DKIM verification behaviour over FakeResolver with messages signed by our signer: every
// result and reason, policies (rsa-sha1, key size, x=/t= with skew, t=s, key h=), l=, the
// signature cap, DNS failures and timeouts, cancellation and callback rules.
#include <gtest/gtest.h>

#include <memory>

#include "auth/dkim/signer.h"
#include "auth/dkim/verifier.h"
#include "dkim_test_util.h"

namespace mw::auth::dkim {
namespace {

using testutil::read_file;
using testutil::srcdir;
using testutil::to_crlf;

constexpr int64_t kNow = 1700000000;

// A resolver that never answers (for time limits) and counts live requests.
class SilentResolver final : public dns::Resolver {
 public:
  struct Req final : dns::Request {
    explicit Req(int* live) : live(live) { ++*live; }
    ~Req() override { --*live; }
    void cancel() override {}
    int* live;
  };
  dns::RequestPtr resolve(std::string_view, dns::RrType, dns::Callback) override {
    return std::make_unique<Req>(&live);
  }
  int live = 0;
};

class DkimVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    rsa_.emplace(load("dkim_data/rsa2048.pem"));
    ed_.emplace(load("dkim_data/ed25519.pem"));
    message_ = to_crlf(read_file(srcdir("dkim_data/msg_plain.eml")));
    ASSERT_FALSE(message_.empty());
    publish("rsa", "example.com", *rsa_);
    publish("ed", "example.com", *ed_);
  }

  static PrivateKey load(const std::string& rel) {
    auto k = PrivateKey::from_file(srcdir(rel));
    EXPECT_TRUE(k.has_value()) << (k ? "" : k.error().message);
    return std::move(*k);
  }
  void publish(const std::string& sel, const std::string& domain, const PrivateKey& key,
               const std::string& extra = "") {
    testutil::add_key(resolver_, sel + "._domainkey." + domain,
                      "v=DKIM1; k=" + std::string(key_type_name(key.type())) + "; " + extra +
                          "p=" + key.public_key_base64());
  }
  // Sign `msg` and return the message with the signature prepended.
  std::string sign(const std::string& msg, const std::string& sel, SignOptions opts = {},
                   int64_t now = kNow, const PrivateKey* key = nullptr) {
    if (opts.domain.empty()) opts.domain = "example.com";
    opts.selector = sel;
    const PrivateKey& k = key ? *key : (sel == "ed" ? *ed_ : *rsa_);
    auto copy = PrivateKey::from_text(*k.to_pem());
    auto signer = Signer::create(std::move(*copy), opts);
    EXPECT_TRUE(signer.has_value()) << (signer ? "" : signer.error().message);
    MessageView view = split_message(msg);
    auto field = signer->sign(view, now);
    EXPECT_TRUE(field.has_value()) << (field ? "" : field.error().message);
    return field->field() + "\r\n" + msg;
  }
  Verdict verify(const std::string& msg, Options opts = {}, int64_t now = kNow) {
    Verifier v(dispatcher_, resolver_, opts, testutil::fixed_clock(now));
    MessageView view = split_message(msg);
    return testutil::run_dkim(dispatcher_, v, view);
  }
  SignatureVerdict one(const std::string& msg, Options opts = {}, int64_t now = kNow) {
    Verdict v = verify(msg, opts, now);
    EXPECT_EQ(v.signatures.size(), 1u);
    return v.signatures.empty() ? SignatureVerdict{} : v.signatures[0];
  }

  core::Dispatcher dispatcher_;
  dns::FakeResolver resolver_{dispatcher_};
  std::optional<PrivateKey> rsa_;
  std::optional<PrivateKey> ed_;
  std::string message_;
};

TEST_F(DkimVerify, PassRsaAndEd25519AllCanonicalisations) {
  for (const char* sel : {"rsa", "ed"}) {
    for (Canon h : {Canon::kSimple, Canon::kRelaxed}) {
      for (Canon b : {Canon::kSimple, Canon::kRelaxed}) {
        SignOptions o;
        o.header_canon = h;
        o.body_canon = b;
        SignatureVerdict v = one(sign(message_, sel, o));
        EXPECT_EQ(v.status, DkimResult::kPass) << sel << " " << v.detail;
        EXPECT_EQ(v.domain, "example.com");
        EXPECT_EQ(v.selector, sel);
        EXPECT_EQ(v.identity, "@example.com");
        EXPECT_EQ(v.algorithm, std::string(sel) == "ed" ? "ed25519-sha256" : "rsa-sha256");
        EXPECT_EQ(v.key_bits, std::string(sel) == "ed" ? 256 : 2048);
        EXPECT_EQ(v.b_prefix.size(), 12u);
      }
    }
  }
}

TEST_F(DkimVerify, LfStoredMessageVerifiesLikeCrlf) {
  std::string lf = read_file(srcdir("dkim_data/msg_plain.eml"));
  SignOptions simple;
  simple.header_canon = simple.body_canon = Canon::kSimple;
  std::string signed_crlf = sign(message_, "rsa", simple);
  // The same signature over the LF form of the message.
  std::string field = signed_crlf.substr(0, signed_crlf.find("\r\nReceived:"));
  std::string lf_msg = field + "\n" + lf;
  EXPECT_EQ(one(lf_msg).status, DkimResult::kPass) << one(lf_msg).detail;
  // Signed in LF form, verified in CRLF form.
  std::string signed_lf = sign(lf, "ed");
  EXPECT_EQ(one(to_crlf(signed_lf)).status, DkimResult::kPass);
}

TEST_F(DkimVerify, TamperedBodyAndHeader) {
  std::string m = sign(message_, "rsa");
  SignatureVerdict body = one(m + "extra line\r\n");
  EXPECT_EQ(body.status, DkimResult::kFail);
  EXPECT_EQ(body.reason, Reason::kBodyHashMismatch);

  std::string hdr = m;
  hdr.replace(hdr.find("Quarterly"), 9, "Quarterlx");
  SignatureVerdict h = one(hdr);
  EXPECT_EQ(h.status, DkimResult::kFail);
  EXPECT_EQ(h.reason, Reason::kBadSignature);

  // Relaxed tolerates whitespace changes in headers and body, simple does not.
  std::string ws = m;
  ws.replace(ws.find("Subject: Quarterly"), 18, "Subject:   Quarterly");
  ws.replace(ws.find("Hi Bob,"), 7, "Hi  Bob,  ");
  EXPECT_EQ(one(ws).status, DkimResult::kPass);
  SignOptions simple;
  simple.header_canon = simple.body_canon = Canon::kSimple;
  std::string s = sign(message_, "rsa", simple);
  s.replace(s.find("Hi Bob,"), 7, "Hi  Bob,");
  EXPECT_EQ(one(s).reason, Reason::kBodyHashMismatch);
}

TEST_F(DkimVerify, OversignedHeadersCannotBeAdded) {
  std::string m = sign(message_, "ed");
  EXPECT_EQ(one(m).status, DkimResult::kPass);
  // A second Subject (or a To/Date/From) added anywhere breaks the signature.
  std::string added = m;
  added.insert(added.find("\r\n\r\n") + 2, "Subject: click here\r\n");
  EXPECT_EQ(one(added).reason, Reason::kBadSignature);
  // Added Received (not oversigned) is fine.
  std::string rcvd = "Received: from relay by mx; Mon, 2 Jan 2023 11:00:00 +0000\r\n" + m;
  EXPECT_EQ(one(rcvd).status, DkimResult::kPass);
}

TEST_F(DkimVerify, WrongKeyAndKeyProblems) {
  auto other = PrivateKey::generate(KeyType::kRsa, 2048);
  ASSERT_TRUE(other.has_value());
  publish("other", "example.com", *other);
  std::string m = sign(message_, "other", {}, kNow, &*rsa_);  // signed with a different key
  EXPECT_EQ(one(m).reason, Reason::kBadSignature);

  struct Case {
    const char* sel;
    std::string record;
    DkimResult status;
    Reason reason;
  };
  std::string rsa_p = "p=" + rsa_->public_key_base64();
  std::vector<Case> cases = {
      {"revoked", "v=DKIM1; k=rsa; p=", DkimResult::kPermError, Reason::kKeyRevoked},
      {"badtype", "v=DKIM1; k=ed25519; " + rsa_p, DkimResult::kPermError, Reason::kKeyInvalid},
      {"edkey", "v=DKIM1; k=ed25519; p=" + ed_->public_key_base64(), DkimResult::kPermError,
       Reason::kKeyType},
      {"sha1only", "v=DKIM1; h=sha1; " + rsa_p, DkimResult::kPermError, Reason::kKeyHash},
      {"tlsrpt", "v=DKIM1; s=tlsrpt; " + rsa_p, DkimResult::kPermError, Reason::kKeyService},
      {"garbage", "v=spf1 -all", DkimResult::kPermError, Reason::kKeySyntax},
      {"testing", "v=DKIM1; t=y; " + rsa_p, DkimResult::kPass, Reason::kNone},
  };
  for (const auto& c : cases) {
    testutil::add_key(resolver_, std::string(c.sel) + "._domainkey.example.com", c.record);
    SignatureVerdict v = one(sign(message_, c.sel, {}, kNow, &*rsa_));
    EXPECT_EQ(v.status, c.status) << c.sel << ": " << v.detail;
    EXPECT_EQ(v.reason, c.reason) << c.sel << ": " << v.detail;
    if (std::string(c.sel) == "testing") {
      EXPECT_TRUE(v.testing);
    }
  }
}

TEST_F(DkimVerify, SeveralTxtRecordsFirstUsableWins) {
  resolver_.add_txt("multi._domainkey.example.com", "v=spf1 ~all");
  testutil::add_key(resolver_, "multi._domainkey.example.com",
                    "v=DKIM1; k=ed25519; p=" + ed_->public_key_base64());
  EXPECT_EQ(one(sign(message_, "multi", {}, kNow, &*ed_)).status, DkimResult::kPass);
}

TEST_F(DkimVerify, DnsOutcomes) {
  resolver_.set_rcode("gone._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kNxDomain);
  resolver_.set_rcode("slow._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kTimeout);
  resolver_.set_rcode("broken._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kServFail);
  resolver_.add_empty_name("empty._domainkey.example.com");
  SignatureVerdict nx = one(sign(message_, "gone"));
  EXPECT_EQ(nx.status, DkimResult::kPermError);
  EXPECT_EQ(nx.reason, Reason::kKeyNotFound);
  SignatureVerdict nodata = one(sign(message_, "empty"));
  EXPECT_EQ(nodata.reason, Reason::kKeyNotFound);
  SignatureVerdict slow = one(sign(message_, "slow"));
  EXPECT_EQ(slow.status, DkimResult::kTempError);
  EXPECT_EQ(slow.reason, Reason::kDnsError);
  EXPECT_EQ(one(sign(message_, "broken")).status, DkimResult::kTempError);
}

TEST_F(DkimVerify, PolicySha1AndKeySize) {
  // A hand-made rsa-sha1 signature of the message (sha1 signing is not offered).
  auto small = PrivateKey::from_file(srcdir("dkim_data/rsa1024.pem"));
  ASSERT_TRUE(small.has_value());
  publish("small", "example.com", *small);
  std::string m = sign(message_, "small", {}, kNow, &*small);
  Options strict;
  strict.min_key_bits = 2048;
  SignatureVerdict v = one(m, strict);
  EXPECT_EQ(v.status, DkimResult::kPermError);
  EXPECT_EQ(v.reason, Reason::kKeyTooSmall);
  EXPECT_EQ(v.key_bits, 1024);
  EXPECT_EQ(one(m).status, DkimResult::kPass);  // 1024 is the default minimum

  std::string sha1 = m;
  sha1.replace(sha1.find("a=rsa-sha256"), 12, "a=rsa-sha1");
  SignatureVerdict s = one(sha1);
  EXPECT_EQ(s.status, DkimResult::kFail);
  EXPECT_EQ(s.reason, Reason::kInsecureAlgorithm);
  Options allow;
  allow.allow_rsa_sha1 = true;
  SignatureVerdict a = one(sha1, allow);
  EXPECT_EQ(a.status, DkimResult::kFail);  // evaluated now: the bh= is a SHA-256 digest
  EXPECT_EQ(a.reason, Reason::kBodyHashMismatch);
}

TEST_F(DkimVerify, ExpiryAndFutureTimestampWithSkew) {
  SignOptions o;
  o.expire_after = 3600;
  std::string m = sign(message_, "ed", o, kNow);
  EXPECT_EQ(one(m, {}, kNow + 3600).status, DkimResult::kPass);
  EXPECT_EQ(one(m, {}, kNow + 3600 + 299).status, DkimResult::kPass);  // within the 5 min skew
  SignatureVerdict expired = one(m, {}, kNow + 3600 + 301);
  EXPECT_EQ(expired.status, DkimResult::kPermError);
  EXPECT_EQ(expired.reason, Reason::kExpired);
  Options no_skew;
  no_skew.clock_skew = 0;
  EXPECT_EQ(one(m, no_skew, kNow + 3601).reason, Reason::kExpired);

  SignatureVerdict future = one(m, {}, kNow - 301);
  EXPECT_EQ(future.reason, Reason::kFutureTimestamp);
  EXPECT_EQ(one(m, {}, kNow - 299).status, DkimResult::kPass);
}

TEST_F(DkimVerify, IdentityAndStrictKeys) {
  testutil::add_key(resolver_, "strict._domainkey.example.com",
                    "v=DKIM1; k=ed25519; t=s; p=" + ed_->public_key_base64());
  SignOptions sub;
  sub.identity = "alice@mail.example.com";
  SignatureVerdict v = one(sign(message_, "strict", sub, kNow, &*ed_));
  EXPECT_EQ(v.status, DkimResult::kPermError);
  EXPECT_EQ(v.reason, Reason::kKeyStrict);
  SignOptions same;
  same.identity = "alice@example.com";
  SignatureVerdict ok = one(sign(message_, "strict", same, kNow, &*ed_));
  EXPECT_EQ(ok.status, DkimResult::kPass) << ok.detail;
  EXPECT_EQ(ok.identity, "alice@example.com");
  SignOptions odd;
  odd.identity = "a;b=c@example.com";  // quoted-printable round trip
  EXPECT_EQ(one(sign(message_, "ed", odd)).identity, "a;b=c@example.com");
}

TEST_F(DkimVerify, BodyLengthFlagsAppendedContent) {
  SignOptions o;
  o.body_length = true;
  std::string m = sign(message_, "rsa", o);
  SignatureVerdict v = one(m);
  EXPECT_EQ(v.status, DkimResult::kPass);
  ASSERT_TRUE(v.body_length.has_value());
  EXPECT_FALSE(v.body_beyond_length);
  SignatureVerdict appended = one(m + "\r\nBuy now: http://spam.example/\r\n");
  EXPECT_EQ(appended.status, DkimResult::kPass);
  EXPECT_TRUE(appended.body_beyond_length);
  // Truncating below l= fails.
  std::string cut = m.substr(0, m.size() - 10);
  SignatureVerdict short_body = one(cut);
  EXPECT_EQ(short_body.status, DkimResult::kFail);
  EXPECT_EQ(short_body.reason, Reason::kBodyTooShort);
}

TEST_F(DkimVerify, SeveralSignaturesAndTheCap) {
  std::string m = sign(sign(sign(message_, "rsa"), "ed"), "gone");
  resolver_.set_rcode("gone._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kNxDomain);
  Verdict v = verify(m);
  ASSERT_EQ(v.signatures.size(), 3u);
  EXPECT_EQ(v.signatures[0].selector, "gone");
  EXPECT_EQ(v.signatures[0].status, DkimResult::kPermError);
  EXPECT_EQ(v.signatures[1].status, DkimResult::kPass);
  EXPECT_EQ(v.signatures[2].status, DkimResult::kPass);
  EXPECT_TRUE(v.any_pass());
  EXPECT_EQ(v.passing_domains(), std::vector<std::string>{"example.com"});
  EXPECT_EQ(v.signatures[1].header_index, 1u);

  Options cap;
  cap.max_signatures = 2;
  resolver_.clear_queries();
  Verdict c = verify(m, cap);
  ASSERT_EQ(c.signatures.size(), 3u);
  EXPECT_EQ(c.signatures[2].status, DkimResult::kNeutral);
  EXPECT_EQ(c.signatures[2].reason, Reason::kSignatureLimit);
  EXPECT_EQ(resolver_.queries().size(), 2u);
}

TEST_F(DkimVerify, SharedKeyIsLookedUpOnce) {
  std::string m = sign(sign(message_, "rsa"), "rsa");
  resolver_.clear_queries();
  Verdict v = verify(m);
  ASSERT_EQ(v.signatures.size(), 2u);
  EXPECT_EQ(v.signatures[0].status, DkimResult::kPass);
  EXPECT_EQ(v.signatures[1].status, DkimResult::kPass);
  EXPECT_EQ(resolver_.queries(), std::vector<std::string>{"rsa._domainkey.example.com/TXT"});
}

TEST_F(DkimVerify, NoSignatureIsDeliveredLater) {
  Verifier v(dispatcher_, resolver_, Options{}, testutil::fixed_clock(kNow));
  MessageView view = split_message(message_);
  bool called = false;
  auto h = v.verify(view, [&](Verdict verdict) {
    called = true;
    EXPECT_TRUE(verdict.signatures.empty());
  });
  EXPECT_FALSE(called);  // never from inside verify()
  dispatcher_.run();
  EXPECT_TRUE(called);
}

TEST_F(DkimVerify, TimeoutGivesTempErrorAndCancels) {
  SilentResolver silent;
  Options o;
  o.timeout = 0.05;
  Verifier v(dispatcher_, silent, o, testutil::fixed_clock(kNow));
  std::string m = sign(message_, "rsa");
  MessageView view = split_message(m);
  std::optional<Verdict> out;
  auto h = v.verify(view, [&](Verdict verdict) { out = std::move(verdict); });
  EXPECT_EQ(silent.live, 1);
  dispatcher_.run();
  ASSERT_TRUE(out.has_value());
  ASSERT_EQ(out->signatures.size(), 1u);
  EXPECT_EQ(out->signatures[0].status, DkimResult::kTempError);
  EXPECT_EQ(out->signatures[0].reason, Reason::kTimeout);
  EXPECT_EQ(silent.live, 0);  // the request handle was dropped
}

TEST_F(DkimVerify, DestroyingTheHandleCancels) {
  Verifier v(dispatcher_, resolver_, Options{}, testutil::fixed_clock(kNow));
  std::string m = sign(message_, "rsa");
  MessageView view = split_message(m);
  bool called = false;
  auto h = v.verify(view, [&](Verdict) { called = true; });
  h.reset();
  dispatcher_.run();
  EXPECT_FALSE(called);
}

TEST_F(DkimVerify, CallbackMayDestroyTheHandle) {
  Verifier v(dispatcher_, resolver_, Options{}, testutil::fixed_clock(kNow));
  std::string m = sign(sign(message_, "rsa"), "ed");
  MessageView view = split_message(m);
  VerificationPtr h;
  int calls = 0;
  h = v.verify(view, [&](Verdict verdict) {
    ++calls;
    EXPECT_EQ(verdict.signatures.size(), 2u);
    h.reset();
  });
  dispatcher_.run();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace mw::auth::dkim
