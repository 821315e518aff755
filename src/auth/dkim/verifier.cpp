#include "auth/dkim/verifier.h"

#include <string>
#include <utility>
#include <vector>

#include "auth/dkim/evaluate.h"
#include "auth/dkim/key_fetch.h"
#include "auth/dkim/signature.h"
#include "auth/dkim/text.h"
#include "dns/job.h"

namespace mw::auth::dkim {

namespace {

constexpr std::string_view kFieldName = "DKIM-Signature";

class VerificationImpl final : public dns::BatchJob<Verdict> {
 public:
  VerificationImpl(core::Dispatcher& dispatcher, dns::Resolver& resolver, const Options& options,
                   int64_t now, const MessageView& message, Callback done)
      : BatchJob(dispatcher, resolver, std::move(done)),
        options_(options),
        msg_(options.policy(), now, message) {}

  void start();

 private:
  struct Item {
    size_t header_index;
    Signature sig;
  };
  void on_key(size_t key);
  void on_timeout();

  Options options_;
  SignedMessage msg_;

  std::vector<Item> items_;
  KeyFetch keys_;
  std::vector<std::vector<size_t>> users_;  // per key: indices into items_ / signatures
};

void VerificationImpl::start() {
  uint32_t seen = 0;
  for (size_t i = 0; i < msg_.message.headers.size(); ++i) {
    const HeaderField& field = msg_.message.headers[i];
    if (!iequals(field.name, kFieldName)) continue;
    ++seen;
    if (seen > options_.max_signatures) {
      SignatureVerdict v;
      v.header_index = i;
      decide(v, DkimResult::kNeutral, Reason::kSignatureLimit,
             "not evaluated: more than " + std::to_string(options_.max_signatures) + " signatures");
      outcome_.signatures.push_back(std::move(v));
      items_.push_back(Item{i, Signature{}});
      continue;
    }
    Item item{i, parse_signature(field.value(), SignatureKind::kDkim)};
    SignatureVerdict v = start_verdict(item.sig, i);
    bool needs_key = precheck(item.sig, msg_.policy, msg_.now, v);
    size_t index = items_.size();
    if (needs_key) {
      size_t k = keys_.add(item.sig.key_name());
      if (k == users_.size()) users_.emplace_back();
      users_[k].push_back(index);
      v.status = DkimResult::kTempError;  // until the key arrives
      v.reason = Reason::kTimeout;
    }
    outcome_.signatures.push_back(std::move(v));
    items_.push_back(std::move(item));
  }

  if (keys_.empty()) {
    batch_.finish();  // nothing to look up: delivered from the loop
    return;
  }
  batch_.set_deadline(options_.timeout, [this] { on_timeout(); });
  keys_.start(batch_, [this](size_t k) { on_key(k); });
}

void VerificationImpl::on_key(size_t k) {
  const KeyLookup& key = keys_.key(k);
  for (size_t index : users_[k]) {
    SignatureVerdict& v = outcome_.signatures[index];
    if (key.status != DkimResult::kPass) {
      decide(v, key.status, key.reason, key.detail);
      continue;
    }
    const Item& item = items_[index];
    evaluate_with_key(msg_.message, item.header_index, item.sig, *key.record, msg_.policy,
                      msg_.bodies, v);
  }
  if (batch_.outstanding() == 0) batch_.finish();
}

void VerificationImpl::on_timeout() {
  for (size_t k = 0; k < keys_.size(); ++k) {
    if (keys_.answered(k)) continue;
    for (size_t index : users_[k]) {
      decide(outcome_.signatures[index], DkimResult::kTempError, Reason::kTimeout,
             "key lookup for " + keys_.name(k) + " did not finish in time");
    }
  }
}

}  // namespace

VerificationPtr Verifier::verify(const MessageView& message, Callback done) {
  return start<VerificationImpl>(now(), message, std::move(done));
}

}  // namespace mw::auth::dkim
