#include "core/time_format.h"

#include <gtest/gtest.h>

namespace mw::core {
namespace {

TEST(TimeFormat, UtcDate) {
  EXPECT_EQ(utc_date(0), "1970-01-01");
  EXPECT_EQ(utc_date(1796601599), "2026-12-06");
  EXPECT_EQ(utc_date(1796601600), "2026-12-07");
  EXPECT_EQ(utc_date(951782400), "2000-02-29");  // leap day
}

TEST(TimeFormat, UtcDatetime) {
  EXPECT_EQ(utc_datetime(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(utc_datetime(1796601600 + 3723), "Mon, 07 Dec 2026 01:02:03 +0000");
  EXPECT_EQ(utc_datetime(784111777, "GMT"), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110
}

}  // namespace
}  // namespace mw::core
