#include "core/check.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace mw::core {
namespace {
// The one process-wide counter the check tiers need (see check.h).
std::atomic<uint64_t> g_bug_count{0};
}  // namespace

void panic(std::string_view file, int line, std::string_view message) {
  std::fprintf(stderr, "mailward: panic at %.*s:%d: %.*s\n", static_cast<int>(file.size()),
               file.data(), line, static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
  std::abort();
}

void report_bug(std::string_view file, int line, std::string_view message) {
  g_bug_count.fetch_add(1, std::memory_order_relaxed);
  std::fprintf(stderr, "mailward: bug at %.*s:%d: %.*s\n", static_cast<int>(file.size()),
               file.data(), line, static_cast<int>(message.size()), message.data());
}

uint64_t bug_count() { return g_bug_count.load(std::memory_order_relaxed); }

}  // namespace mw::core
