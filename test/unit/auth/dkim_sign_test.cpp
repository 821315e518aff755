// DKIM signing: the sign-then-verify cases of dkimpy's expected-results.tsv (its keys and key
// records, our signer and verifier), output format and folding, header selection with
// over-signing, key loading and generation, and [options.dkim].
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/dkim/options.h"
#include "auth/dkim/signer.h"
#include "auth/dkim/verifier.h"
#include "core/config.h"
#include "dkim_test_util.h"

namespace mw::auth::dkim {
namespace {

using testutil::read_file;
using testutil::testdata;

constexpr int64_t kNow = 1700000000;

std::string dkimpy(const std::string& file) { return testdata("dkim/dkimpy/data/" + file); }

std::string record_file(const std::string& file) {
  std::string v = read_file(dkimpy(file));
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  return v;
}

class DkimSign : public ::testing::Test {
 protected:
  // Sign `raw` with the key file, serve `record` at <sel>._domainkey.<domain>, verify.
  SignatureVerdict round_trip(const std::string& raw, const std::string& key_file,
                              const std::string& sel, const std::string& domain,
                              const std::string& record, SignOptions opts = {},
                              const std::string& appended = "") {
    dns::FakeResolver resolver(dispatcher_);
    testutil::add_key(resolver, sel + "._domainkey." + domain, record);
    auto key = PrivateKey::from_file(key_file);
    EXPECT_TRUE(key.has_value()) << key_file << ": " << (key ? "" : key.error().message);
    if (!key) return {};
    opts.domain = domain;
    opts.selector = sel;
    auto signer = Signer::create(std::move(*key), opts);
    EXPECT_TRUE(signer.has_value()) << (signer ? "" : signer.error().message);
    MessageView view = split_message(raw);
    auto field = signer->sign(view, kNow);
    EXPECT_TRUE(field.has_value()) << (field ? "" : field.error().message);
    if (!field) return {};
    std::string signed_msg = field->field() + "\r\n" + raw + appended;
    Verifier v(dispatcher_, resolver, Options{}, testutil::fixed_clock(kNow));
    MessageView sv = split_message(signed_msg);
    Verdict verdict = testutil::run_dkim(dispatcher_, v, sv);
    EXPECT_EQ(verdict.signatures.size(), 1u);
    return verdict.signatures.empty() ? SignatureVerdict{} : verdict.signatures[0];
  }

