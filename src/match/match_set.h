// MatchSet: which patterns of one PatternSet matched, as a bitset over pattern ids
// (0 .. PatternSet::size() - 1).
//
// PatternSet::scan ORs into a MatchSet, so several buffers of one class (every Received
// header, every text part) accumulate into one answer. clear() keeps the storage, so one
// MatchSet per class can be reused from message to message without allocating.
//
// Ownership: owns its words. Loop affinity: none (one thread at a time).
// Failure modes: none; ids past size() read as not matched and are ignored by set().
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mw::match {

class MatchSet {
 public:
  MatchSet() = default;
  explicit MatchSet(size_t size) { resize(size); }

  // Number of ids the set can hold. Growing keeps the bits already set.
  size_t size() const { return size_; }
  void resize(size_t size);
  // Unset every bit (the size and the storage stay).
  void clear();

  void set(size_t id) {
    if (id < size_) words_[id >> 6] |= uint64_t{1} << (id & 63);
  }
  bool test(size_t id) const { return id < size_ && (words_[id >> 6] >> (id & 63)) & 1; }
  bool any() const;
  size_t count() const;
  // Matched ids in increasing order.
  std::vector<uint32_t> ids() const;
  // OR the bits of `other` into this set (growing it when `other` is larger).
  void merge(const MatchSet& other);

  bool operator==(const MatchSet& other) const;

  // Word access for PatternSet's match callback (64 ids per word).
  uint64_t* words() { return words_.data(); }
  const uint64_t* words() const { return words_.data(); }

 private:
  std::vector<uint64_t> words_;
  size_t size_ = 0;
};

}  // namespace mw::match
