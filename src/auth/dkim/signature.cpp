#include "auth/dkim/signature.h"

#include "auth/dkim/message.h"
#include "auth/dkim/tag_list.h"
#include "auth/dkim/text.h"
#include "dns/name.h"

namespace mw::auth::dkim {

namespace {

constexpr size_t kMaxTimestampDigits = 12;  // RFC 6376 3.5: t= and x= are 1*12DIGIT
constexpr size_t kMaxLengthDigits = 19;     // l= beyond uint64 is refused as malformed
constexpr size_t kMaxInstanceDigits = 3;

struct Parser {
  Signature& sig;

  void problem(Reason r, std::string detail) {
    if (sig.problem != Reason::kNone) return;
    sig.problem = r;
    sig.problem_detail = std::move(detail);
  }

  void canonicalization(std::string_view c) {
    std::string v = to_lower(c);
    size_t slash = v.find('/');
    std::string_view head = std::string_view(v).substr(0, slash);
    std::string_view body = slash == std::string::npos ? std::string_view("simple")
                                                       : std::string_view(v).substr(slash + 1);
    auto one = [](std::string_view s, Canon& out) {
      if (s == "simple")
        out = Canon::kSimple;
      else if (s == "relaxed")
        out = Canon::kRelaxed;
      else
        return false;
      return true;
    };
    if (!one(head, sig.header_canon) || !one(body, sig.body_canon)) {
      problem(Reason::kCanonicalization, "unknown canonicalization c=" + std::string(c));
    }
  }

  void header_list(std::string_view h) {
    for (std::string_view name : split_colon_list(h)) {
      if (name.empty()) continue;
      if (!is_field_name(name)) {
        problem(Reason::kBadTag, "h= names an invalid header field '" + std::string(name) + "'");
        continue;
      }
      sig.signed_headers.push_back(to_lower(name));
    }
  }

  void dkim_identity(std::string_view i) {
    auto decoded = dkim_qp_decode(i);
    if (!decoded) {
      problem(Reason::kIdentity, "i= is not valid quoted-printable");
      return;
    }
    sig.identity = *decoded;
    sig.has_identity = true;
    size_t at = sig.identity.rfind('@');
    if (at == std::string::npos) {
      problem(Reason::kIdentity, "i= has no '@'");
      return;
    }
    std::string_view idom = std::string_view(sig.identity).substr(at + 1);
    if (!is_valid_domain(idom, 1)) {
      problem(Reason::kIdentity, "i= domain is not a valid domain name");
    } else if (!sig.domain.empty() && !dns::is_same_or_subdomain(idom, sig.domain)) {
      problem(Reason::kIdentity, "i= domain is not d= or a subdomain of it");
    }
  }

  void number(const Tag* t, size_t digits, std::optional<uint64_t>& out) {
    if (t == nullptr) return;
    uint64_t v = 0;
    if (!parse_decimal(t->value, digits, v)) {
      problem(Reason::kBadTag, std::string(t->name) + "= is not a valid number");
      return;
    }
    out = v;
  }
};

}  // namespace

std::string_view algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::kRsaSha1: return "rsa-sha1";
    case Algorithm::kRsaSha256: return "rsa-sha256";
    case Algorithm::kEd25519Sha256: return "ed25519-sha256";
  }
  return "rsa-sha256";
}

std::optional<Algorithm> parse_algorithm(std::string_view text) {
  if (iequals(text, "rsa-sha256")) return Algorithm::kRsaSha256;
  if (iequals(text, "ed25519-sha256")) return Algorithm::kEd25519Sha256;
  if (iequals(text, "rsa-sha1")) return Algorithm::kRsaSha1;
  return std::nullopt;
}

KeyType key_type_of(Algorithm a) {
  return a == Algorithm::kEd25519Sha256 ? KeyType::kEd25519 : KeyType::kRsa;
}

HashAlg hash_of(Algorithm a) {
  return a == Algorithm::kRsaSha1 ? HashAlg::kSha1 : HashAlg::kSha256;
}

std::string Signature::key_name() const { return selector + "._domainkey." + domain; }

std::vector<std::string_view> split_colon_list(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t colon = text.find(':', pos);
    std::string_view item =
        text.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    out.push_back(trim_fws(item));
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  return out;
}

