#include "core/time_format.h"

#include <gtest/gtest.h>

namespace mw::core {
namespace {

TEST(TimeFormat, ImfDate) {
  EXPECT_EQ(imf_date(784111777, "GMT"), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
  EXPECT_EQ(imf_date(0, "+0000"), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(imf_date(1709251199, "GMT"), "Thu, 29 Feb 2024 23:59:59 GMT");  // leap day
}

TEST(TimeFormat, UtcDay) {
  EXPECT_EQ(utc_day(784111777), "1994-11-06");
  EXPECT_EQ(utc_day(1709251199), "2024-02-29");
  EXPECT_EQ(utc_day(1709251200), "2024-03-01");
}

}  // namespace
}  // namespace mw::core
