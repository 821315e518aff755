#include "auth/dkim/verifier.h"

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "auth/dkim/evaluate.h"
#include "auth/dkim/signature.h"
#include "auth/dkim/text.h"
#include "dns/lookup_batch.h"

namespace mw::auth::dkim {

namespace {

constexpr std::string_view kFieldName = "DKIM-Signature";

class VerificationImpl final : public Verification {
 public:
  VerificationImpl(core::Dispatcher& dispatcher, dns::Resolver& resolver, const Options& options,
                   int64_t now, const MessageView& message, Callback done)
      : options_(options),
        policy_(options.policy()),
        now_(now),
        message_(message),
        bodies_(message_.body),
        done_cb_(std::move(done)),
        batch_(dispatcher, resolver, dns::hand_over(done_cb_, verdict_)) {}

  void start();

 private:
  struct Item {
    size_t header_index;
    Signature sig;
  };
  struct Lookup {
    std::string name;
    std::vector<size_t> items;  // indices into items_ / verdict_.signatures
    bool answered = false;
  };

  void on_reply(size_t lookup, const dns::Reply& reply);
  void on_timeout();

  Options options_;
  Policy policy_;
  int64_t now_;
  MessageView message_;
  BodyHashCache bodies_;
  Callback done_cb_;

  std::vector<Item> items_;
  Verdict verdict_;
  std::vector<Lookup> lookups_;
  // Key lookups, the time limit and the delivery of verdict_. Last: destroyed first.
  dns::LookupBatch batch_;
};

void VerificationImpl::start() {
  uint32_t seen = 0;
  for (size_t i = 0; i < message_.headers.size(); ++i) {
    const HeaderField& field = message_.headers[i];
    if (!iequals(field.name, kFieldName)) continue;
    ++seen;
    if (seen > options_.max_signatures) {
      SignatureVerdict v;
      v.header_index = i;
      decide(v, DkimResult::kNeutral, Reason::kSignatureLimit,
             "not evaluated: more than " + std::to_string(options_.max_signatures) + " signatures");
      verdict_.signatures.push_back(std::move(v));
      items_.push_back(Item{i, Signature{}});
      continue;
    }
    Item item{i, parse_signature(field.value(), SignatureKind::kDkim)};
    SignatureVerdict v = start_verdict(item.sig, i);
    bool needs_key = precheck(item.sig, policy_, now_, v);
    size_t index = items_.size();
    if (needs_key) {
      std::string name = to_lower(item.sig.key_name());
      size_t l = 0;
      while (l < lookups_.size() && lookups_[l].name != name) ++l;
      if (l == lookups_.size()) lookups_.push_back(Lookup{name, {}});
      lookups_[l].items.push_back(index);
      v.status = DkimResult::kTempError;  // until the key arrives
      v.reason = Reason::kTimeout;
    }
    verdict_.signatures.push_back(std::move(v));
    items_.push_back(std::move(item));
  }

  if (lookups_.empty()) {
    batch_.finish();  // nothing to look up: delivered from the loop
    return;
  }
  batch_.set_deadline(options_.timeout, [this] { on_timeout(); });
  for (size_t l = 0; l < lookups_.size(); ++l) {
    batch_.resolve(lookups_[l].name, dns::RrType::kTxt,
                   [this, l](const dns::Reply& reply) { on_reply(l, reply); });
  }
}

void VerificationImpl::on_reply(size_t l, const dns::Reply& reply) {
  Lookup& lookup = lookups_[l];
  if (lookup.answered) return;
  lookup.answered = true;
  KeyLookup key = key_from_reply(reply);
  for (size_t index : lookup.items) {
    SignatureVerdict& v = verdict_.signatures[index];
    if (key.status != DkimResult::kPass) {
      decide(v, key.status, key.reason, key.detail);
      continue;
    }
    const Item& item = items_[index];
    evaluate_with_key(message_, item.header_index, item.sig, *key.record, policy_, bodies_, v);
  }
  if (batch_.outstanding() == 0) batch_.finish();
}

void VerificationImpl::on_timeout() {
  for (const auto& lookup : lookups_) {
    if (lookup.answered) continue;
    for (size_t index : lookup.items) {
      decide(verdict_.signatures[index], DkimResult::kTempError, Reason::kTimeout,
             "key lookup for " + lookup.name + " did not finish in time");
    }
  }
}

}  // namespace

int64_t now_from(const WallClock& clock) {
  return clock ? clock() : static_cast<int64_t>(std::time(nullptr));
}

Verifier::Verifier(core::Dispatcher& dispatcher, dns::Resolver& resolver, Options options,
                   WallClock clock)
    : dispatcher_(dispatcher),
      resolver_(resolver),
      options_(std::move(options)),
      clock_(std::move(clock)) {}

VerificationPtr Verifier::verify(const MessageView& message, Callback done) {
  auto impl = std::make_unique<VerificationImpl>(dispatcher_, resolver_, options_, now_from(clock_),
                                                 message, std::move(done));
  impl->start();
  return impl;
}

}  // namespace mw::auth::dkim
