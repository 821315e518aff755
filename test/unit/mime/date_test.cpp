// Date header parsing.
#include "mime/date.h"

#include <gtest/gtest.h>

#include "mime_test_util.h"

namespace mw::mime {
namespace {

using testing::field_of;

TEST(MimeDate, MailParserDateVectors) {
  json::Value vectors = testing::read_json(testing::testdata("corpus/mail-parser/date.json"));
  ASSERT_TRUE(vectors.is_array());
  core::Arena arena;
  int checked = 0;
  for (const json::Value& v : vectors.items()) {
    std::string header = v.find("header")->as_string();
    // mail-parser reads this string of bare numbers as a date (year 2015, zone +00:04) by
    // its own positional guessing; it has no day/month/year/time shape, so we refuse it.
    if (header == " 4 8 15 16 23 42, 4 8 15 16 23 42, 4 8 15 16 23 42, ") {
      EXPECT_FALSE(parse_date(header).has_value());
      continue;
    }
    // The vectors are field bodies: run them through the header splitter as a Date field
    // so that a line break without folding ends the field, as it would in a message.
    std::string storage;
    Header h = field_of(arena, "Date", header, &storage);
    auto dt = parse_date(h.raw_value);
    const json::Value* e = v.find("expected");
    ++checked;
    if (e == nullptr || e->is_null()) {
      EXPECT_FALSE(dt.has_value()) << header;
      continue;
    }
    ASSERT_TRUE(dt.has_value()) << header;
    EXPECT_EQ(dt->year, e->find("year")->as_int()) << header;
    EXPECT_EQ(dt->month, e->find("month")->as_int()) << header;
    EXPECT_EQ(dt->day, e->find("day")->as_int()) << header;
    EXPECT_EQ(dt->hour, e->find("hour")->as_int()) << header;
    EXPECT_EQ(dt->minute, e->find("minute")->as_int()) << header;
    EXPECT_EQ(dt->second, e->find("second")->as_int()) << header;
    int tz = static_cast<int>(e->find("tz_hour")->as_int() * 60 + e->find("tz_minute")->as_int());
    if (e->find("tz_before_gmt")->as_bool()) tz = -tz;
    EXPECT_EQ(dt->tz_offset, tz) << header;
  }
  EXPECT_EQ(checked, 39);  // 40 vectors, 1 asserted differently above
}

TEST(MimeDate, ObsoleteAndCommonForms) {
  auto dt = parse_date("Mon Jan  1 12:30:00 2001");  // asctime
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->year, 2001);
  EXPECT_EQ(dt->month, 1);
  EXPECT_EQ(dt->day, 1);
  EXPECT_EQ(dt->hour, 12);
  dt = parse_date("Tuesday, 01-Jul-03 10:52:37 GMT");  // RFC 850
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->year, 2003);
  EXPECT_EQ(dt->month, 7);
  dt = parse_date("1 Jul 2003 10:52:37 GMT+0100");
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->tz_offset, 60);
  dt = parse_date("Thu, 16 Jun 2016 00:41:19 (UTC)");
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->tz_offset, 0);
  dt = parse_date("5 Sep 099 10:00 PDT");  // three-digit year
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->year, 1999);
  EXPECT_EQ(dt->tz_offset, -7 * 60);
  EXPECT_FALSE(parse_date("30 Feb 2021 10:00:00 +0000"));
  EXPECT_FALSE(parse_date("29 Feb 2021 10:00:00 +0000"));
  EXPECT_TRUE(parse_date("29 Feb 2020 10:00:00 +0000"));
  EXPECT_FALSE(parse_date("1 Jan 2020 24:00:00 +0000"));
  EXPECT_FALSE(parse_date(""));
  EXPECT_FALSE(parse_date("((((((((("));
}

TEST(MimeDate, UnixTime) {
  DateTime dt;
  dt.year = 2003;
  dt.month = 7;
  dt.day = 1;
  dt.hour = 10;
  dt.minute = 52;
  dt.second = 37;
  dt.tz_offset = 120;
  EXPECT_EQ(to_unix_time(dt), 1057049557);  // date -d '2003-07-01T10:52:37+02:00' +%s
  DateTime epoch;
  EXPECT_EQ(to_unix_time(epoch), 0);
  dt = DateTime{1969, 12, 31, 23, 59, 59, 0};
  EXPECT_EQ(to_unix_time(dt), -1);
  dt = DateTime{2000, 2, 29, 0, 0, 0, -330};
  EXPECT_EQ(to_unix_time(dt), 951782400 + 330 * 60);
}

}  // namespace
}  // namespace mw::mime
