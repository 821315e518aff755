#include "auth/dkim/signer.h"

#include <algorithm>

#include "auth/dkim/evaluate.h"
#include "auth/dkim/fold.h"
#include "auth/dkim/text.h"
#include "core/ascii.h"
#include "dns/name.h"

namespace mw::auth::dkim {

namespace {

constexpr std::string_view kFieldName = "DKIM-Signature";
constexpr size_t kTxtStringMax = 255;  // RFC 1035 character-string

bool qp_safe(unsigned char c) {
  // dkim-safe-char = %x21-3A / %x3C / %x3E-7E (no ';', no '=', no space or controls)
  return (c >= 0x21 && c <= 0x3A) || c == 0x3C || (c >= 0x3E && c <= 0x7E);
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return s == name; });
}

}  // namespace

std::string dkim_qp_encode(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (qp_safe(c)) {
      out.push_back(ch);
    } else {
      out.push_back('=');
      core::append_hex(out, c, /*upper=*/true);
    }
  }
  return out;
}

std::vector<std::string> headers_to_sign(const MessageView& message,
                                         const std::vector<std::string>& headers,
                                         const std::vector<std::string>& oversign) {
  std::vector<std::string> names;  // distinct, lower-cased, in order
  for (const auto& list : {&headers, &oversign}) {
    for (const auto& n : *list) {
      std::string lower = to_lower(n);
      if (!contains(names, lower)) names.push_back(std::move(lower));
    }
  }
  std::vector<std::string> out;
  for (const auto& name : names) {
    size_t count = 0;
    for (const auto& f : message.headers) count += iequals(f.name, name) ? 1 : 0;
    // Over-signing DKIM-Signature would make a verifier select the new signature itself,
    // whose b= cannot be known while signing.
    bool over = name != "dkim-signature" &&
                std::any_of(oversign.begin(), oversign.end(),
                            [&](const std::string& o) { return iequals(o, name); });
    if (over) ++count;
    for (size_t i = 0; i < count; ++i) out.push_back(name);
  }
  return out;
}

Result<Signer> Signer::create(PrivateKey key, SignOptions options) {
  options.domain = to_lower(options.domain);
  if (!is_valid_domain(options.domain)) {
    return fail(ErrorCode::kInvalidInput, "invalid signing domain '" + options.domain + "'");
  }
  if (!is_valid_selector(options.selector)) {
    return fail(ErrorCode::kInvalidInput, "invalid selector '" + options.selector + "'");
  }
  if (!options.identity.empty()) {
    size_t at = options.identity.rfind('@');
    if (at == std::string::npos ||
        !dns::is_same_or_subdomain(std::string_view(options.identity).substr(at + 1),
                                    options.domain)) {
      return fail(ErrorCode::kInvalidInput, "identity must be [local]@<d= or a subdomain>");
    }
  }
  for (const auto* list : {&options.headers, &options.oversign}) {
    for (const auto& n : *list) {
      if (!is_field_name(n)) return fail(ErrorCode::kInvalidInput, "bad header name '" + n + "'");
    }
  }
  bool from = false;
  for (const auto* list : {&options.headers, &options.oversign}) {
    for (const auto& n : *list) from = from || iequals(n, "from");
  }
  if (!from) options.headers.insert(options.headers.begin(), "from");
  if (key.type() == KeyType::kRsa && key.bits() < 1024) {
    return fail(ErrorCode::kInvalidInput, "RSA signing keys must have at least 1024 bits");
  }
  if (options.line_ending != "\r\n" && options.line_ending != "\n") {
    return fail(ErrorCode::kInvalidInput, "line_ending must be CRLF or LF");
  }
  return Signer(std::move(key), std::move(options));
}

Result<SignedField> Signer::sign(const MessageView& message, int64_t now) const {
  bool has_from = std::any_of(message.headers.begin(), message.headers.end(),
                              [](const HeaderField& f) { return iequals(f.name, "from"); });
  if (!has_from) return fail(ErrorCode::kInvalidInput, "the message has no From field to sign");

  Algorithm alg =
      key_.type() == KeyType::kEd25519 ? Algorithm::kEd25519Sha256 : Algorithm::kRsaSha256;
  HashAlg hash = hash_of(alg);
  auto body = compute_body_hash(message.body, options_.body_canon, hash, std::nullopt);

  std::vector<std::string> signed_headers =
      headers_to_sign(message, options_.headers, options_.oversign);

  Folder f(kFieldName.size() + 2, options_.line_width, options_.line_ending);
  f.tag("v", "1");
  f.tag("a", algorithm_name(alg));
  f.tag("c", std::string(canon_name(options_.header_canon)) + "/" +
                 std::string(canon_name(options_.body_canon)));
  f.tag("d", options_.domain);
  f.tag("s", options_.selector);
  if (!options_.identity.empty()) f.tag("i", dkim_qp_encode(options_.identity));
  if (options_.body_length) f.tag("l", std::to_string(body.canonical_length));
  if (options_.timestamp) f.tag("t", std::to_string(now));
  if (options_.expire_after > 0) f.tag("x", std::to_string(now + options_.expire_after));
  std::string h;
  for (const auto& name : signed_headers) {
    if (!h.empty()) h += ':';
    h += name;
  }
  f.tag("h", h, Split::kAfterColon);
  f.tag("bh", base64_encode(body.digest), Split::kAnywhere);
  f.tag("b", "", Split::kAnywhere);

  // Hash the selected fields and this field with b= empty (b= is last, so the field as
  // folded so far is exactly what a verifier reconstructs).
  std::string field = std::string(kFieldName) + ": " + f.text();
  std::string digest = header_digest_of(message, signed_headers, options_.header_canon, hash, field,
                                        field.size(), field.size());
  auto signature = key_.sign(hash, digest);
  if (!signature) return fail(signature.error());
  f.append(base64_encode(*signature), Split::kAnywhere);
  return SignedField{std::string(kFieldName), f.text()};
}

Result<GeneratedKey> dkim_keygen(KeyType type, int bits) {
  auto key = PrivateKey::generate(type, bits);
  if (!key) return fail(key.error());
  auto pem = key->to_pem();
  if (!pem) return fail(pem.error());
  GeneratedKey out;
  out.type = type;
  out.bits = key->bits();
  out.private_pem = std::move(*pem);
  out.txt_record =
      "v=DKIM1; k=" + std::string(key_type_name(type)) + "; p=" + key->public_key_base64();
  std::string_view rest = out.txt_record;
  while (!rest.empty()) {
    size_t take = std::min(rest.size(), kTxtStringMax);
    if (!out.zone_text.empty()) out.zone_text += ' ';
    out.zone_text += '"';
    out.zone_text.append(rest.substr(0, take));
    out.zone_text += '"';
    rest.remove_prefix(take);
  }
  return out;
}

}  // namespace mw::auth::dkim
