// UrlExtractor: parsing and normalising one URL, IDNA, public suffixes. The free-text
// scanner (extract) is in url_extract.cpp. See urls.h.
#include "mime/urls.h"

#include <algorithm>
#include <cstring>

#include "core/ascii.h"
#include "core/percent.h"
#include "mime/url_impl.h"
#include "mime/url_parse.h"

namespace mw::mime {
namespace {

using detail::Ipv4Form;
using detail::UrlParts;

constexpr size_t kMaxHostLen = 1024;  // longer hosts are refused (DNS allows 253)
constexpr size_t kMaxLocalPart = 64;   // RFC 5321 4.5.3.1.1

using core::is_alpha;
using core::is_digit;
using core::lower_in_place;
using core::to_lower;

bool has_ace_label(std::string_view host) {
  for (size_t i = 0; i + 4 <= host.size(); ++i) {
    if ((i == 0 || host[i - 1] == '.') && host.compare(i, 4, "xn--") == 0) return true;
  }
  return false;
}

// URL Standard "forbidden domain code point" (ASCII part).
bool forbidden_host_byte(unsigned char c) {
  return c <= 0x20 || c == 0x7F || c == '#' || c == '%' || c == '/' || c == ':' || c == '<' ||
         c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' ||
         c == '|';
}

uint16_t default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return 0;
}

// Scheme as a view that outlives the input: the common ones are literals.
std::string_view intern_scheme(core::Arena& arena, const std::string& lower) {
  for (std::string_view known : {"http", "https", "ftp", "ws", "wss", "hxxp", "hxxps"}) {
    if (lower == known) return known;
  }
  return arena.dup(lower);
}

std::string_view trim_c0_space(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  return s;
}

// TLDs that, without a path, are far more often file extensions in mail text.
bool file_extension_tld(std::string_view tld) {
  for (std::string_view ext : {"ai", "app", "cab", "md", "mk", "ml", "mo", "mov", "pm", "ps",
                               "py", "rs", "sh", "so", "zip"}) {
    if (tld == ext) return true;
  }
  return false;
}

// Valid host name syntax for addresses: labels of [a-z0-9_-], 1-63 long, at least two,
// the last alphabetic (or an A-label).
bool valid_domain_syntax(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  size_t labels = 0;
  size_t start = 0;
  while (start <= d.size()) {
    size_t dot = d.find('.', start);
    size_t end = dot == std::string_view::npos ? d.size() : dot;
    std::string_view label = d.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_')) return false;
    }
    ++labels;
    if (dot == std::string_view::npos) {
      bool alpha = std::all_of(label.begin(), label.end(), is_alpha);
      return labels >= 2 && ((alpha && label.size() >= 2) || label.rfind("xn--", 0) == 0);
    }
    start = dot + 1;
  }
  return false;
}

bool local_char(char c, bool strict) {
  if (is_alpha(c) || is_digit(c)) return true;
  if (strict) return c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '=';
  return std::strchr(".!#$%&'*+-/=?^_`{|}~", c) != nullptr && c != '\0';
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Impl: public suffixes and IDNA

namespace {
// Copy `s` lower-cased into `buf` with a NUL after it (libpsl takes C strings) and return its
// 32-bit FNV-1a hash, which picks the cache slot. REQUIRES: buf holds s.size() + 1 bytes.
uint32_t lower_for_psl(std::string_view s, char* buf) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < s.size(); ++i) {
    buf[i] = to_lower(s[i]);
    hash = (hash ^ static_cast<unsigned char>(buf[i])) * 16777619u;
  }
  buf[s.size()] = '\0';
  return hash;
}
}  // namespace

