// MW_NEED_TOOL(available, reason): for unit tests that start a real peer (dnsmasq,
// redis-server, curl, rspamc, miltertest, python3-dkim). When `available` is false the test is
// skipped with `reason` in its output on a developer's machine, and fails when the environment
// variable CI is set (.ci/run sets it): a CI machine that lacks a tool must not be green with
// less tested. Use it in a test body or a fixture's SetUp(); it returns from the function.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>

namespace mw::testing {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0';
}

}  // namespace mw::testing

#define MW_NEED_TOOL(available, reason)                                          \
  do {                                                                           \
    if (!(available)) {                                                          \
      if (::mw::testing::in_ci()) {                                              \
        FAIL() << (reason) << " (CI is set: a missing tool is a failure)";       \
      } else {                                                                   \
        GTEST_SKIP() << (reason);                                                \
      }                                                                          \
    }                                                                            \
  } while (0)
