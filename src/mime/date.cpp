// Date header parsing (see date.h).
#include "mime/date.h"

#include <array>

#include "mime/strutil.h"

namespace mw::mime {

namespace {

constexpr size_t kMaxTokens = 16;

enum class Kind { kNumber, kWord, kTime, kZone };

struct Tok {
  Kind kind;
  std::string_view text;
  int value = 0;  // numbers: value (capped); zones: offset in minutes
  int h = 0, m = 0, s = 0;
};

bool parse_int(std::string_view s, int* out) {
  if (s.empty() || s.size() > 6) return false;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// "hh:mm" or "hh:mm:ss".
bool parse_time(std::string_view s, Tok* t) {
  size_t c1 = s.find(':');
  if (c1 == std::string_view::npos) return false;
  size_t c2 = s.find(':', c1 + 1);
  std::string_view hs = s.substr(0, c1);
  std::string_view ms = s.substr(c1 + 1, c2 == std::string_view::npos ? s.npos : c2 - c1 - 1);
  std::string_view ss = c2 == std::string_view::npos ? std::string_view() : s.substr(c2 + 1);
  if (hs.size() > 2 || ms.size() != 2 || (c2 != std::string_view::npos && ss.size() != 2)) {
    return false;
  }
  if (!parse_int(hs, &t->h) || !parse_int(ms, &t->m)) return false;
  t->s = 0;
  if (c2 != std::string_view::npos && !parse_int(ss, &t->s)) return false;
  return true;
}

// Splits the value into at most kMaxTokens tokens; comments are skipped.
size_t lex(std::string_view v, std::array<Tok, kMaxTokens>& toks) {
  size_t n = 0, i = 0;
  while (i < v.size() && n < kMaxTokens) {
    char c = v[i];
    if (c == '(') {
      skip_comment(v, i);
      continue;
    }
    // A sign starts a zone unless it is a '-' glued to a field ("01-Jul-2003"); "GMT-0500"
    // and "UTC-3" are zones.
    bool glued = i > 0 && (is_digit(v[i - 1]) || is_alpha(v[i - 1]));
    auto glued_to = [&](std::string_view zone) {
      return i >= zone.size() && istarts_with(v.substr(i - zone.size(), zone.size()), zone);
    };
    bool after_utc = glued_to("gmt") || glued_to("utc") || glued_to("ut");
    if ((c == '+' || c == '-') && i + 1 < v.size() && is_digit(v[i + 1]) &&
        (c == '+' || !glued || after_utc)) {
      size_t j = i + 1;
      while (j < v.size() && is_digit(v[j])) ++j;
      Tok t{Kind::kZone, v.substr(i, j - i)};
      std::string_view d = v.substr(i + 1, j - i - 1);
      int hh = 0, mm = 0;
      if (d.size() == 4) {
        hh = (d[0] - '0') * 10 + (d[1] - '0');
        mm = (d[2] - '0') * 10 + (d[3] - '0');
      } else if (d.size() == 3) {
        hh = d[0] - '0';
        mm = (d[1] - '0') * 10 + (d[2] - '0');
      } else if (d.size() <= 2) {
        hh = d.size() == 2 ? (d[0] - '0') * 10 + (d[1] - '0') : d[0] - '0';
      } else {
        hh = mm = 0;
      }
      if (mm >= 60 || hh > 23) hh = mm = 0;
      t.value = (c == '-' ? -1 : 1) * (hh * 60 + mm);
      toks[n++] = t;
      i = j;
      continue;
    }
    if (is_digit(c)) {
      size_t j = i;
      while (j < v.size() && (is_digit(v[j]) || v[j] == ':')) ++j;
      std::string_view s = v.substr(i, j - i);
      Tok t{Kind::kNumber, s};
      if (s.find(':') != std::string_view::npos) {
        t.kind = Kind::kTime;
        if (!parse_time(s, &t)) t.kind = Kind::kWord;  // unusable
      } else if (!parse_int(s, &t.value)) {
        t.kind = Kind::kWord;
      }
      toks[n++] = t;
      i = j;
      continue;
    }
    if (is_alpha(c)) {
      size_t j = i;
      while (j < v.size() && is_alpha(v[j])) ++j;
      toks[n++] = Tok{Kind::kWord, v.substr(i, j - i)};
      i = j;
      // "EST5EDT": the digits glued to a zone name are not a separate number.
      while (i < v.size() && (is_digit(v[i]) || is_alpha(v[i]))) ++i;
      continue;
    }
    ++i;  // blanks, ',', '.', '-' between fields, other punctuation
  }
  return n;
}

int month_from_name(std::string_view w) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return 0;
  for (int i = 0; i < 12; ++i) {
    if (istarts_with(w, kMonths[i])) {
      // Full names are fine ("January"); other words that merely start alike are not.
      static constexpr std::string_view kFull[] = {"january",   "february", "march",    "april",
                                                   "may",       "june",     "july",     "august",
                                                   "september", "october",  "november", "december"};
      if (w.size() == 3 || (w.size() <= kFull[i].size() && istarts_with(kFull[i], w)) ||
          (i == 8 && w.size() == 4 && istarts_with(w, "sept"))) {
        return i + 1;
      }
    }
  }
  return 0;
}

bool is_weekday(std::string_view w) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (w.size() < 3) return false;
  for (auto d : kDays) {
    if (istarts_with(w, d)) return true;
  }
  return false;
}

// Offset in minutes for a zone name; unknown names are +0000.
int zone_from_name(std::string_view w) {
  struct Zone {
    std::string_view name;
    int minutes;
  };
  // RFC 5322 section 4.3 obsolete zones, plus a few seen in the wild.
  static constexpr Zone kZones[] = {
      {"ut", 0},        {"utc", 0},       {"gmt", 0},        {"z", 0},          {"est", -5 * 60},
      {"edt", -4 * 60}, {"cst", -6 * 60}, {"cdt", -5 * 60},  {"mst", -7 * 60},  {"mdt", -6 * 60},
      {"pst", -8 * 60}, {"pdt", -7 * 60}, {"akst", -9 * 60}, {"akdt", -8 * 60}, {"hst", -10 * 60},
      {"bst", 60},      {"cet", 60},      {"cest", 120},     {"met", 60},       {"mest", 120},
      {"eet", 120},     {"eest", 180},    {"wet", 0},        {"west", 60},      {"msk", 180},
      {"ist", 330},     {"jst", 540},     {"kst", 540},      {"hkt", 480},      {"sgt", 480},
      {"aest", 600},    {"aedt", 660},    {"nzst", 720},     {"nzdt", 780},
  };
  for (const auto& z : kZones) {
    if (w.size() == z.name.size() && istarts_with(w, z.name)) return z.minutes;
  }
  return 0;  // military letters and unknown names: RFC 5322 says treat as -0000
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

int full_year(const Tok& t) {
  int y = t.value;
  if (t.text.size() <= 2) return y < 50 ? 2000 + y : 1900 + y;
  if (t.text.size() == 3) return 1900 + y;
  return y;
}

std::optional<DateTime> parse_tokens(std::string_view v) {
  std::array<Tok, kMaxTokens> t;
  size_t n = lex(v, t);
  size_t i = 0;
  if (i < n && t[i].kind == Kind::kWord && is_weekday(t[i].text)) ++i;
  DateTime dt;
  const Tok* year = nullptr;
  const Tok* time = nullptr;
  auto month_of = [](const Tok& k) {
    if (k.kind == Kind::kWord) return month_from_name(k.text);
    if (k.kind == Kind::kNumber && k.text.size() <= 2 && k.value >= 1 && k.value <= 12) {
      return k.value;
    }
    return 0;
  };
  if (i + 2 < n && t[i].kind == Kind::kNumber && month_of(t[i + 1]) != 0 &&
      t[i + 2].kind == Kind::kNumber) {
    // day month year [time]
    dt.day = t[i].value;
    dt.month = month_of(t[i + 1]);
    year = &t[i + 2];
    i += 3;
    if (i < n && t[i].kind == Kind::kTime) time = &t[i++];
  } else if (i + 2 < n && t[i].kind == Kind::kWord && month_from_name(t[i].text) != 0 &&
             t[i + 1].kind == Kind::kNumber) {
    // month day time year | month day year time
    dt.month = month_from_name(t[i].text);
    dt.day = t[i + 1].value;
    i += 2;
    if (i + 1 < n && t[i].kind == Kind::kTime && t[i + 1].kind == Kind::kNumber) {
      time = &t[i];
      year = &t[i + 1];
      i += 2;
    } else if (i + 1 < n && t[i].kind == Kind::kNumber && t[i + 1].kind == Kind::kTime) {
      year = &t[i];
      time = &t[i + 1];
      i += 2;
    }
  }
  if (year == nullptr || time == nullptr) return std::nullopt;
  if (year->text.size() > 4) return std::nullopt;
  dt.year = full_year(*year);
  dt.hour = time->h;
  dt.minute = time->m;
  dt.second = time->s;
  if (dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > days_in_month(dt.year, dt.month) ||
      dt.hour > 23 || dt.minute > 59 || dt.second > 60) {
    return std::nullopt;
  }
  if (i < n) {
    if (t[i].kind == Kind::kZone) {
      dt.tz_offset = t[i].value;
    } else if (t[i].kind == Kind::kWord) {
      dt.tz_offset = zone_from_name(t[i].text);
      // "GMT+0100": a numeric offset right after the name refines it.
      if (i + 1 < n && t[i + 1].kind == Kind::kZone) dt.tz_offset = t[i + 1].value;
    }
  }
  return dt;
}

}  // namespace

std::optional<DateTime> parse_date(std::string_view value) {
  if (auto dt = parse_tokens(value)) return dt;
  size_t semi = value.rfind(';');
  if (semi != std::string_view::npos) return parse_tokens(value.substr(semi + 1));
  return std::nullopt;
}

int64_t to_unix_time(const DateTime& dt) {
  // Days from 1970-01-01 to y-m-d: count in eras of 400 years starting in March so that the
  // leap day is the last day of the year.
  int64_t y = dt.year - (dt.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (dt.month + 9) % 12;  // March = 0
  int64_t doy = (153 * mp + 2) / 5 + dt.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second -
         static_cast<int64_t>(dt.tz_offset) * 60;
}

}  // namespace mw::mime
