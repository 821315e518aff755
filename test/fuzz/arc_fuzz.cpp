// Fuzz target: ARC header parsers and chain structure checks (src/auth/arc). ARC fields are
// written by every relay a message went through: parsing them, checking the structure,
// hashing the sets and building the next set must never crash, hang or read out of bounds.
// The input is used as an ARC-Authentication-Results value and as a whole message: the chain
// is collected (a valid structure must have N complete sets and consistent cv=), every seal
// digest is computed, Authentication-Results are consolidated, and a new ARC set is sealed
// with a fixed Ed25519 key whenever the chain result allows one; the sealed message must
// then parse as a chain one instance longer.
// Seeds: test/fuzz/corpus/arc/ (messages of the ARC conformance suite, AAR values).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/arc/chain.h"
#include "auth/arc/sealer.h"
#include "auth/dkim/crypto.h"
#include "auth/dkim/message.h"

namespace {

using namespace mw::auth;

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

const arc::Sealer& sealer() {
  static const arc::Sealer s = [] {
    // RFC 8032 7.1 test 1 secret key (raw seed, base64).
    auto key = dkim::PrivateKey::from_text("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    arc::SealOptions o;
    o.domain = "relay.example";
    o.selector = "arc";
    o.headers = {"from", "subject", "arc-authentication-results", "arc-message-signature"};
    return std::move(arc::Sealer::create(std::move(*key), o).value());
  }();
  return s;
}

void chain_checks(const dkim::MessageView& m) {
  arc::Chain c = arc::collect_chain(m);
  if (c.status == arc::ChainStatus::kPass) {
    CHECK(c.sets.size() == c.max_instance && c.max_instance >= 1 && c.max_instance <= 50);
    for (size_t i = 0; i < c.sets.size(); ++i) {
      const arc::ArcSet& s = c.sets[i];
      CHECK(s.instance == i + 1);
      CHECK(s.aar.ok && s.aar.instance == s.instance);
      CHECK(s.ams.instance == s.instance && s.seal.instance == s.instance);
      CHECK(s.seal.chain_validation == (i == 0 ? "none" : "pass"));
      CHECK(s.aar_index < m.headers.size() && s.ams_index < m.headers.size() &&
            s.seal_index < m.headers.size());
      CHECK(arc::seal_digest(m, c.sets, i + 1).size() == 32);
    }
  } else if (c.status == arc::ChainStatus::kNone) {
    for (const auto& f : m.headers) CHECK(!arc::is_arc_field(f.name));
  } else {
    CHECK(c.sets.empty() && !c.detail.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  arc::AuthResults aar = arc::parse_aar(input);
  CHECK(aar.ok == (aar.instance > 0));
  CHECK(aar.ok || !aar.problem.empty());

  dkim::MessageView m = dkim::split_message(input);
  chain_checks(m);
  (void)arc::collect_auth_results(m, "relay.example");

  arc::Chain c = arc::collect_chain(m);
  arc::SealRequest req;
  req.chain = c.status == arc::ChainStatus::kPass && c.max_instance > 0 ? arc::ChainStatus::kPass
              : c.status == arc::ChainStatus::kNone                     ? arc::ChainStatus::kNone
                                                                        : arc::ChainStatus::kFail;
  req.authserv_id = "relay.example";
  req.results = arc::collect_auth_results(m, "relay.example");
  auto out = sealer().seal(m, req, 1700000000);
  if (out && out->sealed) {
    std::string sealed = out->set.fields() + std::string(input);
    dkim::MessageView m2 = dkim::split_message(sealed);
    arc::Chain c2 = arc::collect_chain(m2);
    if (req.chain == arc::ChainStatus::kPass || req.chain == arc::ChainStatus::kNone) {
      // Our own set on a valid chain keeps it structurally valid.
      CHECK(c2.status == arc::ChainStatus::kPass);
      CHECK(c2.max_instance == c.max_instance + 1);
    } else {
      CHECK(c2.status == arc::ChainStatus::kFail);
    }
  }
  return 0;
}