bool UrlExtractor::Impl::known_tld(std::string_view label) const {
  char buf[64];
  if (!psl || label.empty() || label.size() >= sizeof(buf)) return false;
  uint32_t hash = lower_for_psl(label, buf);
  TldCacheEntry* slot = nullptr;
  if (label.size() <= sizeof(slot->label)) {
    slot = &tld_cache[(hash ^ (hash >> 16)) & (tld_cache.size() - 1)];
    if (slot->len == label.size() && std::memcmp(slot->label, buf, label.size()) == 0) {
      return slot->known;
    }
  }
  bool known = psl_is_public_suffix2(psl.get(), buf, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
  if (slot != nullptr) {
    std::memcpy(slot->label, buf, label.size());
    slot->len = static_cast<uint8_t>(label.size());
    slot->known = known;
  }
  return known;
}

std::string_view UrlExtractor::Impl::classify(std::string_view host, bool* known,
                                              bool* suffix) const {
  if (known != nullptr) *known = false;
  if (suffix != nullptr) *suffix = false;
  if (!psl || host.empty() || host.size() > 253) return host;
  size_t dot = host.rfind('.');
  if (!known_tld(dot == std::string_view::npos ? host : host.substr(dot + 1))) return host;
  if (known != nullptr) *known = true;
  char buf[256];
  uint32_t hash = lower_for_psl(host, buf);
  DomainCacheEntry* slot = nullptr;
  if (host.size() <= sizeof(slot->host)) {
    slot = &domain_cache[(hash ^ (hash >> 16)) & (domain_cache.size() - 1)];
    if (slot->len != host.size() || std::memcmp(slot->host, buf, host.size()) != 0) {
      const char* reg = psl_registrable_domain(psl.get(), buf);
      std::memcpy(slot->host, buf, host.size());
      slot->len = static_cast<uint8_t>(host.size());
      slot->suffix = reg == nullptr;
      slot->offset = reg == nullptr ? 0 : static_cast<uint8_t>(reg - buf);
    }
    if (suffix != nullptr) *suffix = slot->suffix;
    return host.substr(slot->offset);
  }
  const char* reg = psl_registrable_domain(psl.get(), buf);
  if (reg == nullptr) {
    if (suffix != nullptr) *suffix = true;  // the host is itself a public suffix
    return host;
  }
  return host.substr(static_cast<size_t>(reg - buf));
}

namespace {
// Errors that the URL Standard does not treat as failures (CheckHyphens = false,
// VerifyDnsLength = false).
constexpr uint32_t kIgnoredIdnaErrors =
    UIDNA_ERROR_EMPTY_LABEL | UIDNA_ERROR_LABEL_TOO_LONG | UIDNA_ERROR_DOMAIN_NAME_TOO_LONG |
    UIDNA_ERROR_LEADING_HYPHEN | UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;
}  // namespace

namespace {
// uidna_nameToASCII_UTF8 or uidna_nameToUnicodeUTF8.
using IdnaConvert = int32_t (*)(const UIDNA*, const char*, int32_t, char*, int32_t, UIDNAInfo*,
                                UErrorCode*);

bool idna_convert(const UIDNA* idna, IdnaConvert convert, std::string_view in, std::string& out) {
  if (idna == nullptr || in.empty() || in.size() > kMaxHostLen) return false;
  char buf[kMaxHostLen * 4];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = convert(idna, in.data(), static_cast<int32_t>(in.size()), buf, sizeof(buf), &info,
                      &err);
  if (U_FAILURE(err) || (info.errors & ~kIgnoredIdnaErrors) != 0 || n <= 0) return false;
  out.assign(buf, static_cast<size_t>(n));
  return true;
}
}  // namespace

bool UrlExtractor::Impl::idna_to_ascii(std::string_view in, std::string& out) const {
  return idna_convert(idna.get(), uidna_nameToASCII_UTF8, in, out);
}

bool UrlExtractor::Impl::idna_to_unicode(std::string_view in, std::string& out) const {
  return idna_convert(idna.get(), uidna_nameToUnicodeUTF8, in, out);
}

bool UrlExtractor::Impl::plausible_schemeless(std::string_view host, bool has_more,
                                              std::string_view* reg) const {
  size_t dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  bool known = false;
  bool suffix = false;
  *reg = classify(host, &known, &suffix);
  if (!known || suffix) return false;
  bool www = host.size() > 4 && host.compare(0, 4, "www.") == 0;
  return www || has_more || !file_extension_tld(host.substr(dot + 1));
}

// ---------------------------------------------------------------------------------------
// Impl: parsing one URL

bool UrlExtractor::Impl::parse_url(core::Arena& arena, std::string_view s, Url& out,
                                   bool from_text) {
  std::string_view raw = trim_c0_space(s);
  if (raw.empty() || raw.size() > (1u << 20)) return false;
  // Browsers drop tabs and newlines anywhere in a URL.
  std::string& cleaned = scratch_clean;
  cleaned.clear();
  std::string_view input = raw;
  if (raw.find_first_of("\t\r\n") != std::string_view::npos) {
    cleaned.reserve(raw.size());
    for (char c : raw) {
      if (c != '\t' && c != '\r' && c != '\n') cleaned.push_back(c);
    }
    input = cleaned;
  }
  UrlParts parts;
  if (!detail::split_url(input, parts)) return false;

  Url u;
  u.origin = out.origin;
  u.part_index = out.part_index;
  u.header_name = out.header_name;
  u.anchor_text = out.anchor_text;
  u.raw = raw;

  std::string scheme(parts.scheme.empty() ? std::string_view("http") : parts.scheme);
  lower_in_place(scheme);
  if (scheme == "mailto") return false;
  u.scheme = intern_scheme(arena, scheme);
  u.schemeless = parts.scheme.empty();

  // Userinfo: keep the user name (decoded), never the password.
  if (parts.has_userinfo && !parts.userinfo.empty()) {
    std::string user;
    std::string_view name = parts.userinfo.substr(0, parts.userinfo.find(':'));
    core::append_percent_decoded(user, name, {.keep_controls = true});
    u.has_user = true;
    if (!user.empty()) u.user = arena.dup(user);
    if (user.find('.') != std::string::npos || user.find('@') != std::string::npos) {
      u.obfuscated = true;  // "http://bank.example@evil.test/"
    }
  }

  // Host.
  std::string_view host_in = parts.host;
  if (host_in.empty()) return false;
  std::string& host = scratch_host;
  host.clear();
  bool ipv6 = false;
  if (host_in.front() == '[') {
    if (!detail::normalize_ipv6(host_in.substr(1, host_in.size() - 2), host)) return false;
    ipv6 = true;
    u.host_is_ip = true;
  } else {
    if (detail::has_percent_escape(host_in)) {
      core::append_percent_decoded(host, host_in);
      u.obfuscated = true;
      if (!detail::valid_utf8(host)) return false;
    } else {
      host.assign(host_in);
    }
    bool ascii = std::all_of(host.begin(), host.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii) {
      std::string converted;
      if (!idna_to_ascii(host, converted)) return false;
      host.swap(converted);
    }
    lower_in_place(host);
    while (!host.empty() && host.back() == '.') host.pop_back();
    if (host.empty() || host.size() > kMaxHostLen) return false;
    for (char c : host) {
      if (forbidden_host_byte(static_cast<unsigned char>(c))) return false;
    }
    uint32_t addr = 0;
    switch (detail::parse_ipv4(host, addr)) {
      case Ipv4Form::kInvalid:
        return false;
      case Ipv4Form::kUnusual:
        u.obfuscated = true;
        host = detail::format_ipv4(addr);
        u.host_is_ip = true;
        break;
      case Ipv4Form::kCanonical:
        u.host_is_ip = true;
        break;
      case Ipv4Form::kNotNumeric:
        break;
    }
    if (!u.host_is_ip && has_ace_label(host)) {
      std::string check;
      if (!idna_to_unicode(host, check)) return false;  // broken punycode
    }
    if (from_text || u.schemeless) {
      bool alnum = std::any_of(host.begin(), host.end(),
                               [](char c) { return is_alpha(c) || is_digit(c); });
      if (!alnum) return false;
    }
  }
  bool has_more = !parts.path.empty() || parts.has_query || parts.has_fragment ||
                  parts.has_port;
  std::string_view reg;  // registrable part of `host`, when already known
  if (u.schemeless && !parts.protocol_relative) {
    if (u.host_is_ip ? !has_more : !plausible_schemeless(host, has_more, &reg)) return false;
  }
  u.host = (cleaned.empty() && host == host_in) ? host_in : arena.dup(host);
  u.host_unicode = u.host;
  if (!u.host_is_ip && has_ace_label(host)) {
    std::string uni;
    if (idna_to_unicode(host, uni) && uni != host) u.host_unicode = arena.dup(uni);
  }
  if (u.host_is_ip) {
    u.tld = u.host;
  } else {
    if (reg.data() == nullptr) reg = classify(host, nullptr, nullptr);
    u.tld = u.host.substr(static_cast<size_t>(reg.data() - host.data()));
  }

  // Port.
  if (parts.has_port && !parts.port.empty()) {
    uint32_t port = 0;
    for (char c : parts.port) {
      if (!is_digit(c)) return false;
      port = port * 10 + static_cast<uint32_t>(c - '0');
      if (port > 65535) return false;
    }
    u.port = static_cast<uint16_t>(port);
  }

  // Path: backslashes are slashes in special schemes; decoded when the result is UTF-8.
  std::string& path = scratch_path;
  path.assign(parts.path);
  if (parts.special) std::replace(path.begin(), path.end(), '\\', '/');
  if (path.empty() && parts.special) path = "/";
  if (detail::has_percent_escape(path)) {
    std::string decoded;
    core::append_percent_decoded(decoded, path, {.keep_controls = true});
    u.path = detail::valid_utf8(decoded) ? arena.dup(decoded) : arena.dup(path);
  } else {
    u.path = (path == parts.path && cleaned.empty()) ? parts.path : arena.dup(path);
  }
  auto keep = [&](std::string_view v) { return cleaned.empty() ? v : arena.dup(v); };
  u.query = keep(parts.query);
  u.fragment = keep(parts.fragment);

  // Normalised form: scheme://host[:port]/path[?query][#fragment], ASCII only.
  std::string& norm = scratch_norm;
  norm.clear();
  norm.append(scheme).append("://");
  if (ipv6) norm.push_back('[');
  norm.append(u.host);
  if (ipv6) norm.push_back(']');
  if (u.port != 0 && u.port != default_port(scheme)) {
    norm.push_back(':');
    norm.append(std::to_string(u.port));
  }
  detail::percent_encode_unsafe(path, norm);
  if (parts.has_query) {
    norm.push_back('?');
    detail::percent_encode_unsafe(parts.query, norm);
  }
  if (parts.has_fragment) {
    norm.push_back('#');
    detail::percent_encode_unsafe(parts.fragment, norm);
  }
  u.url = arena.dup(norm);
  out = u;
  return true;
}

bool UrlExtractor::Impl::parse_email(core::Arena& arena, std::string_view s, EmailRef& out,
                                     bool from_text) {
  s = trim_c0_space(s);
  std::string decoded;
  std::string prefix(s.substr(0, 7));
  lower_in_place(prefix);
  if (prefix == "mailto:") {
    s.remove_prefix(7);
    s = s.substr(0, s.find_first_of("?#,;"));
    if (detail::has_percent_escape(s)) {
      core::append_percent_decoded(decoded, s, {.keep_controls = true});
      s = decoded;
    }
    s = trim_c0_space(s);
  }
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > kMaxLocalPart) return false;
  std::string_view local = s.substr(0, at);
  std::string_view domain_in = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!local_char(c, from_text)) return false;
  }
  std::string domain(domain_in);
  if (!std::all_of(domain.begin(), domain.end(),
                   [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    if (from_text) return false;
    std::string ascii;
    if (!idna_to_ascii(domain, ascii)) return false;
    domain.swap(ascii);
  }
  lower_in_place(domain);
  if (!valid_domain_syntax(domain)) return false;
  if (from_text && !known_tld(domain.substr(domain.rfind('.') + 1))) return false;

  EmailRef e;
  e.origin = out.origin;
  e.part_index = out.part_index;
  e.header_name = out.header_name;
  if (decoded.empty() && domain == domain_in) {
    e.addr = s;
  } else {
    std::string addr(local);
    addr.push_back('@');
    addr.append(domain);
    e.addr = arena.dup(addr);
  }
  e.user = e.addr.substr(0, at);
  e.domain = e.addr.substr(at + 1);
  out = e;
  return true;
}

// ---------------------------------------------------------------------------------------
// Public API

UrlExtractor::UrlExtractor() : impl_(std::make_unique<Impl>()) {
  psl_ctx_t* latest = psl_latest(nullptr);  // Debian's /usr/share/publicsuffix
  if (latest == nullptr) {
    // The built-in list is static data inside libpsl; psl_free() ignores it.
    latest = const_cast<psl_ctx_t*>(psl_builtin());
  }
  impl_->psl.reset(latest);
  UErrorCode err = U_ZERO_ERROR;
  UIDNA* idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII |
                                    UIDNA_NONTRANSITIONAL_TO_UNICODE | UIDNA_CHECK_BIDI |
                                    UIDNA_CHECK_CONTEXTJ,
                                &err);
  if (U_SUCCESS(err)) impl_->idna.reset(idna);
}

