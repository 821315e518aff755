// DKIM and ARC costs per message (src/auth/dkim, src/auth/arc), keys generated at start-up:
//   Verify*        one signature of a ~4 KB message with the key already fetched and parsed
//                  (split, parse, body hash, header hash, signature check): the CPU a scan pays
//   VerifyAsync*   the same through Verifier and a FakeResolver on a Dispatcher (adds the key
//                  record parse and the event loop round trip)
//   Sign*          one DKIM-Signature for the same message
//   BodyHash       relaxed body canonicalisation + SHA-256, bytes/s
//   ArcValidate3   a three-hop chain through ChainVerifier + FakeResolver
//   ArcSeal        one ARC set on a one-hop chain
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include "auth/arc/sealer.h"
#include "auth/arc/verifier.h"
#include "auth/dkim/evaluate.h"
#include "auth/dkim/signer.h"
#include "auth/dkim/verifier.h"
#include "core/loop.h"
#include "dns/fake_resolver.h"

namespace {

using namespace mw::auth;

constexpr int64_t kNow = 1700000000;

std::string make_message() {
  std::string m =
      "Received: from mx.example.net (mx.example.net [192.0.2.1])\r\n"
      "\tby mail.example.com with ESMTPS id 4Qx; Mon, 2 Jan 2023 10:00:02 +0000\r\n"
      "From: Alice Example <alice@example.com>\r\n"
      "To: Bob <bob@example.org>, Carol <carol@example.org>\r\n"
      "Subject: Quarterly figures, as promised\r\n"
      "Date: Mon, 2 Jan 2023 10:00:00 +0000\r\n"
      "Message-ID: <20230102100000.1234@example.com>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "\r\n";
  for (int i = 0; i < 60; ++i) {
    m += "Line " + std::to_string(i) +
         " of the body, with  some   spacing and ordinary text to fill it up.  \r\n";
  }
  return m;
}

struct Fixture {
  std::string message = make_message();
  dkim::PrivateKey rsa = dkim::PrivateKey::generate(dkim::KeyType::kRsa, 2048).value();
  dkim::PrivateKey ed = dkim::PrivateKey::generate(dkim::KeyType::kEd25519, 0).value();
  std::string rsa_record = "v=DKIM1; k=rsa; p=" + rsa.public_key_base64();
  std::string ed_record = "v=DKIM1; k=ed25519; p=" + ed.public_key_base64();
  std::string signed_rsa = sign(rsa, "rsa");
  std::string signed_ed = sign(ed, "ed");