  core::Dispatcher dispatcher_;
};

TEST_F(DkimSign, DkimpySignThenVerify) {
  const std::string msg = read_file(dkimpy("test.message"));
  const std::string key = dkimpy("test.private");
  int total = 0, ok = 0;
  auto expect = [&](const SignatureVerdict& v, DkimResult want, const std::string& what) {
    ++total;
    EXPECT_EQ(v.status, want) << what << ": " << reason_name(v.reason) << " " << v.detail;
    if (v.status == want) ++ok;
  };
  for (Canon h : {Canon::kSimple, Canon::kRelaxed}) {
    for (Canon b : {Canon::kSimple, Canon::kRelaxed}) {
      SignOptions o;
      o.header_canon = h;
      o.body_canon = b;
      std::string what =
          "test.message " + std::string(canon_name(h)) + "/" + std::string(canon_name(b));
      expect(round_trip(msg, key, "test", "example.com", record_file("test.txt"), o), DkimResult::kPass,
             what);
      expect(round_trip(msg, key, "test", "example.com", record_file("test2.txt"), o),
             DkimResult::kPass, what + " (key without k=)");
      // Appended body text fails, unless l= was used (then it is flagged).
      expect(
          round_trip(msg, key, "test", "example.com", record_file("test.txt"), o, "appended\r\n"),
          DkimResult::kFail, what + " + appended text");
      SignOptions l = o;
      l.body_length = true;
      SignatureVerdict lv =
          round_trip(msg, key, "test", "example.com", record_file("test.txt"), l, "appended\r\n");
      expect(lv, DkimResult::kPass, what + " l= + appended text");
      EXPECT_TRUE(lv.body_beyond_length);
    }
  }
  expect(round_trip(msg, key, "test", "example.com", record_file("badversion.txt")),
         DkimResult::kPermError, "badversion.txt");
  expect(round_trip(msg, key, "test", "example.com", record_file("badk.txt")), DkimResult::kPermError,
         "badk.txt");
  expect(round_trip(msg, key, "test", "example.com", record_file("test_tlsrpt.txt")),
         DkimResult::kPermError, "test_tlsrpt.txt");
  struct KeyCase {
    const char* key;
    const char* record;
  };
  for (const KeyCase& c : {KeyCase{"1024_testkey.key", "1024_testkey_wo_markers.pub.txt"},
                           KeyCase{"1024_testkey.key", "1024_testkey_wo_markers.pub.rsa.txt"},
                           KeyCase{"2048_testkey.key", "2048_testkey_wo_markers.pub.txt"},
                           KeyCase{"2048_testkey.key", "2048_testkey_wo_markers.pub.rsa.txt"},
                           KeyCase{"2048_testkey_PKCS8.key", "2048_testkey_PKCS8.key.pub.txt"}}) {
    expect(round_trip(msg, dkimpy(c.key), "test", "example.com", record_file(c.record)),
           DkimResult::kPass, std::string(c.key) + " / " + c.record);
  }
  // RFC 8463 example message: Ed25519 (raw seed key file) and RSA.
  const std::string rfc = read_file(dkimpy("rfc6376.msg"));
  expect(round_trip(rfc, dkimpy("rfc8032_7_1.key"), "brisbane", "football.example.com",
                    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
         DkimResult::kPass, "rfc6376.msg ed25519");
  expect(round_trip(rfc, key, "test", "football.example.com", record_file("test.txt")),
         DkimResult::kPass, "rfc6376.msg rsa");
  expect(round_trip(read_file(dkimpy("ed25519test.msg")), dkimpy("ed25519test.key"), "test",
                    "example.net",
                    "v=DKIM1; k=ed25519; p=yi50DjK5O9pqbFpNHklsv9lqaS0ArSYu02qp1S0DW1Y="),
         DkimResult::kPass, "ed25519test.msg");
  // Upstream notes the Windows-1258 message does not verify in dkimpy 1.1.0; byte-based
  // canonicalisation has no trouble with it.
  expect(round_trip(read_file(dkimpy("rfc6376.w1258.msg")), key, "test", "football.example.com",
                    record_file("test.txt")),
         DkimResult::kPass, "rfc6376.w1258.msg");
  expect(round_trip(read_file(dkimpy("test_extra.message")), key, "test", "example.com",
                    record_file("test.txt")),
         DkimResult::kPass, "test_extra.message");
  std::printf("dkimpy sign-then-verify: %d/%d as expected\n", ok, total);
}

Signer make_signer(SignOptions o, const char* key = "dkim/dkimpy/data/test.private") {
  if (o.domain.empty()) o.domain = "example.com";
  if (o.selector.empty()) o.selector = "test";
  auto k = PrivateKey::from_file(testdata(key));
  EXPECT_TRUE(k.has_value());
  auto s = Signer::create(std::move(*k), o);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return std::move(*s);
}

TEST(DkimSigner, FromIsMandatory) {
  Signer s = make_signer({});
  std::string raw = read_file(dkimpy("test_nofrom.message"));
  auto r = s.sign(split_message(raw), kNow);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
}

TEST(DkimSigner, OutputFormat) {
  SignOptions o;
  o.expire_after = 86400;
  o.identity = "news@mail.example.com";
  Signer s = make_signer(o);
  std::string raw =
      "From: a@example.com\r\nTo: b@example.org\r\nTo: c@example.org\r\n"
      "Received: x\r\n\r\nbody\r\n";
  auto f = s.sign(split_message(raw), kNow);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->name, "DKIM-Signature");
  const std::string& v = f->value;
  EXPECT_EQ(v.rfind("v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=test;", 0), 0u) << v;
  EXPECT_NE(v.find("t=1700000000"), std::string::npos);
  EXPECT_NE(v.find("x=1700086400"), std::string::npos);
  EXPECT_NE(v.find("i=news@mail.example.com"), std::string::npos);
  // From and To over-signed (present + 1), Subject/Date over-signed though absent,
  // Received never signed by default.
  std::string flat;
  for (char c : v) {
    if (c != '\r' && c != '\n' && c != '\t' && c != ' ') flat.push_back(c);
  }
  EXPECT_NE(flat.find("h=from:from:subject:date:to:to:to;"), std::string::npos) << flat;
  EXPECT_EQ(flat.find("received"), std::string::npos);
  // Folded at 78 columns with CRLF + SP; nothing after the last b= character.
  size_t col = std::string("DKIM-Signature: ").size();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\r') {
      ASSERT_EQ(v.substr(i, 3), "\r\n ");
      EXPECT_LE(col, 78u);
      col = 0;
      i += 1;
      continue;
    }
    ++col;
  }
  EXPECT_LE(col, 78u);
  EXPECT_NE(v.back(), '\n');

