#include "auth/arc/sealer.h"

#include <algorithm>

#include "auth/arc/chain.h"
#include "auth/dkim/evaluate.h"
#include "auth/dkim/fold.h"
#include "auth/dkim/signature.h"
#include "auth/dkim/text.h"
#include "core/ascii.h"

namespace mw::auth::arc {

namespace {

using core::iequals;

// Split at top-level ';' (not inside comments or quoted strings).
std::vector<std::string_view> split_results(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
      continue;
    }
    if (c == '\\' && depth > 0) {
      ++i;
    } else if (c == '"' && depth == 0) {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (c == ';' && depth == 0) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(text.substr(std::min(start, text.size())));
  return out;
}

// The authserv-id of an Authentication-Results value and the text after its first ';'.
bool split_authserv(std::string_view value, std::string& id, std::string_view& rest) {
  auto parts = split_results(value);
  if (parts.size() < 2) return false;
  std::string_view head = parts[0];
  // Skip leading CFWS (whitespace and comments), then take the id token.
  size_t pos = 0;
  int depth = 0;
  while (pos < head.size()) {
    char c = head[pos];
    if (depth > 0) {
      if (c == '(') ++depth;
      if (c == ')') --depth;
      ++pos;
    } else if (c == '(') {
      ++depth;
      ++pos;
    } else if (core::is_fws(c)) {
      ++pos;
    } else {
      break;
    }
  }
  size_t end = pos;
  while (end < head.size() && !core::is_fws(head[end]) && head[end] != '(') ++end;
  std::string token(head.substr(pos, end - pos));
  if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
    token = token.substr(1, token.size() - 2);
  }
  id = std::move(token);
  rest = value.substr(parts[0].size() + 1);
  return !id.empty();
}

void append_line(std::string& out, const dkim::SignedField& f, std::string_view eol) {
  out += f.field();
  out.append(eol);
}

}  // namespace

std::string SealedSet::fields(std::string_view eol) const {
  std::string out;
  append_line(out, seal, eol);
  append_line(out, message_signature, eol);
  append_line(out, authentication_results, eol);
  return out;
}

std::string collect_auth_results(const dkim::MessageView& message, std::string_view authserv_id) {
  std::string out;
  for (const auto& f : message.headers) {
    if (!iequals(f.name, "Authentication-Results")) continue;
    std::string id;
    std::string_view rest;
    if (!split_authserv(f.value(), id, rest) || !iequals(id, authserv_id)) continue;
    for (std::string_view part : split_results(rest)) {
      std::string r = core::collapse_fws(part);
      if (r.empty() || iequals(r, "none")) continue;
      if (!out.empty()) out += "; ";
      out += r;
    }
  }
  return out;
}

std::string authserv_id_of(std::string_view value) {
  std::string id;
  std::string_view rest;
  return split_authserv(value, id, rest) ? id : std::string();
}

Result<Sealer> Sealer::create(dkim::PrivateKey key, SealOptions options) {
  options.domain = core::to_lower(options.domain);
  if (!dkim::is_valid_domain(options.domain)) {
    return fail(ErrorCode::kInvalidInput, "invalid sealing domain '" + options.domain + "'");
  }
  if (!dkim::is_valid_selector(options.selector)) {
    return fail(ErrorCode::kInvalidInput, "invalid selector '" + options.selector + "'");
  }
  for (auto& h : options.headers) {
    if (!dkim::is_field_name(h))
      return fail(ErrorCode::kInvalidInput, "bad header name '" + h + "'");
    h = core::to_lower(h);
    if (h == "arc-seal") {
      return fail(ErrorCode::kInvalidInput, "an ARC-Message-Signature must not sign ARC-Seal");
    }
  }
  if (key.type() == dkim::KeyType::kRsa && key.bits() < 1024) {
    return fail(ErrorCode::kInvalidInput, "RSA sealing keys must have at least 1024 bits");
  }
  if (options.line_ending != "\r\n" && options.line_ending != "\n") {
    return fail(ErrorCode::kInvalidInput, "line_ending must be CRLF or LF");
  }
  return Sealer(std::move(key), std::move(options));
}

