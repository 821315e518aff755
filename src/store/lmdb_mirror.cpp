#include "store/lmdb_mirror.h"

#include <algorithm>
#include <bit>

namespace mw::store::lmdb {

namespace {

constexpr size_t kMinSlots = 64;
// Used slots per slot at most (7/10): probes stay short.
constexpr size_t kLoadNum = 7;
constexpr size_t kLoadDen = 10;

size_t slots_for(size_t rows) {
  size_t want = std::max(kMinSlots, rows * kLoadDen / kLoadNum + 1);
  return std::bit_ceil(want);
}

}  // namespace

size_t CountsMirror::index(uint64_t id) const {
  // Fibonacci hashing: the ids are hashes already, the multiply spreads any that are not.
  int shift = 64 - std::countr_zero(slots_.size());
  return static_cast<size_t>((id * 0x9E3779B97F4A7C15ULL) >> shift);
}

void CountsMirror::reset(size_t expected_rows) {
  ++loads_;
  slots_.assign(slots_for(expected_rows), Slot{});
  used_ = 0;
  zero_ = {};
  has_zero_ = false;
  valid_ = false;
}

void CountsMirror::invalidate() {
  slots_.clear();
  slots_.shrink_to_fit();
  used_ = 0;
  zero_ = {};
  has_zero_ = false;
  valid_ = false;
}

void CountsMirror::loaded(uint64_t serial, uint64_t gen) {
  serial_ = serial;
  gen_ = gen;
  valid_ = true;
}

void CountsMirror::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(std::max(kMinSlots, old.size() * 2), Slot{});
  size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id == 0) continue;
    size_t i = index(s.id);
    while (slots_[i].id != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void CountsMirror::put(uint64_t id, uint32_t a, uint32_t b) {
  if (id == 0) {
    zero_ = Store::CountRow{a, b};
    has_zero_ = a != 0 || b != 0;
    return;
  }
  if (slots_.empty()) slots_.assign(kMinSlots, Slot{});
  size_t mask = slots_.size() - 1;
  size_t i = index(id);
  while (slots_[i].id != 0 && slots_[i].id != id) i = (i + 1) & mask;
  if (slots_[i].id == id) {
    if (a == 0 && b == 0) return erase_at(i);
    slots_[i].a = a;
    slots_[i].b = b;
    return;
  }
  if (a == 0 && b == 0) return;
  if ((used_ + 1) * kLoadDen > slots_.size() * kLoadNum) {
    grow();
    return put(id, a, b);
  }
  slots_[i] = Slot{id, a, b};
  ++used_;
}

void CountsMirror::erase_at(size_t i) {
  // Backward-shift deletion: move later entries of the probe run into the hole when their
  // home slot does not lie after it, so that no lookup stops early at an empty slot.
  size_t mask = slots_.size() - 1;
  size_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (slots_[j].id == 0) break;
    size_t home = index(slots_[j].id);
    bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = Slot{};
  --used_;
}

void CountsMirror::get(const std::vector<uint64_t>& ids, std::vector<Store::CountRow>& out) const {
  out.assign(ids.size(), Store::CountRow{});
  if (slots_.empty()) {
    for (size_t n = 0; n < ids.size(); ++n) {
      if (ids[n] == 0) out[n] = zero_;
    }
    return;
  }
  size_t mask = slots_.size() - 1;
  // In blocks: fetch the home slots of a block into the cache, then probe them (a large
  // table does not fit in the cache; the loads of a block then overlap).
  constexpr size_t kBlock = 16;
  size_t home[kBlock];
  for (size_t start = 0; start < ids.size(); start += kBlock) {
    size_t end = std::min(ids.size(), start + kBlock);
    for (size_t n = start; n < end; ++n) {
      home[n - start] = index(ids[n]);
      __builtin_prefetch(&slots_[home[n - start]]);
    }
    for (size_t n = start; n < end; ++n) {
      uint64_t id = ids[n];
      if (id == 0) {
        out[n] = zero_;
        continue;
      }
      for (size_t i = home[n - start];; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.id == id) {
          out[n] = Store::CountRow{s.a, s.b};
          break;
        }
        if (s.id == 0) break;
      }
    }
  }
}

}  // namespace mw::store::lmdb
