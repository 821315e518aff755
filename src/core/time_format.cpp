#include "core/time_format.h"

#include <cstdio>
#include <ctime>

namespace mw::core {

namespace {

std::tm utc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

}  // namespace

std::string utc_date(int64_t t) {
  std::tm tm = utc(t);
  char buf[48];  // room for any int, so never truncated
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string utc_datetime(int64_t t, std::string_view zone) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm = utc(t);
  char buf[96];  // room for any int, so never truncated
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d ", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  std::string out = buf;
  out.append(zone);
  return out;
}

}  // namespace mw::core
