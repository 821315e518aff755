#include "auth/dkim/key_record.h"

#include "auth/dkim/message.h"
#include "auth/dkim/signature.h"
#include "auth/dkim/tag_list.h"
#include "auth/dkim/text.h"

namespace mw::auth::dkim {

KeyRecord parse_key_record(std::string_view text) {
  KeyRecord rec;
  auto fail_with = [&rec](Reason r, std::string detail) {
    rec.problem = r;
    rec.problem_detail = std::move(detail);
    return std::move(rec);
  };
  auto parsed = parse_tag_list(text);
  if (!parsed) return fail_with(Reason::kKeySyntax, "key record: " + parsed.error().message);
  const auto& tags = *parsed;

  if (const Tag* v = find_tag(tags, "v")) {
    if (&tags.front() != v) return fail_with(Reason::kKeySyntax, "key record v= is not first");
    if (v->value != "DKIM1") {
      return fail_with(Reason::kKeySyntax, "key record version v=" + std::string(v->value));
    }
  }
  if (const Tag* k = find_tag(tags, "k")) {
    if (iequals(k->value, "rsa")) {
      rec.type = KeyType::kRsa;
    } else if (iequals(k->value, "ed25519")) {
      rec.type = KeyType::kEd25519;
    } else {
      return fail_with(Reason::kKeyType, "unknown key type k=" + std::string(k->value));
    }
  }
  if (const Tag* h = find_tag(tags, "h")) {
    rec.allows_sha1 = rec.allows_sha256 = false;
    for (std::string_view name : split_colon_list(h->value)) {
      if (iequals(name, "sha1")) rec.allows_sha1 = true;
      if (iequals(name, "sha256")) rec.allows_sha256 = true;
    }
  }
  if (const Tag* s = find_tag(tags, "s")) {
    bool email = false;
    for (std::string_view svc : split_colon_list(s->value)) {
      email = email || svc == "*" || iequals(svc, "email");
    }
    if (!email)
      return fail_with(Reason::kKeyService,
                       "key is not for email (s=" + std::string(s->value) + ")");
  }
  if (const Tag* t = find_tag(tags, "t")) {
    for (std::string_view flag : split_colon_list(t->value)) {
      if (iequals(flag, "y")) rec.testing = true;
      if (iequals(flag, "s")) rec.strict = true;
    }
  }
  if (const Tag* n = find_tag(tags, "n")) rec.notes = std::string(n->value);

  const Tag* p = find_tag(tags, "p");
  if (p == nullptr) return fail_with(Reason::kKeySyntax, "key record has no p=");
  if (trim_fws(p->value).empty()) return fail_with(Reason::kKeyRevoked, "key revoked (empty p=)");
  auto der = base64_decode(p->value);
  if (!der) return fail_with(Reason::kKeyInvalid, "p= is not base64");
  auto key = PublicKey::from_der(rec.type, *der);
  if (!key) return fail_with(Reason::kKeyInvalid, key.error().message);
  rec.key.emplace(std::move(*key));
  return rec;
}

}  // namespace mw::auth::dkim