  SignOptions lf;
  lf.line_ending = "\n";
  auto lf_field = make_signer(lf).sign(split_message(raw), kNow);
  ASSERT_TRUE(lf_field.has_value());
  EXPECT_EQ(lf_field->value.find('\r'), std::string::npos);
  EXPECT_NE(lf_field->value.find("\n "), std::string::npos);

  SignOptions bare;
  bare.timestamp = false;
  auto nf = make_signer(bare).sign(split_message(raw), kNow);
  EXPECT_EQ(nf->value.find("t="), std::string::npos);
}

TEST(DkimSigner, HeadersToSign) {
  MessageView m = split_message("From: a\r\nCc: x\r\ncc: y\r\nX-Y: z\r\n\r\n");
  EXPECT_EQ(headers_to_sign(m, {"From", "cc", "x-y", "reply-to"}, {"from", "Subject"}),
            (std::vector<std::string>{"from", "from", "cc", "cc", "x-y", "subject"}));
}

TEST(DkimSigner, CreateRejectsBadParameters) {
  auto key = [] { return *PrivateKey::generate(KeyType::kEd25519, 0).value().to_pem(); };
  auto try_create = [&](SignOptions o) {
    return Signer::create(PrivateKey::from_text(key()).value(), std::move(o)).has_value();
  };
  SignOptions ok;
  ok.domain = "Example.COM";
  ok.selector = "s1";
  EXPECT_TRUE(try_create(ok));
  SignOptions bad_domain = ok;
  bad_domain.domain = "example";
  EXPECT_FALSE(try_create(bad_domain));
  SignOptions bad_sel = ok;
  bad_sel.selector = "a b";
  EXPECT_FALSE(try_create(bad_sel));
  SignOptions bad_id = ok;
  bad_id.identity = "x@other.org";
  EXPECT_FALSE(try_create(bad_id));
  SignOptions bad_header = ok;
  bad_header.headers.push_back("bad name");
  EXPECT_FALSE(try_create(bad_header));
  SignOptions bad_eol = ok;
  bad_eol.line_ending = "\r";
  EXPECT_FALSE(try_create(bad_eol));
  // From is added when the lists forget it.
  SignOptions no_from = ok;
  no_from.headers = {"subject"};
  no_from.oversign = {};
  auto s = Signer::create(PrivateKey::from_text(key()).value(), no_from);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->options().headers.front(), "from");
}

