// What a DKIM verification and an ARC chain validation share: the signed message with the
// verifier's policy and clock and the body hashes computed so far (SignedMessage), and the
// lookups of the keys the signatures name (KeyFetch: each distinct <s>._domainkey.<d> once,
// all at the same time, through the job's dns::LookupBatch).
//
// Ownership: SignedMessage copies the MessageView (views, not bytes): REQUIRES: the message
// bytes outlive it. KeyFetch owns its key names and outcomes; the batch is the caller's.
// Loop affinity: the batch's Dispatcher thread. Failure modes: DNS trouble is a KeyLookup
// outcome (temperror / permerror), never an error of these types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dkim/evaluate.h"
#include "auth/dkim/message.h"
#include "dns/lookup_batch.h"

namespace mw::auth::dkim {

struct SignedMessage {
  SignedMessage(const Policy& p, int64_t now_seconds, const MessageView& m)
      : policy(p), now(now_seconds), message(m), bodies(message.body) {}

  Policy policy;
  int64_t now;  // seconds since the epoch, for x= and t=
  MessageView message;
  BodyHashCache bodies;
};

class KeyFetch {
 public:
  // The index of the key `key_name` (<s>._domainkey.<d>, case-insensitive), added when new.
  size_t add(std::string_view key_name);
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  const std::string& name(size_t i) const { return keys_[i].name; }

  // Look every key up (TXT). `on_key(i)` runs when key i arrives; answered(i) is true then.
  // REQUIRES: called once, after every add(); `batch` not finished.
  void start(dns::LookupBatch& batch, std::function<void(size_t)> on_key);
  bool answered(size_t i) const { return keys_[i].result.has_value(); }

  // The outcome for key i, or for the key of `key_name`: what DNS said, or temperror/timeout
  // while it has not answered (the job's deadline passed).
  const KeyLookup& key(size_t i) const;
  const KeyLookup& key(std::string_view key_name) const;

 private:
  struct Slot {
    std::string name;  // lower-case
    std::optional<KeyLookup> result;
  };
  std::vector<Slot> keys_;
  std::function<void(size_t)> on_key_;
  KeyLookup pending_{DkimResult::kTempError, Reason::kTimeout,
                     "key lookup did not finish in time", nullptr};
};

}  // namespace mw::auth::dkim
