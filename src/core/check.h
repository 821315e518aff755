// Check tiers (after Envoy's ASSERT/ENVOY_BUG/PANIC and Postfix msg_panic).
//
//   MW_ASSERT(cond)      debug-only invariant; compiled out in release builds.
//   MW_BUG(cond, msg)    "cannot happen": in debug aborts, in release logs to stderr and
//                        counts (see bug_count()) and execution continues.
//   MW_PANIC(msg)        unrecoverable for this process: logs and exits; the master
//                        restarts a worker that panics.
//
// Never use any of them on network, mail or configuration input: that input is validated
// and turned into errors or anomaly flags.
#pragma once

#include <cstdint>
#include <string_view>

namespace mw::core {

[[noreturn]] void panic(std::string_view file, int line, std::string_view message);
void report_bug(std::string_view file, int line, std::string_view message);

// Number of MW_BUG hits in this process. Process-wide by nature (it counts bugs wherever
// they happen); exposed by the controller's /metrics.
uint64_t bug_count();

}  // namespace mw::core

#ifdef NDEBUG
#define MW_ASSERT(cond) ((void)0)
#define MW_BUG(cond, msg)                                                   \
  do {                                                                      \
    if (!(cond)) ::mw::core::report_bug(__FILE__, __LINE__, (msg));         \
  } while (0)
#else
#define MW_ASSERT(cond)                                                     \
  do {                                                                      \
    if (!(cond)) ::mw::core::panic(__FILE__, __LINE__, "assertion: " #cond); \
  } while (0)
#define MW_BUG(cond, msg)                                                   \
  do {                                                                      \
    if (!(cond)) ::mw::core::panic(__FILE__, __LINE__, (msg));              \
  } while (0)
#endif

#define MW_PANIC(msg) ::mw::core::panic(__FILE__, __LINE__, (msg))