Signature parse_signature(std::string_view value, SignatureKind kind) {
  Signature sig;
  sig.kind = kind;
  Parser p{sig};
  auto parsed = parse_tag_list(value);
  if (!parsed) {
    p.problem(Reason::kSyntax, parsed.error().message);
    return sig;
  }
  const std::vector<Tag>& tags = *parsed;
  const bool dkim = kind == SignatureKind::kDkim;

  // Informational fields first, so that a verdict can name them whatever goes wrong.
  if (const Tag* d = find_tag(tags, "d")) sig.domain = to_lower(d->value);
  if (const Tag* s = find_tag(tags, "s")) sig.selector = std::string(s->value);
  if (const Tag* a = find_tag(tags, "a")) sig.algorithm_text = to_lower(a->value);
  if (const Tag* b = find_tag(tags, "b")) {
    sig.b_begin = b->raw_begin;
    sig.b_end = b->raw_end;
    for (char c : b->value) {
      if (!is_fws(c)) sig.b_text.push_back(c);
    }
  }

  if (dkim) {
    const Tag* v = find_tag(tags, "v");
    if (v == nullptr) {
      p.problem(Reason::kVersion, "v= is missing (pre-RFC 6376 signature)");
    } else if (v->value != "1") {
      p.problem(Reason::kVersion, "unsupported version v=" + std::string(v->value));
    }
  }
  static constexpr std::string_view kRequiredDkim[] = {"a", "b", "bh", "d", "h", "s"};
  static constexpr std::string_view kRequiredAms[] = {"a", "b", "bh", "d", "h", "i", "s"};
  static constexpr std::string_view kRequiredSeal[] = {"a", "b", "cv", "d", "i", "s"};
  const bool seal = kind == SignatureKind::kArcSeal;
  auto check_required = [&](const auto& names) {
    for (std::string_view name : names) {
      if (find_tag(tags, name) == nullptr) {
        p.problem(Reason::kMissingTag, "required tag " + std::string(name) + "= is missing");
      }
    }
  };
  if (dkim)
    check_required(kRequiredDkim);
  else if (seal)
    check_required(kRequiredSeal);
  else
    check_required(kRequiredAms);
  if (seal) {
    if (find_tag(tags, "h") != nullptr) p.problem(Reason::kBadTag, "h= is not allowed in ARC-Seal");
    if (const Tag* cv = find_tag(tags, "cv")) {
      sig.chain_validation = to_lower(cv->value);
      if (sig.chain_validation != "none" && sig.chain_validation != "pass" &&
          sig.chain_validation != "fail") {
        p.problem(Reason::kBadTag, "cv= is not none, pass or fail");
      }
    }
    sig.header_canon = Canon::kRelaxed;
  }

  if (const Tag* a = find_tag(tags, "a")) {
    auto alg = parse_algorithm(a->value);
    if (alg) {
      sig.algorithm = *alg;
    } else {
      p.problem(Reason::kAlgorithm, "unknown algorithm a=" + std::string(a->value));
    }
  }
  if (const Tag* b = find_tag(tags, "b")) {
    auto decoded = base64_decode(b->value);
    if (!decoded || decoded->empty()) {
      p.problem(Reason::kBadBase64, "b= is empty or not base64");
    } else {
      sig.signature = std::move(*decoded);
    }
  }
  const Tag* bh = seal ? nullptr : find_tag(tags, "bh");
  if (bh != nullptr) {
    auto decoded = base64_decode(bh->value);
    if (!decoded || decoded->empty()) {
      p.problem(Reason::kBadBase64, "bh= is empty or not base64");
    } else {
      sig.body_hash = std::move(*decoded);
    }
  }
  if (kind == SignatureKind::kArcMessage) {
    // An AMS without c= is taken as relaxed/relaxed: the ARC conformance suite
    // (ams_fields_c_na) and dkimpy, which generated it, do so; see signature.h.
    sig.header_canon = sig.body_canon = Canon::kRelaxed;
  }
  if (const Tag* c = find_tag(tags, "c"); c != nullptr && !seal) p.canonicalization(c->value);
  if (find_tag(tags, "d") != nullptr && !is_valid_domain(sig.domain)) {
    p.problem(Reason::kBadDomain, "d= is not a valid domain name");
  }
  if (find_tag(tags, "s") != nullptr && !is_valid_selector(sig.selector)) {
    p.problem(Reason::kBadDomain, "s= is not a valid selector");
  }
  if (const Tag* h = find_tag(tags, "h"); h != nullptr && !seal) {
    p.header_list(h->value);
    bool from = false;
    bool arc_seal = false;
    for (const auto& name : sig.signed_headers) {
      from = from || name == "from";
      arc_seal = arc_seal || name == "arc-seal";
    }
    if (dkim && !from) p.problem(Reason::kFromNotSigned, "h= does not include From");
    if (!dkim && arc_seal) {
      p.problem(Reason::kBadTag, "an ARC-Message-Signature must not sign ARC-Seal");
    }
  }
  if (const Tag* i = find_tag(tags, "i")) {
    if (dkim) {
      p.dkim_identity(i->value);
    } else {
      uint64_t inst = 0;
      if (parse_decimal(i->value, kMaxInstanceDigits, inst) && inst > 0) {
        sig.instance = static_cast<uint32_t>(inst);
      } else {
        p.problem(Reason::kBadTag, "i= is not a valid instance number");
      }
    }
  }
  if (dkim && !sig.has_identity && !sig.domain.empty()) sig.identity = "@" + sig.domain;
  p.number(find_tag(tags, "l"), kMaxLengthDigits, sig.body_length);
  if (const Tag* q = find_tag(tags, "q")) {
    bool dns_txt = false;
    for (std::string_view m : split_colon_list(q->value))
      dns_txt = dns_txt || iequals(m, "dns/txt");
    if (!dns_txt) p.problem(Reason::kQueryMethod, "q= does not offer dns/txt");
  }
  p.number(find_tag(tags, "t"), kMaxTimestampDigits, sig.timestamp);
  p.number(find_tag(tags, "x"), kMaxTimestampDigits, sig.expiration);
  if (sig.timestamp && sig.expiration && *sig.expiration <= *sig.timestamp) {
    p.problem(Reason::kTimestampOrder, "x= is not later than t=");
  }
  return sig;
}

}  // namespace mw::auth::dkim
