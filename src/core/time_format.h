// Dates as text, in UTC, for the formats the protocols write (parsing mail dates is
// mime/date.h's):
//
//   imf_date(t, "GMT")    "Sun, 06 Nov 1994 08:49:37 GMT"   HTTP Date (RFC 9110 IMF-fixdate)
//   imf_date(t, "+0000")  "Sun, 06 Nov 1994 08:49:37 +0000" a mail Date field (RFC 5322)
//   utc_day(t)            "1994-11-06"                      day keys and report periods
//
// English day and month names whatever the locale. Ownership: plain values. Loop affinity:
// none (gmtime_r). Failure modes: none; a time gmtime_r cannot represent gives the epoch.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace mw::core {

std::string imf_date(std::time_t t, std::string_view zone);
std::string utc_day(std::time_t t);

}  // namespace mw::core
