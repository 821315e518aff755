#include "scan/hostname_shape.h"

#include <array>
#include <cstdio>
#include <optional>

#include "core/ascii.h"
#include "core/ip_address.h"
#include "scan/rbl_list.h"

namespace mw::scan {

namespace {

using core::is_alpha;
using core::is_digit;

// The address `ip` (no brackets), nullopt when it is none.
std::optional<core::IpAddress> address_of(std::string_view ip) { return core::IpAddress::parse(ip); }

constexpr std::string_view kDynamicWords[] = {
    "dsl",      "adsl",     "vdsl",        "xdsl",     "sdsl",       "dyn",     "dynamic",
    "dynip",    "dial",     "dialup",      "dialin",   "ppp",        "pppoe",   "pppoa",
    "pool",     "pools",    "dhcp",        "cable",    "cpe",        "client",  "clients",
    "customer", "cust",     "broadband",   "residential", "resident", "home",   "user",
    "users",    "subscriber", "nat",       "catv",     "fios",       "ftth",    "fttx",
    "wireless", "wlan",     "mobile",      "gprs",     "unassigned", "noname",  "unknown",
    "static",   "hsd",      "ipv4",        "dslam",    "rev",        "reverse"};
// ("ptr" is not one: o1.ptr1234.example.com is how SendGrid names its senders' addresses.)

}  // namespace

std::string_view ip_literal_of(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (core::istarts_with(s, "ipv6:")) s.remove_prefix(5);
  return address_of(s) ? s : std::string_view();
}

bool is_fqdn(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253 || !ip_literal_of(name).empty()) return false;
  size_t label_start = 0;
  bool dotted = false;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      size_t len = i - label_start;
      if (len == 0 || len > 63) return false;
      if (i < name.size()) dotted = true;
      label_start = i + 1;
      continue;
    }
    char c = name[i];
    if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_')) return false;
  }
  if (!dotted) return false;
  std::string_view tld = name.substr(name.rfind('.') + 1);
  if (tld.size() > 4 && core::istarts_with(tld, "xn--")) return true;
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!is_alpha(c)) return false;
  }
  return true;
}

bool embeds_ip(std::string_view name, std::string_view ip) {
  auto addr = address_of(ip);
  if (!addr || !addr->is_v4()) return false;
  const auto& a = addr->bytes;
  std::string hex = core::hex_encode({reinterpret_cast<const char*>(a.data()), 4});
  std::string lname = core::to_lower(name);
  if (lname.find(hex) != std::string::npos) return true;
  std::array<int, 32> nums{};
  size_t n = 0;
  for (size_t i = 0; i < lname.size() && n < nums.size();) {
    if (!is_digit(lname[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    int v = 0;
    while (j < lname.size() && is_digit(lname[j])) {
      if (j - i < 3) v = v * 10 + (lname[j] - '0');
      ++j;
    }
    nums[n++] = j - i <= 3 ? v : -1;
    i = j;
  }
  const int o[4] = {a[0], a[1], a[2], a[3]};
  const std::array<std::array<int, 4>, 6> runs = {{{o[0], o[1], o[2], o[3]},
                                                   {o[3], o[2], o[1], o[0]},
                                                   {o[1], o[2], o[3], -2},
                                                   {o[3], o[2], o[1], -2},
                                                   {o[2], o[1], o[0], -2},
                                                   {o[0], o[1], o[2], -2}}};
  for (const auto& run : runs) {
    size_t len = run[3] == -2 ? 3 : 4;
    for (size_t s = 0; s + len <= n; ++s) {
      bool ok = true;
      for (size_t k = 0; k < len && ok; ++k) ok = nums[s + k] == run[k];
      if (ok) return true;
    }
  }
  return false;
}

std::string dynamic_reason(std::string_view name, std::string_view ip) {
  if (name.empty() || !ip_literal_of(name).empty()) return {};
  if (embeds_ip(name, ip)) return "ip-in-name";
  bool digits = false;
  for (char c : name) digits = digits || is_digit(c);
  if (!digits) return {};
  // Labels left of the last two.
  size_t dots = 0;
  for (char c : name) dots += c == '.' ? 1 : 0;
  if (dots < 2) return {};
  size_t cut = name.size();
  for (int k = 0; k < 2; ++k) cut = name.rfind('.', cut - 1);
  std::string_view left = name.substr(0, cut);
  for (size_t i = 0; i < left.size();) {
    if (!is_alpha(left[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < left.size() && is_alpha(left[j])) ++j;
    std::string_view word = left.substr(i, j - i);
    for (std::string_view w : kDynamicWords) {
      if (core::iequals(word, w)) return "keyword:" + std::string(w);
    }
    i = j;
  }
  return {};
}

bool is_bogus_ip(std::string_view ip) {
  auto addr = address_of(ip);
  if (!addr) return false;
  const auto& a = addr->bytes;
  if (addr->is_v4()) return a[0] == 0 || a[0] >= 224;
  bool zero = true;
  for (int i = 0; i < 16; ++i) zero = zero && a[i] == 0;
  return zero || a[0] == 0xff;
}

bool is_nonpublic_ip(std::string_view ip) {
  if (!address_of(ip)) return false;
  return !is_public_ip(ip) && !is_bogus_ip(ip);
}

}  // namespace mw::scan
