// Dates as text, in UTC, independent of the C locale.
//
//   utc_date(1796601600)           "2026-12-07"                       (ISO 8601 calendar day)
//   utc_datetime(1796601600)       "Mon, 07 Dec 2026 00:00:00 +0000"  (RFC 5322 date-time)
//   utc_datetime(t, "GMT")         "Mon, 07 Dec 2026 00:00:00 GMT"    (RFC 9110 HTTP-date)
//
// `t` is whole seconds since the epoch. Years outside 0..9999 are written with as many
// digits as they need. Ownership: values. Loop affinity: none. Failure modes: none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mw::core {

std::string utc_date(int64_t t);
std::string utc_datetime(int64_t t, std::string_view zone = "+0000");

}  // namespace mw::core
