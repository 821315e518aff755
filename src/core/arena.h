// Arena: the per-message bump allocator (after LevelDB's util/arena.h and Rspamd's task pool).
//
// A Task owns one Arena. Everything parsed from a message lives in it and is released in
// one step when the task ends. The Arena is a std::pmr::memory_resource, so pmr containers
// (std::pmr::vector, std::pmr::string) can allocate from it.
//
// Ownership: the Arena owns every block it hands out. Objects created with make<T>() whose
// type is not trivially destructible have their destructor registered and run (in reverse
// creation order) when the Arena is destroyed.
// Loop affinity: none; an Arena is used by one thread at a time.
// Failure modes: when an allocation would push the bytes handed out past the cap given at
// construction, allocate() throws ArenaExhausted. That is the only exception on the scan
// path; it is caught at the task seam (parse, rule run) and turned into an error reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mw::core {

class ArenaExhausted : public std::bad_alloc {
 public:
  const char* what() const noexcept override { return "per-message memory cap reached"; }
};

class Arena final : public std::pmr::memory_resource {
 public:
  static constexpr size_t kUnlimited = SIZE_MAX;

  // cap: most bytes this arena may hand out (kUnlimited for none).
  explicit Arena(size_t cap = kUnlimited);
  ~Arena() override;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Raw allocation; alignment must be a power of two. Throws ArenaExhausted past the cap.
  void* alloc(size_t bytes, size_t align = alignof(std::max_align_t));

  // Copy bytes into the arena; the view stays valid for the arena's lifetime.
  std::string_view dup(std::string_view s);

  // Construct a T in the arena. Non-trivially destructible types get their destructor
  // registered and run when the arena dies.
  template <typename T, typename... Args>
  T* make(Args&&... args) {
    void* p = alloc(sizeof(T), alignof(T));
    T* obj = new (p) T(std::forward<Args>(args)...);
    if constexpr (!std::is_trivially_destructible_v<T>) {
      add_destructor([](void* o) { static_cast<T*>(o)->~T(); }, obj);
    }
    return obj;
  }

  // Register an explicit cleanup, run in reverse order at destruction.
  void add_destructor(void (*fn)(void*), void* obj);

  size_t used() const { return used_; }            // bytes handed out
  size_t reserved() const { return reserved_; }    // bytes taken from the system
  size_t cap() const { return cap_; }

 private:
  void* do_allocate(size_t bytes, size_t align) override { return alloc(bytes, align); }
  void do_deallocate(void*, size_t, size_t) override {}  // freed with the arena
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }
  void* alloc_slow(size_t bytes, size_t align);

  struct Cleanup {
    void (*fn)(void*);
    void* obj;
  };

  char* ptr_ = nullptr;
  char* end_ = nullptr;
  size_t next_block_ = 4096;
  size_t used_ = 0;
  size_t reserved_ = 0;
  size_t cap_;
  std::vector<void*> blocks_;
  std::vector<Cleanup> cleanups_;
};

}  // namespace mw::core
