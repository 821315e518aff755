// UrlExtractor::extract: URLs and e-mail addresses in free text. See urls.h.
//
// One forward pass looking only at three trigger bytes: ':' (scheme://, mailto:), '@'
// (addresses) and '.' (www. and bare host names). Each trigger looks back a bounded
// distance (never before `floor_`, the end of the last match) and forward over its token.
// Every handler returns a position past the trigger and past any token or run it scanned
// and failed on, so each byte is examined a bounded number of times: linear time.
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/ascii.h"
#include "mime/html_entities.h"
#include "mime/url_impl.h"
#include "mime/urls.h"

namespace mw::mime {
namespace {

constexpr size_t kMaxSchemeLen = 32;
constexpr size_t kMaxLocalLen = 64;
constexpr size_t kMaxDomainLen = 253;

enum Trigger : uint8_t { kNoTrigger = 0, kColon, kAt, kDot };

constexpr bool ascii_alpha(unsigned char c) { return core::is_alpha(static_cast<char>(c)); }
constexpr bool ascii_digit(unsigned char c) { return core::is_digit(static_cast<char>(c)); }
constexpr bool ascii_alnum(unsigned char c) { return core::is_alnum(static_cast<char>(c)); }

struct Tables {
  std::array<uint8_t, 256> trigger{};
  std::array<bool, 256> host{};      // host name token: [A-Za-z0-9._-]
  std::array<bool, 256> scheme{};    // [A-Za-z0-9+.-]
  std::array<bool, 256> local{};     // address local part in text: [A-Za-z0-9._%+=-]
  std::array<bool, 256> url_stop{};  // ASCII bytes that end a URL run
  std::array<bool, 256> glue{};      // before a host token: it continues a path/parameter
};

constexpr Tables make_tables() {
  Tables t{};
  t.trigger[':'] = kColon;
  t.trigger['@'] = kAt;
  t.trigger['.'] = kDot;
  for (int c = 0; c < 256; ++c) {
    auto u = static_cast<unsigned char>(c);
    bool alnum = ascii_alnum(u);
    t.host[c] = alnum || c == '.' || c == '-' || c == '_';
    t.scheme[c] = alnum || c == '+' || c == '-' || c == '.';
    t.local[c] = alnum || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '=';
    t.url_stop[c] = c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == '`' ||
                    c == '{' || c == '}' || c == '|' || c == '^';
    t.glue[c] = c >= 0x80 || c == '@' || c == '/' || c == '\\' || c == '%' || c == '&' ||
                c == '?' || c == '#' || c == '=' || c == '~' || c == '+' || c == '$' || c == '*';
  }
  return t;
}
constexpr Tables kTables = make_tables();

// First ':', '@' or '.' at or after p, or e.
const char* next_trigger(const char* p, const char* e) {
#if defined(__SSE2__)
  const __m128i colon = _mm_set1_epi8(':');
  const __m128i at = _mm_set1_epi8('@');
  const __m128i dot = _mm_set1_epi8('.');
  while (e - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, at)),
                             _mm_cmpeq_epi8(v, dot));
    int mask = _mm_movemask_epi8(m);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < e && kTables.trigger[static_cast<unsigned char>(*p)] == kNoTrigger) ++p;
  return p;
}

uint32_t decode_utf8(const unsigned char* p, size_t n) {
  switch (n) {
    case 2: return ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    case 3: return ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    default:
      return ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
             (p[3] & 0x3Fu);
  }
}

