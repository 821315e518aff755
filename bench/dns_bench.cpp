// DNS module micro benchmarks: reply decoding, query encoding, name conversion, cache hits,
// and full UdpResolver round trips against the in-process test server on loopback.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dns/cache.h"
#include "dns/ldns_ptr.h"
#include "dns/name.h"
#include "dns/udp_resolver.h"
#include "dns/wire.h"
#include "fake_dns_server.h"
#include "test_util.h"

namespace {

using namespace mw::dns;

std::vector<uint8_t> sample_reply() {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_id(pkt.get(), 7);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_rr* q = nullptr;
  ldns_rr_new_question_frm_str(&q, "example.org. IN TXT", nullptr, nullptr);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, q);
  for (const char* text :
       {"example.org. 300 IN CNAME spf.example.net.",
        "spf.example.net. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 \" "
        "\"include:_spf.example.com include:_spf.example.net ~all\"",
        "spf.example.net. 300 IN TXT \"google-site-verification=abcdefghijklmnop\""}) {
    ldns_rr* rr = nullptr;
    ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  }
  uint8_t* raw = nullptr;
  size_t size = 0;
  ldns_pkt2wire(&raw, pkt.get(), &size);
  LdnsBytesPtr bytes(raw);
  return std::vector<uint8_t>(bytes.get(), bytes.get() + size);
}

void BM_DecodeReply(benchmark::State& state) {
  auto wire = sample_reply();
  for (auto _ : state) {
    auto d = decode_reply(wire);
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_DecodeReply);

void BM_EncodeQuery(benchmark::State& state) {
  std::string wire = name_to_wire("selector._domainkey.example.org");
  uint16_t id = 0;
  for (auto _ : state) {
    auto q = encode_query(wire, RrType::kTxt, ++id, 1232);
    benchmark::DoNotOptimize(q);
  }
}
BENCHMARK(BM_EncodeQuery);

void BM_NameToAscii(benchmark::State& state) {
  auto enc = NameEncoder::create();
  std::string name =
      state.range(0) == 0 ? "Mail.Example.ORG." : "m\xC3\xBCnchen.b\xC3\xBC" "cher.de";
  for (auto _ : state) {
    auto a = enc->to_ascii(name);
    benchmark::DoNotOptimize(a);
  }
  state.SetLabel(state.range(0) == 0 ? "ascii" : "idn");
}
BENCHMARK(BM_NameToAscii)->Arg(0)->Arg(1);

void BM_CacheHit(benchmark::State& state) {
  AnswerCache cache(4096);
  auto d = decode_reply(sample_reply());
  std::vector<std::string> names;
  for (int i = 0; i < 4096; ++i) {
    names.push_back("host" + std::to_string(i) + ".example.org");
    cache.insert(names.back(), RrType::kTxt, d->reply, 300, 0);
  }
  size_t i = 0;
  for (auto _ : state) {
    auto hit = cache.lookup(names[i++ & 4095], RrType::kTxt, 1);
    benchmark::DoNotOptimize(hit);
  }
}
BENCHMARK(BM_CacheHit);

// Full lookups over loopback UDP: `range(0)` lookups of distinct names in flight at once,
// cache disabled, against the in-process test server on the same loop.
void BM_ResolveLoopback(benchmark::State& state) {
  mw::core::Dispatcher d;
  mw::core::Logger log(mw::core::LogLevel::kSilent);
  testing::FakeDnsServer server(d);
  server.add("test. 3600 IN SOA ns.test. h.test. 1 3600 600 86400 60");
  ResolverConfig c;
  c.nameservers.push_back(*parse_nameserver(server.address()));
  c.cache_size = 0;
  auto created = UdpResolver::create(d, c, log);
  auto r = std::move(*created);
  const int batch = static_cast<int>(state.range(0));
  int64_t total = 0;
  int round = 0;
  for (auto _ : state) {
    int done = 0;
    std::vector<RequestPtr> handles;
    for (int i = 0; i < batch; ++i) {
      std::string name = "n" + std::to_string(i) + "-" + std::to_string(round) + ".test";
      handles.push_back(r->resolve(name, RrType::kA, [&](const Reply&) { ++done; }));
    }
    testing::run_until(d, [&] { return done == batch; }, 10);
    total += done;
    server.clear_seen();
    ++round;
  }
  state.SetItemsProcessed(total);
}
BENCHMARK(BM_ResolveLoopback)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
