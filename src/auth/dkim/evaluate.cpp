#include "auth/dkim/evaluate.h"

#include <algorithm>

#include "auth/dkim/text.h"

namespace mw::auth::dkim {

namespace {

constexpr size_t kBPrefixChars = 12;

// Feeds canonical body bytes to a digest, up to an optional limit; counts all of them.
class BodyHasher final : public ByteSink {
 public:
  BodyHasher(HashAlg hash, std::optional<uint64_t> limit) : digest_(hash), limit_(limit) {}

  void write(std::string_view bytes) override {
    size_t take = bytes.size();
    if (limit_) {
      uint64_t room = *limit_ > total_ ? *limit_ - total_ : 0;
      take = static_cast<size_t>(std::min<uint64_t>(room, bytes.size()));
    }
    total_ += bytes.size();
    if (take == 0) return;
    buf_.append(bytes.data(), take);
    if (buf_.size() >= kFlush) flush();
  }

  std::string finish() {
    flush();
    return digest_.finish();
  }
  uint64_t total() const { return total_; }

 private:
  static constexpr size_t kFlush = 16 * 1024;
  void flush() {
    digest_.update(buf_);
    buf_.clear();
  }

  Digest digest_;
  std::optional<uint64_t> limit_;
  uint64_t total_ = 0;
  std::string buf_;
};

}  // namespace

SignatureVerdict start_verdict(const Signature& sig, size_t header_index) {
  SignatureVerdict v;
  v.header_index = header_index;
  v.domain = sig.domain;
  v.selector = sig.selector;
  v.algorithm = sig.algorithm_text;
  v.identity = sig.identity;
  v.b_prefix = sig.b_text.substr(0, kBPrefixChars);
  if (!sig.signature.empty()) {
    Digest d(HashAlg::kSha256);
    d.update(sig.signature);
    v.b_digest = d.finish();
  }
  v.body_length = sig.body_length;
  return v;
}

bool decide(SignatureVerdict& out, DkimResult status, Reason reason, std::string detail) {
  out.status = status;
  out.reason = reason;
  out.detail = std::move(detail);
  return false;
}

bool precheck(const Signature& sig, const Policy& policy, int64_t now, SignatureVerdict& out) {
  if (!sig.ok()) return decide(out, DkimResult::kPermError, sig.problem, sig.problem_detail);
  if (sig.algorithm == Algorithm::kRsaSha1 && !policy.allow_rsa_sha1) {
    return decide(out, DkimResult::kFail, Reason::kInsecureAlgorithm,
                  "rsa-sha1 signatures are not accepted (RFC 8301)");
  }
  int64_t skew = std::max<int64_t>(policy.clock_skew, 0);
  if (sig.expiration && static_cast<int64_t>(*sig.expiration) + skew < now) {
    return decide(out, DkimResult::kPermError, Reason::kExpired,
                  "signature expired (x=" + std::to_string(*sig.expiration) + ")");
  }
  if (sig.timestamp && static_cast<int64_t>(*sig.timestamp) > now + skew) {
    return decide(out, DkimResult::kPermError, Reason::kFutureTimestamp,
                  "signature timestamp in the future (t=" + std::to_string(*sig.timestamp) + ")");
  }
  return true;
}

bool check_key(const Signature& sig, const KeyRecord& key, const Policy& policy,
               SignatureVerdict& out) {
  if (!key.ok()) return decide(out, DkimResult::kPermError, key.problem, key.problem_detail);
  out.testing = key.testing;
  if (key.type != key_type_of(sig.algorithm)) {
    return decide(out, DkimResult::kPermError, Reason::kKeyType,
                  "key type " + std::string(key_type_name(key.type)) +
                      " does not match a=" + std::string(algorithm_name(sig.algorithm)));
  }
  HashAlg hash = hash_of(sig.algorithm);
  if ((hash == HashAlg::kSha1 && !key.allows_sha1) ||
      (hash == HashAlg::kSha256 && !key.allows_sha256)) {
    return decide(out, DkimResult::kPermError, Reason::kKeyHash,
                  "key h= does not allow " + std::string(hash_name(hash)));
  }
  if (key.strict && sig.kind == SignatureKind::kDkim) {
    size_t at = sig.identity.rfind('@');
    std::string_view idom = at == std::string::npos ? std::string_view()
                                                    : std::string_view(sig.identity).substr(at + 1);
    if (!iequals(idom, sig.domain)) {
      return decide(out, DkimResult::kPermError, Reason::kKeyStrict,
                    "key has t=s but the i= domain differs from d=");
    }
  }
  out.key_bits = key.key->bits();
  if (key.type == KeyType::kRsa && key.key->bits() < static_cast<int>(policy.min_key_bits)) {
    return decide(out, DkimResult::kPermError, Reason::kKeyTooSmall,
                  std::to_string(key.key->bits()) + "-bit key is under the " +
                      std::to_string(policy.min_key_bits) + "-bit minimum");
  }
  return true;
}

KeyLookup key_from_reply(const dns::Reply& reply) {
  KeyLookup out;
  if (reply.rcode == dns::Rcode::kNxDomain || reply.rcode == dns::Rcode::kBadName ||
      (reply.rcode == dns::Rcode::kNoError && reply.answers.empty())) {
    out.status = DkimResult::kPermError;
    out.reason = Reason::kKeyNotFound;
    out.detail = "no key record (" + std::string(dns::rcode_name(reply.rcode)) + ")";
    return out;
  }
  if (reply.rcode != dns::Rcode::kNoError) {
    out.status = DkimResult::kTempError;
    out.reason = Reason::kDnsError;
    out.detail = "key lookup failed: " + std::string(dns::rcode_name(reply.rcode));
    return out;
  }
  std::shared_ptr<KeyRecord> first;
  for (const auto& rr : reply.answers) {
    if (rr.type != dns::RrType::kTxt) continue;
    std::string text;
    for (const auto& s : rr.strings) text += s;
    if (rr.strings.empty()) text = rr.text;
    auto rec = std::make_shared<KeyRecord>(parse_key_record(text));
    if (rec->ok()) {
      out.record = std::move(rec);
      return out;
    }
    if (!first) first = std::move(rec);
  }
  if (!first) {
    out.status = DkimResult::kPermError;
    out.reason = Reason::kKeyNotFound;
    out.detail = "no TXT key record";
    return out;
  }
  out.status = DkimResult::kPermError;
  out.reason = first->problem;
  out.detail = first->problem_detail;
  out.record = std::move(first);
  return out;
}

BodyHashCache::Entry compute_body_hash(std::string_view body, Canon canon, HashAlg hash,
                                       std::optional<uint64_t> limit) {
  BodyHasher hasher(hash, limit);
  canon_body(canon, body, hasher);
  BodyHashCache::Entry e{canon, hash, limit, hasher.finish(), hasher.total()};
  return e;
}

const BodyHashCache::Entry& BodyHashCache::get(Canon canon, HashAlg hash,
                                               std::optional<uint64_t> limit) {
  for (const auto& e : entries_) {
    if (e->canon == canon && e->hash == hash && e->limit == limit) return *e;
  }
  entries_.push_back(std::make_unique<Entry>(compute_body_hash(body_, canon, hash, limit)));
  return *entries_.back();
}

std::string header_digest_of(const MessageView& message, const std::vector<std::string>& names,
                             Canon canon, HashAlg hash, std::string_view own_field, size_t b_begin,
                             size_t b_end) {
  std::string buf;
  for (size_t idx : select_headers(message.headers, names)) {
    canon_header(canon, message.headers[idx].raw, buf);
  }
  canon_signature_header(canon, own_field, b_begin, b_end, buf);
  Digest d(hash);
  d.update(buf);
  return d.finish();
}

std::string header_digest(const MessageView& message, size_t sig_index, const Signature& sig) {
  const HeaderField& field = message.headers[sig_index];
  std::string_view value = field.value();
  size_t off = static_cast<size_t>(value.data() - field.raw.data());
  return header_digest_of(message, sig.signed_headers, sig.header_canon, hash_of(sig.algorithm),
                          field.raw, off + sig.b_begin, off + sig.b_end);
}

void verify_with_key(const MessageView& message, size_t sig_index, const Signature& sig,
                     const KeyRecord& key, BodyHashCache& bodies, SignatureVerdict& out) {
  HashAlg hash = hash_of(sig.algorithm);
  const auto& body = bodies.get(sig.body_canon, hash, sig.body_length);
  if (sig.body_length) {
    if (*sig.body_length > body.canonical_length) {
      decide(out, DkimResult::kFail, Reason::kBodyTooShort,
             "l=" + std::to_string(*sig.body_length) + " exceeds the canonical body length " +
                 std::to_string(body.canonical_length));
      return;
    }
    out.body_beyond_length = body.canonical_length > *sig.body_length;
  }
  if (body.digest != sig.body_hash) {
    decide(out, DkimResult::kFail, Reason::kBodyHashMismatch, "body hash did not verify");
    return;
  }
  std::string digest = header_digest(message, sig_index, sig);
  if (!key.key->verify(hash, digest, sig.signature)) {
    decide(out, DkimResult::kFail, Reason::kBadSignature, "signature did not verify");
    return;
  }
  decide(out, DkimResult::kPass, Reason::kNone, {});
}

void evaluate_with_key(const MessageView& message, size_t sig_index, const Signature& sig,
                       const KeyRecord& key, const Policy& policy, BodyHashCache& bodies,
                       SignatureVerdict& out) {
  if (!check_key(sig, key, policy, out)) return;
  verify_with_key(message, sig_index, sig, key, bodies, out);
}

}  // namespace mw::auth::dkim