  std::string sign(const dkim::PrivateKey& key, const std::string& sel) {
    dkim::SignOptions o;
    o.domain = "example.com";
    o.selector = sel;
    auto s = dkim::Signer::create(dkim::PrivateKey::from_text(*key.to_pem()).value(), o);
    auto f = s->sign(dkim::split_message(message), kNow);
    return f->field() + "\r\n" + message;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void verify_with_key(benchmark::State& state, const std::string& msg, const std::string& record) {
  dkim::KeyRecord key = dkim::parse_key_record(record);
  dkim::Policy policy;
  for (auto _ : state) {
    dkim::MessageView view = dkim::split_message(msg);
    dkim::Signature sig =
        dkim::parse_signature(view.headers[0].value(), dkim::SignatureKind::kDkim);
    dkim::SignatureVerdict v = dkim::start_verdict(sig, 0);
    dkim::BodyHashCache bodies(view.body);
    if (dkim::precheck(sig, policy, kNow, v)) {
      dkim::evaluate_with_key(view, 0, sig, key, policy, bodies, v);
    }
    if (v.status != dkim::DkimResult::kPass) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(v);
  }
}

void BM_VerifyRsa2048(benchmark::State& state) {
  verify_with_key(state, fixture().signed_rsa, fixture().rsa_record);
}
BENCHMARK(BM_VerifyRsa2048);

void BM_VerifyEd25519(benchmark::State& state) {
  verify_with_key(state, fixture().signed_ed, fixture().ed_record);
}
BENCHMARK(BM_VerifyEd25519);

void verify_async(benchmark::State& state, const std::string& msg) {
  mw::core::Dispatcher dispatcher;
  mw::dns::FakeResolver resolver(dispatcher);
  resolver.add_txt("rsa._domainkey.example.com", fixture().rsa_record);
  resolver.add_txt("ed._domainkey.example.com", fixture().ed_record);
  dkim::Verifier verifier(dispatcher, resolver, dkim::Options{}, [] { return kNow; });
  dkim::MessageView view = dkim::split_message(msg);
  for (auto _ : state) {
    bool pass = false;
    auto h = verifier.verify(view, [&](dkim::Verdict v) { pass = v.any_pass(); });
    dispatcher.run();
    if (!pass) state.SkipWithError("verification failed");
  }
}

void BM_VerifyAsyncRsa2048(benchmark::State& state) { verify_async(state, fixture().signed_rsa); }
BENCHMARK(BM_VerifyAsyncRsa2048);

void BM_VerifyAsyncEd25519(benchmark::State& state) { verify_async(state, fixture().signed_ed); }
BENCHMARK(BM_VerifyAsyncEd25519);

void sign_bench(benchmark::State& state, const dkim::PrivateKey& key, const char* sel) {
  dkim::SignOptions o;
  o.domain = "example.com";
  o.selector = sel;
  auto signer = dkim::Signer::create(dkim::PrivateKey::from_text(*key.to_pem()).value(), o);
  for (auto _ : state) {
    dkim::MessageView view = dkim::split_message(fixture().message);
    auto f = signer->sign(view, kNow);
    benchmark::DoNotOptimize(f);
  }
}

void BM_SignRsa2048(benchmark::State& state) { sign_bench(state, fixture().rsa, "rsa"); }
BENCHMARK(BM_SignRsa2048);

void BM_SignEd25519(benchmark::State& state) { sign_bench(state, fixture().ed, "ed"); }
BENCHMARK(BM_SignEd25519);

void BM_BodyHash(benchmark::State& state) {
  std::string body;
  while (body.size() < 1024 * 1024) {
    body += "A line of   text\twith some whitespace   and a longer tail to make it average. \r\n";
  }
  for (auto _ : state) {
    auto e =
        dkim::compute_body_hash(body, dkim::Canon::kRelaxed, dkim::HashAlg::kSha256, std::nullopt);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_BodyHash);

std::string arc_hop(const std::string& msg, const dkim::PrivateKey& key, arc::ChainStatus status) {
  arc::SealOptions o;
  o.domain = "example.com";
  o.selector = key.type() == dkim::KeyType::kRsa ? "rsa" : "ed";
  auto s = arc::Sealer::create(dkim::PrivateKey::from_text(*key.to_pem()).value(), o);
  auto out = s->seal(dkim::split_message(msg), {status, "relay.example", "spf=pass"}, kNow);
  return out->set.fields() + msg;
}

void BM_ArcValidate3(benchmark::State& state) {
  Fixture& f = fixture();
  std::string m = arc_hop(f.message, f.rsa, arc::ChainStatus::kNone);
  m = arc_hop(m, f.ed, arc::ChainStatus::kPass);
  m = arc_hop(m, f.rsa, arc::ChainStatus::kPass);
  mw::core::Dispatcher dispatcher;
  mw::dns::FakeResolver resolver(dispatcher);
  resolver.add_txt("rsa._domainkey.example.com", f.rsa_record);
  resolver.add_txt("ed._domainkey.example.com", f.ed_record);
  arc::ChainVerifier verifier(dispatcher, resolver, arc::Options{}, [] { return kNow; });
  dkim::MessageView view = dkim::split_message(m);
  for (auto _ : state) {
    bool pass = false;
    auto h = verifier.verify(
        view, [&](arc::ChainVerdict v) { pass = v.status == arc::ChainStatus::kPass; });
    dispatcher.run();
    if (!pass) state.SkipWithError("chain did not pass");
  }
}
BENCHMARK(BM_ArcValidate3);

void BM_ArcSeal(benchmark::State& state) {
  Fixture& f = fixture();
  std::string m = arc_hop(f.message, f.rsa, arc::ChainStatus::kNone);
  arc::SealOptions o;
  o.domain = "example.com";
  o.selector = "rsa";
  auto s = arc::Sealer::create(dkim::PrivateKey::from_text(*f.rsa.to_pem()).value(), o);
  dkim::MessageView view = dkim::split_message(m);
  for (auto _ : state) {
    auto out = s->seal(view, {arc::ChainStatus::kPass, "relay.example", "spf=pass"}, kNow);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ArcSeal);

}  // namespace

namespace {
void BM_ParseKeyRecordRsa2048(benchmark::State& state) {
  for (auto _ : state) {
    auto k = mw::auth::dkim::parse_key_record(fixture().rsa_record);
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_ParseKeyRecordRsa2048);
void BM_ParseKeyRecordEd25519(benchmark::State& state) {
  for (auto _ : state) {
    auto k = mw::auth::dkim::parse_key_record(fixture().ed_record);
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_ParseKeyRecordEd25519);
}  // namespace
