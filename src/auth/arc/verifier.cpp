#include "auth/arc/verifier.h"

#include <string>
#include <utility>
#include <vector>

#include "auth/arc/chain.h"
#include "auth/dkim/evaluate.h"
#include "auth/dkim/key_fetch.h"
#include "auth/dkim/text.h"
#include "core/ascii.h"
#include "dns/job.h"

namespace mw::auth::arc {

namespace {

using dkim::SignatureVerdict;
using dkim::DkimResult;

class ValidationImpl final : public dns::BatchJob<ChainVerdict> {
 public:
  ValidationImpl(core::Dispatcher& dispatcher, dns::Resolver& resolver, const Options& options,
                 int64_t now, const dkim::MessageView& message, Callback done)
      : BatchJob(dispatcher, resolver, std::move(done)),
        options_(options),
        msg_(options.policy(), now, message) {}

  void start();

 private:
  void on_timeout();
  void decide();
  // Verify one AMS / AS whose precheck passed; false when the verdict is not pass.
  bool check_ams(size_t set_index);
  bool check_seal(size_t set_index);
  void finish(ChainStatus status, Reason reason, std::string detail, uint32_t instance = 0);

  Options options_;
  dkim::SignedMessage msg_;

  Chain chain_;
  std::vector<bool> ams_ready_;  // precheck passed: the key decides
  std::vector<bool> seal_ready_;
  dkim::KeyFetch keys_;  // keys not answered by the deadline are temperror / timeout
};

void ValidationImpl::start() {
  chain_ = collect_chain(msg_.message);
  outcome_.instances = chain_.max_instance;
  if (chain_.status != ChainStatus::kPass) {
    finish(chain_.status, chain_.reason, chain_.detail);
  } else {
    const size_t n = chain_.sets.size();
    ams_ready_.assign(n, false);
    seal_ready_.assign(n, false);
    for (size_t i = 0; i < n; ++i) {
      const ArcSet& set = chain_.sets[i];
      SetResult r;
      r.instance = set.instance;
      r.authserv_id = set.aar.authserv_id;
      r.cv = set.seal.chain_validation;
      r.ams = dkim::start_verdict(set.ams, set.ams_index);
      r.seal = dkim::start_verdict(set.seal, set.seal_index);
      dkim::decide(r.ams, DkimResult::kNeutral, dkim::Reason::kNone, "not checked");
      dkim::decide(r.seal, DkimResult::kNeutral, dkim::Reason::kNone, "not checked");
      ams_ready_[i] = dkim::precheck(set.ams, msg_.policy, msg_.now, r.ams);
      seal_ready_[i] = dkim::precheck(set.seal, msg_.policy, msg_.now, r.seal);
      outcome_.sets.push_back(std::move(r));
    }
    // Decisions that need no key: the newest AMS or any AS unusable as written.
    if (!ams_ready_[n - 1]) {
      finish(ChainStatus::kFail, Reason::kAmsFailed,
             "ARC-Message-Signature: " + outcome_.sets[n - 1].ams.detail, chain_.max_instance);
    } else {
      for (size_t i = n; i-- > 0;) {
        if (!seal_ready_[i]) {
          finish(ChainStatus::kFail, Reason::kSealFailed,
                 "ARC-Seal: " + outcome_.sets[i].seal.detail, static_cast<uint32_t>(i + 1));
          break;
        }
      }
    }
    if (!batch_.finished()) {
      for (size_t i = 0; i < n; ++i) {
        if (ams_ready_[i]) keys_.add(chain_.sets[i].ams.key_name());
        keys_.add(chain_.sets[i].seal.key_name());
      }
      batch_.set_deadline(options_.timeout, [this] { on_timeout(); });
      keys_.start(batch_, [this](size_t) {
        if (batch_.outstanding() == 0) decide();
      });
    }
  }
}

// Keys not answered by now are temperror / timeout (KeyFetch::key) where the decision needs
// them.
void ValidationImpl::on_timeout() { decide(); }

bool ValidationImpl::check_ams(size_t i) {
  const ArcSet& set = chain_.sets[i];
  SignatureVerdict& v = outcome_.sets[i].ams;
  if (!ams_ready_[i]) return false;
  const dkim::KeyLookup& key = keys_.key(set.ams.key_name());
  if (key.status != DkimResult::kPass) {
    dkim::decide(v, key.status, key.reason, key.detail);
    return false;
  }
  dkim::evaluate_with_key(msg_.message, set.ams_index, set.ams, *key.record, msg_.policy,
                          msg_.bodies, v);
  return v.status == DkimResult::kPass;
}

bool ValidationImpl::check_seal(size_t i) {
  const ArcSet& set = chain_.sets[i];
  SignatureVerdict& v = outcome_.sets[i].seal;
  const dkim::KeyLookup& key = keys_.key(set.seal.key_name());
  if (key.status != DkimResult::kPass) {
    dkim::decide(v, key.status, key.reason, key.detail);
    return false;
  }
  if (!dkim::check_key(set.seal, *key.record, msg_.policy, v)) return false;
  std::string digest = seal_digest(msg_.message, chain_.sets, i + 1);
  if (!key.record->key->verify(dkim::hash_of(set.seal.algorithm), digest, set.seal.signature)) {
    dkim::decide(v, DkimResult::kFail, dkim::Reason::kBadSignature, "seal did not verify");
    return false;
  }
  dkim::decide(v, DkimResult::kPass, dkim::Reason::kNone, {});
  return true;
}

void ValidationImpl::decide() {
  const size_t n = chain_.sets.size();
  const uint32_t newest = static_cast<uint32_t>(n);
  // Step 4: the newest AMS.
  if (!check_ams(n - 1)) {
    const SignatureVerdict& v = outcome_.sets[n - 1].ams;
    if (v.status == DkimResult::kTempError) {
      finish(ChainStatus::kTempError,
             v.reason == dkim::Reason::kTimeout ? Reason::kTimeout : Reason::kDnsError,
             "ARC-Message-Signature i=" + std::to_string(newest) + ": " + v.detail, newest);
    } else {
      finish(ChainStatus::kFail, Reason::kAmsFailed,
             "ARC-Message-Signature i=" + std::to_string(newest) + ": " + v.detail, newest);
    }
    return;
  }
  // Step 5: oldest-pass from the older AMSs.
  outcome_.oldest_pass = 0;
  for (size_t i = n - 1; i-- > 0;) {
    if (!check_ams(i)) {
      outcome_.oldest_pass = static_cast<uint32_t>(i + 2);
      break;
    }
  }
  // Step 6: every seal, newest first.
  for (size_t i = n; i-- > 0;) {
    if (check_seal(i)) continue;
    const SignatureVerdict& v = outcome_.sets[i].seal;
    std::string what = "ARC-Seal i=" + std::to_string(i + 1) + ": " + v.detail;
    if (v.status == DkimResult::kTempError) {
      finish(ChainStatus::kTempError,
             v.reason == dkim::Reason::kTimeout ? Reason::kTimeout : Reason::kDnsError,
             std::move(what), static_cast<uint32_t>(i + 1));
    } else {
      finish(ChainStatus::kFail, Reason::kSealFailed, std::move(what),
             static_cast<uint32_t>(i + 1));
    }
    return;
  }
  finish(ChainStatus::kPass, Reason::kNone, {});
}

void ValidationImpl::finish(ChainStatus status, Reason reason, std::string detail,
                            uint32_t instance) {
  outcome_.status = status;
  outcome_.reason = reason;
  outcome_.detail = std::move(detail);
  outcome_.failed_instance = status == ChainStatus::kPass ? 0 : instance;
  batch_.finish();  // cancels what is outstanding, then delivers outcome_
}

}  // namespace

ValidationPtr ChainVerifier::verify(const dkim::MessageView& message, Callback done) {
  return start<ValidationImpl>(now(), message, std::move(done));
}

}  // namespace mw::auth::arc
