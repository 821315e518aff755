// Date header parsing: RFC 5322 section 3.3 date-time plus the obsolete and common broken forms
// (internal header). Writing dates: core/time_format.h.
//
// Accepted: optional day name; "day month year" with the month as a name (any case, "Jul.")
// or a number; "month day [time] year" (asctime/ctime order); RFC 850 dashes ("01-Jul-03");
// two-digit years (00-49 -> 20xx, 50-99 -> 19xx) and three-digit years (+1900); missing
// seconds; comments anywhere (nested); numeric zones (+hhmm, also +h / +hh), named zones
// (UT, GMT, Z, US zones, a few common others), "EST5EDT"-style names, military letters (read
// as +0000, RFC 5322 section 4.3); unknown or missing zones are +0000. When the whole value
// does not parse, the text after its last ';' is tried (Received: trace fields).
//
// Failure modes: parse_date() returns nullopt when no day, month, year and hh:mm can be found
// or a field is out of range (month 13, day 32, 24:00, Feb 30...).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mw::mime {

struct DateTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;     // 0..60 (leap second)
  int tz_offset = 0;  // minutes east of UTC: +0200 -> 120, -0330 -> -210
};

std::optional<DateTime> parse_date(std::string_view value);

// Seconds since 1970-01-01T00:00:00Z for the instant `dt` denotes (proleptic Gregorian).
int64_t to_unix_time(const DateTime& dt);

}  // namespace mw::mime