TEST(DkimKeys, LoadAndGenerate) {
  EXPECT_FALSE(PrivateKey::from_text("not a key").has_value());
  EXPECT_FALSE(
      PrivateKey::from_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
          .has_value());
  EXPECT_EQ(PrivateKey::from_file("/nonexistent/key.pem").error().code, ErrorCode::kIo);
  auto seed = PrivateKey::from_file(dkimpy("rfc8032_7_1.key"));
  ASSERT_TRUE(seed.has_value());
  EXPECT_EQ(seed->type(), KeyType::kEd25519);
  // RFC 8032 7.1 test 1: this secret key has this public key.
  EXPECT_EQ(seed->public_key_base64(), "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  auto pkcs1 = PrivateKey::from_file(dkimpy("test.private"));
  ASSERT_TRUE(pkcs1.has_value());
  EXPECT_EQ(pkcs1->bits(), 1024);
  EXPECT_FALSE(PrivateKey::generate(KeyType::kRsa, 512).has_value());

  for (KeyType t : {KeyType::kRsa, KeyType::kEd25519}) {
    auto g = dkim_keygen(t, 2048);
    ASSERT_TRUE(g.has_value());
    EXPECT_EQ(g->private_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    std::string prefix = "v=DKIM1; k=" + std::string(key_type_name(t)) + "; p=";
    EXPECT_EQ(g->txt_record.rfind(prefix, 0), 0u);
    // The record parses into a usable key of the right size, matching the private key.
    KeyRecord rec = parse_key_record(g->txt_record);
    ASSERT_TRUE(rec.ok()) << rec.problem_detail;
    EXPECT_EQ(rec.key->bits(), t == KeyType::kRsa ? 2048 : 256);
    auto back = PrivateKey::from_text(g->private_pem);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ("v=DKIM1; k=" + std::string(key_type_name(t)) + "; p=" + back->public_key_base64(),
              g->txt_record);
    // Zone text: quoted strings of at most 255 bytes that join back to the record.
    std::string joined;
    size_t pos = 0;
    while ((pos = g->zone_text.find('"', pos)) != std::string::npos) {
      size_t end = g->zone_text.find('"', pos + 1);
      ASSERT_NE(end, std::string::npos);
      EXPECT_LE(end - pos - 1, 255u);
      joined += g->zone_text.substr(pos + 1, end - pos - 1);
      pos = end + 1;
    }
    EXPECT_EQ(joined, g->txt_record);
  }
}

TEST(DkimOptions, DeclareAndRead) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  auto defaults = core::Config::from_string(schema, "", issues);
  ASSERT_TRUE(defaults.has_value());
  auto d = options_from(**defaults);
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->allow_rsa_sha1);
  EXPECT_EQ(d->min_key_bits, 1024u);
  EXPECT_EQ(d->max_signatures, 5u);
  EXPECT_DOUBLE_EQ(d->clock_skew, 300);
  EXPECT_DOUBLE_EQ(d->timeout, 5);

  auto cfg = core::Config::from_string(schema,
                                       "[options.dkim]\nallow_rsa_sha1 = true\n"
                                       "min_key_bits = 2048\nmax_signatures = 2\n"
                                       "clock_skew = \"30s\"\ntimeout = \"2s\"\n",
                                       issues);
  ASSERT_TRUE(cfg.has_value());
  auto o = options_from(**cfg);
  ASSERT_TRUE(o.has_value());
  EXPECT_TRUE(o->allow_rsa_sha1);
  EXPECT_EQ(o->min_key_bits, 2048u);
  EXPECT_EQ(o->max_signatures, 2u);
  EXPECT_EQ(o->policy().clock_skew, 30);
  EXPECT_DOUBLE_EQ(o->timeout, 2);

  issues.clear();
  auto bad = core::Config::from_string(schema, "[options.dkim]\nmin_key_bits = 64\n", issues);
  EXPECT_FALSE(bad.has_value());
  EXPECT_FALSE(issues.empty());
}

}  // namespace
}  // namespace mw::auth::dkim