// Non-ASCII code points that end a URL in text: spaces, quotes and punctuation.
bool stops_url(uint32_t cp) {
  return cp == 0xA0 || cp == 0xAB || cp == 0xBB || cp == 0xFEFF ||
         (cp >= 0x2000 && cp <= 0x206F) ||  // general punctuation, spaces, quotes
         (cp >= 0x3000 && cp <= 0x303F) ||  // CJK symbols and punctuation
         (cp >= 0xFE50 && cp <= 0xFE6F) ||  // small form variants
         (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
         (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);  // full-width
}

class Scanner {
 public:
  Scanner(UrlExtractor::Impl& impl, core::Arena& arena, std::string_view text, Origin origin,
          int32_t part_index, Vec<Url>& urls, Vec<EmailRef>& emails, uint32_t limit)
      : impl_(impl), arena_(arena), b_(text.data()), e_(text.data() + text.size()),
        floor_(b_), origin_(origin), part_index_(part_index), urls_(urls), emails_(emails),
        limit_(limit) {}

  void run() {
    const char* p = b_;
    while (p < e_ && !full()) {
      p = next_trigger(p, e_);
      if (p >= e_) break;
      switch (kTables.trigger[static_cast<unsigned char>(*p)]) {
        case kColon: p = at_colon(p); break;
        case kAt: p = at_at(p); break;
        default: p = at_dot(p); break;
      }
    }
  }

 private:
  bool full() const { return urls_.size() + emails_.size() >= limit_; }
  const char* at_colon(const char* p);
  const char* at_at(const char* p);
  const char* at_dot(const char* p);
  const char* url_end(const char* p) const;
  const char* trim_end(const char* s, const char* e) const;
  bool emit_url(const char* s, const char* e) {
    return emit(s, e, urls_, &UrlExtractor::Impl::parse_url);
  }
  bool emit_email(const char* s, const char* e) {
    return emit(s, e, emails_, &UrlExtractor::Impl::parse_email);
  }
  // Parse [s, e) into a new item of `out` (a Url or an EmailRef); false when it is not one.
  template <typename T>
  bool emit(const char* s, const char* e, Vec<T>& out,
            bool (UrlExtractor::Impl::*parse)(core::Arena&, std::string_view, T&, bool));

  UrlExtractor::Impl& impl_;
  core::Arena& arena_;
  const char* b_;
  const char* e_;
  const char* floor_;  // nothing before this may start a new match
  Origin origin_;
  int32_t part_index_;
  Vec<Url>& urls_;
  Vec<EmailRef>& emails_;
  uint32_t limit_;
};

// End of a URL run starting at p (at most kMaxUrlScan bytes).
const char* Scanner::url_end(const char* p) const {
  const char* lim = (static_cast<size_t>(e_ - p) > UrlExtractor::kMaxUrlScan)
                        ? p + UrlExtractor::kMaxUrlScan
                        : e_;
  const auto* ue = reinterpret_cast<const unsigned char*>(e_);
  while (p < lim) {
    auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
      if (kTables.url_stop[c]) break;
      ++p;
      continue;
    }
    const auto* up = reinterpret_cast<const unsigned char*>(p);
    size_t n = detail::utf8_sequence_length(up, ue);
    if (n == 0 || stops_url(decode_utf8(up, n))) break;
    p += n;
  }
  return p;
}

// Strips trailing punctuation that belongs to the sentence, and closing brackets that have
// no opening partner inside the URL.
const char* Scanner::trim_end(const char* s, const char* e) const {
  long parens = 0;
  long brackets = 0;
  for (const char* q = s; q < e; ++q) {
    if (*q == '(') ++parens;
    else if (*q == ')') --parens;
    else if (*q == '[') ++brackets;
    else if (*q == ']') --brackets;
  }
  while (e > s) {
    char c = e[-1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
        c == '"' || c == '*') {
      --e;
    } else if (c == ')' && parens < 0) {
      ++parens;
      --e;
    } else if (c == ']' && brackets < 0) {
      ++brackets;
      --e;
    } else {
      break;
    }
  }
  return e;
}

template <typename T>
bool Scanner::emit(const char* s, const char* e, Vec<T>& out,
                   bool (UrlExtractor::Impl::*parse)(core::Arena&, std::string_view, T&, bool)) {
  T item;
  item.origin = origin_;
  item.part_index = part_index_;
  if (!(impl_.*parse)(arena_, std::string_view(s, static_cast<size_t>(e - s)), item, true)) {
    return false;
  }
  out.push_back(item);
  floor_ = e;
  return true;
}

const char* Scanner::at_colon(const char* p) {
  const char* s = p;
  while (s > floor_ && kTables.scheme[static_cast<unsigned char>(s[-1])] &&
         static_cast<size_t>(p - s) < kMaxSchemeLen) {
    --s;
  }
  // A dotted run before ':' ("see.http://") keeps only the part after the last dot.
  for (const char* q = p; q > s; --q) {
    if (q[-1] == '.') {
      s = q;
      break;
    }
  }
  while (s < p && !ascii_alpha(static_cast<unsigned char>(*s))) ++s;
  if (s == p) return p + 1;
  std::string_view scheme(s, static_cast<size_t>(p - s));
  // A word glued to the scheme ("Clickhttp://", "URL:https://" is fine): keep the
  // http/https suffix.
  for (std::string_view known : {"https", "http"}) {
    if (scheme.size() > known.size() &&
        core::iequals(scheme.substr(scheme.size() - known.size()), known)) {
      s = p - known.size();
      scheme = known;
      break;
    }
  }
  const char* after = p + 1;

  if (core::iequals(scheme, "mailto")) {
    const char* run = url_end(after);
    const char* addr_end = after;
    while (addr_end < run && *addr_end != '?' && *addr_end != '#' && *addr_end != ',' &&
           *addr_end != ';') {
      ++addr_end;
    }
    addr_end = trim_end(after, addr_end);
    if (addr_end > after && emit_email(s, addr_end)) return addr_end;
    return p + 1;
  }

  bool slashes = e_ - after >= 2 && after[0] == '/' && after[1] == '/';
  if (!slashes && (core::iequals(scheme, "http") || core::iequals(scheme, "https")) &&
      after < e_ && (*after == '/' || *after == '\\')) {
    slashes = true;  // "http:/x", "http:\\x"
  }
  if (!slashes) return p + 1;
  const char* end = trim_end(s, url_end(after));
  if (emit_url(s, end)) return end;
  // A failed "scheme://" run is skipped whole: re-scanning it from each of its colons
  // would make the pass quadratic.
  return end > p + 1 ? end : p + 1;
}