Result<SealOutcome> Sealer::seal(const dkim::MessageView& message, const SealRequest& request,
                                 int64_t now) const {
  std::string authserv = core::to_lower(core::trim_fws(request.authserv_id));
  if (authserv.empty() || authserv.find_first_of(" \t\r\n;()\"") != std::string::npos) {
    return fail(ErrorCode::kInvalidInput, "invalid authserv-id '" + request.authserv_id + "'");
  }
  Chain chain = collect_chain(message);
  SealOutcome out;
  if (chain.status == ChainStatus::kFail && chain.reason == Reason::kChainFailed) {
    out.reason = "the newest ARC-Seal already reports cv=fail";
    return out;
  }
  if (chain.max_instance >= kMaxInstance) {
    out.reason = "the chain already has 50 ARC sets";
    return out;
  }
  std::string cv;
  switch (request.chain) {
    case ChainStatus::kNone:
      if (chain.status != ChainStatus::kNone) {
        return fail(ErrorCode::kInvalidInput, "chain result none, but ARC fields are present");
      }
      cv = "none";
      break;
    case ChainStatus::kPass:
      if (chain.status != ChainStatus::kPass) {
        return fail(ErrorCode::kInvalidInput, "chain result pass, but the chain is not valid");
      }
      cv = "pass";
      break;
    case ChainStatus::kFail:
      if (chain.max_instance == 0) {
        return fail(ErrorCode::kInvalidInput, "chain result fail, but no ARC instance is known");
      }
      cv = "fail";
      break;
    case ChainStatus::kTempError:
      return fail(ErrorCode::kInvalidInput, "cannot seal without a definite chain result");
  }
  const uint32_t inst = chain.max_instance + 1;
  const std::string i_tag = std::to_string(inst);
  const std::string& eol = options_.line_ending;
  const dkim::Algorithm alg = key_.type() == dkim::KeyType::kEd25519
                                  ? dkim::Algorithm::kEd25519Sha256
                                  : dkim::Algorithm::kRsaSha256;
  const dkim::HashAlg hash = dkim::hash_of(alg);
  const std::string a_tag(dkim::algorithm_name(alg));
  const std::string t_tag = std::to_string(now);

  // ARC-Authentication-Results.
  std::string results = core::trim_fws(request.results).empty() ? "none" : request.results;
  std::string aar_flat = "i=" + i_tag + "; " + authserv + "; " + results;
  dkim::SignedField aar{std::string(kAarName),
                        dkim::fold_text(aar_flat, kAarName.size() + 2, options_.line_width, eol)};
  std::string aar_raw = aar.field() + "\r\n";

  // The message as the AMS sees it: the new AAR on top of the existing fields (the AMS
  // itself is not there yet, as for a verifier it is only its own signature field).
  dkim::MessageView view;
  view.body = message.body;
  view.headers.reserve(message.headers.size() + 1);
  view.headers.push_back(dkim::HeaderField::from_raw(aar_raw));
  view.headers.insert(view.headers.end(), message.headers.begin(), message.headers.end());

  // ARC-Message-Signature, hashed with b= empty in its relaxed form.
  auto body = dkim::compute_body_hash(message.body, dkim::Canon::kRelaxed, hash, std::nullopt);
  // A verifier's bottom-up selection reaches this AMS itself once the older ones are used
  // up; its b= cannot be known while signing, so such occurrences are left out.
  size_t older_ams = 0;
  for (const auto& f : message.headers) older_ams += iequals(f.name, kAmsName) ? 1 : 0;
  std::vector<std::string> signed_names;
  std::string h_tag;
  for (const auto& name : options_.headers) {
    if (name == "arc-message-signature") {
      if (older_ams == 0) continue;
      --older_ams;
    }
    signed_names.push_back(name);
    if (!h_tag.empty()) h_tag += ':';
    h_tag += name;
  }
  const std::string bh_tag = dkim::base64_encode(body.digest);
  std::string ams_flat = std::string(kAmsName) + ": a=" + a_tag + "; b=; bh=" + bh_tag +
                         "; c=relaxed/relaxed; d=" + options_.domain + "; h=" + h_tag +
                         "; i=" + i_tag + "; s=" + options_.selector + "; t=" + t_tag;
  auto ams_sig =
      key_.sign(hash, dkim::header_digest_of(view, signed_names, dkim::Canon::kRelaxed, hash,
                                             ams_flat, ams_flat.size(), ams_flat.size()));
  if (!ams_sig) return fail(ams_sig.error());

  dkim::Folder ams_fold(kAmsName.size() + 2, options_.line_width, eol);
  ams_fold.tag("a", a_tag);
  const dkim::Split b_split =
      options_.fold_signatures ? dkim::Split::kAnywhere : dkim::Split::kNone;
  ams_fold.tag("b", dkim::base64_encode(*ams_sig), b_split);
  ams_fold.tag("bh", bh_tag);
  ams_fold.tag("c", "relaxed/relaxed");
  ams_fold.tag("d", options_.domain);
  ams_fold.tag("h", h_tag);
  ams_fold.tag("i", i_tag);
  ams_fold.tag("s", options_.selector);
  ams_fold.tag("t", t_tag);
  dkim::SignedField ams_field{std::string(kAmsName), ams_fold.text()};
  std::string ams_raw = ams_field.field() + "\r\n";

  // ARC-Seal over the sets (all of them, or only the new one for cv=fail).
  std::string seal_flat = std::string(kSealName) + ": a=" + a_tag + "; b=; cv=" + cv +
                          "; d=" + options_.domain + "; i=" + i_tag + "; s=" + options_.selector +
                          "; t=" + t_tag + "\r\n";
  dkim::MessageView sealed;
  sealed.body = message.body;
  sealed.headers.reserve(message.headers.size() + 3);
  sealed.headers.push_back(dkim::HeaderField::from_raw(seal_flat));
  sealed.headers.push_back(dkim::HeaderField::from_raw(ams_raw));
  sealed.headers.push_back(dkim::HeaderField::from_raw(aar_raw));
  sealed.headers.insert(sealed.headers.end(), message.headers.begin(), message.headers.end());
  std::vector<ArcSet> sets;
  if (cv == "pass") {
    sets = chain.sets;
    for (auto& s : sets) {
      s.aar_index += 3;
      s.ams_index += 3;
      s.seal_index += 3;
    }
  }
  ArcSet mine;
  mine.instance = inst;
  mine.seal_index = 0;
  mine.ams_index = 1;
  mine.aar_index = 2;
  mine.seal = dkim::parse_signature(sealed.headers[0].value(), dkim::SignatureKind::kArcSeal);
  sets.push_back(std::move(mine));
  auto seal_sig = key_.sign(hash, seal_digest(sealed, sets, sets.size()));
  if (!seal_sig) return fail(seal_sig.error());

  dkim::Folder seal_fold(kSealName.size() + 2, options_.line_width, eol);
  seal_fold.tag("a", a_tag);
  seal_fold.tag("b", dkim::base64_encode(*seal_sig), b_split);
  seal_fold.tag("cv", cv);
  seal_fold.tag("d", options_.domain);
  seal_fold.tag("i", i_tag);
  seal_fold.tag("s", options_.selector);
  seal_fold.tag("t", t_tag);

  out.sealed = true;
  out.set.instance = inst;
  out.set.cv = cv;
  out.set.seal = dkim::SignedField{std::string(kSealName), seal_fold.text()};
  out.set.message_signature = std::move(ams_field);
  out.set.authentication_results = std::move(aar);
  return out;
}

}  // namespace mw::auth::arc
