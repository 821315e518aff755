#include "auth/dkim/key_fetch.h"

#include <utility>

#include "core/ascii.h"

namespace mw::auth::dkim {

size_t KeyFetch::add(std::string_view key_name) {
  std::string name = core::to_lower(key_name);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].name == name) return i;
  }
  keys_.push_back(Slot{std::move(name), std::nullopt});
  return keys_.size() - 1;
}

void KeyFetch::start(dns::LookupBatch& batch, std::function<void(size_t)> on_key) {
  on_key_ = std::move(on_key);
  for (size_t i = 0; i < keys_.size(); ++i) {
    batch.resolve(keys_[i].name, dns::RrType::kTxt, [this, i](const dns::Reply& reply) {
      if (keys_[i].result) return;
      keys_[i].result = key_from_reply(reply);
      if (on_key_) on_key_(i);
    });
  }
}

const KeyLookup& KeyFetch::key(size_t i) const {
  return keys_[i].result ? *keys_[i].result : pending_;
}

const KeyLookup& KeyFetch::key(std::string_view key_name) const {
  std::string name = core::to_lower(key_name);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].name == name) return key(i);
  }
  return pending_;
}

}  // namespace mw::auth::dkim
