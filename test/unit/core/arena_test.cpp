#include "core/arena.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mw::core {
namespace {

TEST(Arena, AllocatesAlignedAndCounts) {
  Arena a;
  void* p1 = a.alloc(3, 1);
  void* p2 = a.alloc(8, 8);
  EXPECT_NE(p1, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p2) % 8, 0u);
  EXPECT_EQ(a.used(), 11u);
  EXPECT_GE(a.reserved(), a.used());
}

TEST(Arena, DupCopiesBytes) {
  Arena a;
  std::string src = "hello";
  auto v = a.dup(src);
  src[0] = 'j';
  EXPECT_EQ(v, "hello");
}

TEST(Arena, LargeAllocationsGetTheirOwnBlock) {
  Arena a;
  auto* small = static_cast<char*>(a.alloc(16));
  auto* big = static_cast<char*>(a.alloc(1 << 20));
  auto* small2 = static_cast<char*>(a.alloc(16));
  big[(1 << 20) - 1] = 1;
  // The small allocations continue in the first block.
  EXPECT_LT(small2 - small, 4096);
}

TEST(Arena, CapThrowsTypedError) {
  Arena a(1000);
  a.alloc(900);
  EXPECT_THROW(a.alloc(200), ArenaExhausted);
  EXPECT_LE(a.used(), 1000u);
}

TEST(Arena, RunsRegisteredDestructorsInReverseOrder) {
  std::vector<int> order;
  struct Noisy {
    std::vector<int>* out;
    int id;
    ~Noisy() { out->push_back(id); }
  };
  {
    Arena a;
    a.make<Noisy>(Noisy{&order, 1});
    a.make<Noisy>(Noisy{&order, 2});
    order.clear();  // the temporaries above also ran their destructors
  }
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0], 2);
  EXPECT_EQ(order[1], 1);
}

TEST(Arena, WorksAsPmrResource) {
  Arena a;
  std::pmr::vector<std::pmr::string> v(&a);
  for (int i = 0; i < 1000; ++i) v.emplace_back("a fairly long string that does not fit SSO");
  EXPECT_EQ(v.size(), 1000u);
  EXPECT_GT(a.used(), 1000u * 40);
}

}  // namespace
}  // namespace mw::core