UrlExtractor::~UrlExtractor() = default;

bool UrlExtractor::parse(core::Arena& arena, std::string_view s, Url& out) {
  return impl_->parse_url(arena, s, out, false);
}

bool UrlExtractor::parse_email(core::Arena& arena, std::string_view s, EmailRef& out) {
  return impl_->parse_email(arena, s, out, false);
}

std::string_view UrlExtractor::registrable_domain(core::Arena& arena, std::string_view host) {
  (void)arena;
  uint32_t addr = 0;
  if (host.empty() || (host.front() == '[' && host.back() == ']')) return host;
  if (detail::parse_ipv4(host, addr) != Ipv4Form::kNotNumeric) return host;
  if (host.find(':') != std::string_view::npos) return host;  // IPv6 without brackets
  return impl_->classify(host, nullptr, nullptr);
}

std::string_view UrlExtractor::to_ascii(core::Arena& arena, std::string_view host) {
  std::string out;
  if (!impl_->idna_to_ascii(host, out)) return {};
  return out == host ? host : arena.dup(out);
}

std::string_view UrlExtractor::to_unicode(core::Arena& arena, std::string_view ascii_host) {
  std::string out;
  if (!impl_->idna_to_unicode(ascii_host, out)) return {};
  return out == ascii_host ? ascii_host : arena.dup(out);
}

}  // namespace mw::mime