const char* Scanner::at_at(const char* p) {
  const char* s = p;
  while (s > floor_ && kTables.local[static_cast<unsigned char>(s[-1])] &&
         static_cast<size_t>(p - s) <= kMaxLocalLen) {
    --s;
  }
  if (static_cast<size_t>(p - s) > kMaxLocalLen) return p + 1;
  while (s < p && (*s == '.' || *s == '-' || *s == '=')) ++s;
  if (s == p) return p + 1;
  const char* d = p + 1;
  const char* de = d;
  while (de < e_ && kTables.host[static_cast<unsigned char>(*de)] &&
         static_cast<size_t>(de - d) <= kMaxDomainLen) {
    ++de;
  }
  while (de > d && (de[-1] == '.' || de[-1] == '-' || de[-1] == '_')) --de;
  if (de == d) return p + 1;
  if (emit_email(s, de)) return de;
  return p + 1;
}

const char* Scanner::at_dot(const char* p) {
  const char* s = p;
  while (s > floor_ && kTables.host[static_cast<unsigned char>(s[-1])]) --s;
  const char* t = p + 1;
  while (t < e_ && kTables.host[static_cast<unsigned char>(*t)]) ++t;
  if (static_cast<size_t>(t - s) > kMaxDomainLen + 2) return t;

  // Left boundary: the token must not continue a word, path, address or parameter.
  if (s > b_) {
    auto prev = static_cast<unsigned char>(s[-1]);
    if (kTables.glue[prev]) return t;
    if (s == floor_ && kTables.host[prev]) return t;
  }
  // The local part of an address ("first.last+tag@"): leave it to the '@' handler.
  const char* q = t;
  while (q < e_ && kTables.local[static_cast<unsigned char>(*q)] &&
         static_cast<size_t>(q - t) < kMaxLocalLen) {
    ++q;
  }
  if (q < e_ && *q == '@') return t;

  const char* hs = s;
  while (hs < t && (*hs == '.' || *hs == '-' || *hs == '_')) ++hs;
  const char* he = t;
  while (he > hs && (he[-1] == '.' || he[-1] == '-' || he[-1] == '_')) --he;
  std::string_view host(hs, static_cast<size_t>(he - hs));
  size_t last_dot = host.rfind('.');
  if (host.empty() || last_dot == std::string_view::npos) return t;

  // Labels: no empty ones; count the numeric ones for the dotted-quad case.
  size_t labels = 0;
  size_t numeric = 0;
  for (size_t start = 0; start <= host.size();) {
    size_t dot = host.find('.', start);
    size_t end = dot == std::string_view::npos ? host.size() : dot;
    std::string_view label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63) return t;
    ++labels;
    bool digits = true;
    for (char c : label) digits = digits && ascii_digit(static_cast<unsigned char>(c));
    if (digits && label.size() <= 3) ++numeric;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  const bool ipv4 = labels == 4 && numeric == 4;
  if (!ipv4) {
    std::string_view tld = host.substr(last_dot + 1);
    bool lower = false;
    bool upper = false;
    for (char c : tld) {
      auto u = static_cast<unsigned char>(c);
      if (!ascii_alpha(u)) return t;
      (u & 0x20 ? lower : upper) = true;
    }
    if (tld.size() < 2 || (lower && upper)) return t;  // "e.g", "end.The"
    if (!impl_.known_tld(tld)) return t;
  }

  // Optional port and path, only when the host token was not cut at its end.
  const char* end = he;
  if (he == t) {
    if (end + 1 < e_ && *end == ':' && ascii_digit(static_cast<unsigned char>(end[1]))) {
      const char* d = end + 1;
      while (d < e_ && ascii_digit(static_cast<unsigned char>(*d)) && d - end <= 5) ++d;
      if (d >= e_ || !ascii_digit(static_cast<unsigned char>(*d))) end = d;
    }
    if (end < e_ && (*end == '/' || *end == '?' || *end == '#')) end = trim_end(hs, url_end(end));
  }
  if (ipv4 && end == he) return t;  // a bare IP in text is not a URL
  if (emit_url(hs, end)) return end;
  return end > t ? end : t;
}

}  // namespace

void UrlExtractor::extract(core::Arena& arena, std::string_view text, Origin origin,
                           int32_t part_index, Vec<Url>& urls, Vec<EmailRef>& emails,
                           uint32_t limit) {
  if (text.empty()) return;
  Scanner scanner(*impl_, arena, text, origin, part_index, urls, emails, limit);
  scanner.run();
}

}  // namespace mw::mime
