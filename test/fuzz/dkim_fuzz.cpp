// Fuzz target: DKIM parsers and canonicalisation (src/auth/dkim). Signature fields and
// messages come from any sender, key records from any domain's DNS: none of it may crash,
// hang or read out of bounds. The input is used as
//   - a tag-list, a DKIM-Signature / ARC-Message-Signature / ARC-Seal value, a key record,
//     base64 and dkim-quoted-printable text;
//   - a whole message: split into fields (the split must partition the input), every field
//     and the body canonicalised both ways (relaxed output must be idempotent), and every
//     DKIM-Signature evaluated up to the signature check against fixed RSA and Ed25519 keys.
// Seeds: test/fuzz/corpus/dkim/ and the Mail::DKIM corpus in test/data.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/dkim/canon.h"
#include "auth/dkim/evaluate.h"
#include "auth/dkim/key_record.h"
#include "auth/dkim/message.h"
#include "auth/dkim/signature.h"
#include "auth/dkim/tag_list.h"
#include "auth/dkim/text.h"
#include "core/ascii.h"

namespace {

using namespace mw::auth::dkim;

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

class StringSink final : public ByteSink {
 public:
  void write(std::string_view b) override { out.append(b); }
  std::string out;
};

std::string body_of(Canon c, std::string_view b) {
  StringSink s;
  canon_body(c, b, s);
  return s.out;
}

void tag_lists(std::string_view in) {
  auto tags = parse_tag_list(in);
  if (!tags) return;
  for (const auto& t : *tags) {
    CHECK(t.raw_begin <= t.raw_end && t.raw_end <= in.size());
    CHECK(t.value.data() >= in.data() + t.raw_begin);
    CHECK(t.value.data() + t.value.size() <= in.data() + t.raw_end);
    CHECK(!t.name.empty());
  }
}

void signatures(std::string_view in) {
  for (SignatureKind k :
       {SignatureKind::kDkim, SignatureKind::kArcMessage, SignatureKind::kArcSeal}) {
    Signature s = parse_signature(in, k);
    CHECK(s.b_begin <= s.b_end && s.b_end <= in.size());
    if (s.ok()) {
      CHECK(is_valid_domain(s.domain));
      CHECK(is_valid_selector(s.selector));
      CHECK(!s.signature.empty());
      CHECK(k == SignatureKind::kArcSeal || !s.body_hash.empty());
      CHECK(k == SignatureKind::kDkim || (s.instance > 0 && s.instance < 1000));
    } else {
      CHECK(!s.problem_detail.empty());
    }
  }
  KeyRecord r = parse_key_record(in);
  CHECK(r.ok() == r.key.has_value());
}

void encodings(std::string_view in) {
  auto dec = base64_decode(in);
  if (dec) CHECK(*base64_decode(base64_encode(*dec)) == *dec);
  CHECK(*base64_decode(base64_encode(in)) == in);
  (void)dkim_qp_decode(in);
  (void)is_valid_domain(in);
  (void)is_valid_selector(in);
}

const KeyRecord& rsa_key() {
  // RFC 8463 Appendix A "test" RSA key (public part), 1024 bits.
  static const KeyRecord k = parse_key_record(
      "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5q"
      "hdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4"
      "hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB");
  return k;
}
const KeyRecord& ed_key() {
  // RFC 8463 Appendix A Ed25519 key.
  static const KeyRecord k =
      parse_key_record("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  return k;
}

void message(std::string_view in) {
  MessageView m = split_message(in);
  // The split partitions the input: fields, then the empty line, then the body.
  size_t covered = 0;
  for (const auto& f : m.headers) {
    CHECK(f.raw.data() == in.data() + covered);
    covered += f.raw.size();
    CHECK(f.name.empty() || is_field_name(f.name));
  }
  CHECK(covered <= in.size());
  size_t rest = in.size() - covered;  // the empty line (CRLF or LF) and the body, or nothing
  CHECK(rest >= m.body.size());
  CHECK(rest == 0 || rest - m.body.size() == 1 || rest - m.body.size() == 2);
  if (!m.body.empty()) CHECK(m.body.data() + m.body.size() == in.data() + in.size());

  for (const auto& f : m.headers) {
    std::string s, r, rr;
    canon_header(Canon::kSimple, f.raw, s);
    canon_header(Canon::kRelaxed, f.raw, r);
    CHECK(s.size() >= 2 && s.compare(s.size() - 2, 2, "\r\n") == 0);
    CHECK(r.find("\r\n") == r.size() - 2);  // unfolded: one line
    CHECK(r.find("  ") == std::string::npos);
  }
  std::string relaxed = body_of(Canon::kRelaxed, m.body);
  CHECK(body_of(Canon::kRelaxed, relaxed) == relaxed);
  CHECK(relaxed.find(" \r\n") == std::string::npos);
  std::string simple = body_of(Canon::kSimple, m.body);
  CHECK(body_of(Canon::kSimple, simple) == simple);
  CHECK(simple.size() >= 2);

  Policy policy;
  policy.allow_rsa_sha1 = true;
  policy.min_key_bits = 512;
  BodyHashCache bodies(m.body);
  int evaluated = 0;
  for (size_t i = 0; i < m.headers.size() && evaluated < 4; ++i) {
    if (!mw::core::iequals(m.headers[i].name, "DKIM-Signature")) continue;
    ++evaluated;
    Signature sig = parse_signature(m.headers[i].value(), SignatureKind::kDkim);
    SignatureVerdict v = start_verdict(sig, i);
    if (!precheck(sig, policy, 1700000000, v)) continue;
    const KeyRecord& key = sig.algorithm == Algorithm::kEd25519Sha256 ? ed_key() : rsa_key();
    evaluate_with_key(m, i, sig, key, policy, bodies, v);
    CHECK(v.status != DkimResult::kPass || v.reason == Reason::kNone);
    auto idx = select_headers(m.headers, sig.signed_headers);
    for (size_t j : idx) CHECK(j < m.headers.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  tag_lists(input);
  signatures(input);
  encodings(input);
  message(input);
  return 0;
}
