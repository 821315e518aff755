#include "match/match_set.h"

#include <algorithm>
#include <bit>

namespace mw::match {

void MatchSet::resize(size_t size) {
  if (size < size_) {
    // Drop the bits past the new end so that a later growth starts clean.
    words_.resize((size + 63) / 64);
    if (size % 64 != 0) words_.back() &= (uint64_t{1} << (size % 64)) - 1;
  } else {
    words_.resize((size + 63) / 64, 0);
  }
  size_ = size;
}

void MatchSet::clear() { std::fill(words_.begin(), words_.end(), 0); }

bool MatchSet::any() const {
  return std::any_of(words_.begin(), words_.end(), [](uint64_t w) { return w != 0; });
}

size_t MatchSet::count() const {
  size_t n = 0;
  for (uint64_t w : words_) n += static_cast<size_t>(std::popcount(w));
  return n;
}

std::vector<uint32_t> MatchSet::ids() const {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < words_.size(); ++i) {
    uint64_t w = words_[i];
    while (w != 0) {
      out.push_back(static_cast<uint32_t>(i * 64 + static_cast<size_t>(std::countr_zero(w))));
      w &= w - 1;
    }
  }
  return out;
}

void MatchSet::merge(const MatchSet& other) {
  if (other.size_ > size_) resize(other.size_);
  for (size_t i = 0; i < other.words_.size(); ++i) words_[i] |= other.words_[i];
}

bool MatchSet::operator==(const MatchSet& other) const {
  return size_ == other.size_ && words_ == other.words_;
}

}  // namespace mw::match
