#include "core/arena.h"

#include <cstdlib>
#include <cstring>

namespace mw::core {

namespace {
constexpr size_t kMaxBlock = 1 << 20;
}

Arena::Arena(size_t cap) : cap_(cap) {}

Arena::~Arena() {
  for (auto it = cleanups_.rbegin(); it != cleanups_.rend(); ++it) it->fn(it->obj);
  for (void* b : blocks_) std::free(b);
}

void* Arena::alloc(size_t bytes, size_t align) {
  if (bytes == 0) bytes = 1;
  if (cap_ != kUnlimited && (bytes > cap_ || used_ > cap_ - bytes)) throw ArenaExhausted();
  auto p = reinterpret_cast<uintptr_t>(ptr_);
  uintptr_t aligned = (p + align - 1) & ~(static_cast<uintptr_t>(align) - 1);
  if (ptr_ != nullptr && aligned + bytes <= reinterpret_cast<uintptr_t>(end_)) {
    ptr_ = reinterpret_cast<char*>(aligned + bytes);
    used_ += bytes;
    return reinterpret_cast<void*>(aligned);
  }
  return alloc_slow(bytes, align);
}

void* Arena::alloc_slow(size_t bytes, size_t align) {
  size_t need = bytes + align;
  if (need > next_block_ / 4) {
    // Large request: a block of its own, the current block stays in use.
    void* b = std::malloc(need);
    if (b == nullptr) throw ArenaExhausted();
    blocks_.push_back(b);
    reserved_ += need;
    used_ += bytes;
    auto p = reinterpret_cast<uintptr_t>(b);
    return reinterpret_cast<void*>((p + align - 1) & ~(static_cast<uintptr_t>(align) - 1));
  }
  size_t size = next_block_;
  if (next_block_ < kMaxBlock) next_block_ *= 2;
  void* b = std::malloc(size);
  if (b == nullptr) throw ArenaExhausted();
  blocks_.push_back(b);
  reserved_ += size;
  ptr_ = static_cast<char*>(b);
  end_ = ptr_ + size;
  return alloc(bytes, align);
}

std::string_view Arena::dup(std::string_view s) {
  if (s.empty()) return {};
  char* p = static_cast<char*>(alloc(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

void Arena::add_destructor(void (*fn)(void*), void* obj) { cleanups_.push_back({fn, obj}); }

}  // namespace mw::core
