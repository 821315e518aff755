// Charset conversion to UTF-8 with ICU (ucnv) and detection (ucsdet). See charset.h.
#include "mime/charset.h"

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "mime/strutil.h"
#include "mime/utf8.h"

namespace mw::mime {

namespace {

// ---- UTF-16 to UTF-8 --------------------------------------------------------------------------

// Appends UTF-16 code units as UTF-8. `pending` carries a high surrogate across calls.
// Returns the number of unpaired surrogates replaced by U+FFFD.
size_t append_utf16(std::string& out, const UChar* u, size_t n, uint32_t& pending) {
  size_t bad = 0;
  size_t old = out.size();
  out.resize(old + n * 3 + 4);  // at most 3 bytes per code unit (+ a pending surrogate)
  char* o = out.data() + old;
  auto put = [&o](uint32_t cp) {
    if (cp < 0x800) {
      *o++ = static_cast<char>(0xC0 | (cp >> 6));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *o++ = static_cast<char>(0xE0 | (cp >> 12));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *o++ = static_cast<char>(0xF0 | (cp >> 18));
      *o++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = u[i];
    if (pending != 0) {
      if (c >= 0xDC00 && c <= 0xDFFF) {
        put(0x10000 + ((pending - 0xD800) << 10) + (c - 0xDC00));
        pending = 0;
        continue;
      }
      put(0xFFFD);
      ++bad;
      pending = 0;
    }
    if (c < 0x80) {
      *o++ = static_cast<char>(c);
    } else if (c >= 0xD800 && c <= 0xDBFF) {
      pending = c;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      put(0xFFFD);
      ++bad;
    } else {
      put(c);
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return bad;
}

// ---- charset names ----------------------------------------------------------------------------

constexpr size_t kMaxNameLength = 64;
constexpr size_t kMaxCachedNames = 1024;
constexpr size_t kDetectScan = 64 * 1024;  // bytes scanned for a detection sample
constexpr size_t kDetectSample = 1024;     // bytes ucsdet looks at
constexpr size_t kMinHighBytes = 8;        // fewer 8-bit bytes: no statistics, windows-1252
constexpr size_t kChunk = 4096;
constexpr int kMinConfidence = 10;
constexpr int32_t kConfidenceTie = 5;  // ucsdet confidences this close are a tie
constexpr size_t kCaseSample = 4096;   // bytes decoded to break a tie

// Names widened to the superset that mail really uses, or that mean "unknown" (empty target).
// Sources: WHATWG Encoding Standard label table (for the widening), common MUA behaviour.
struct AliasOverride {
  std::string_view from;
  std::string_view to;
};
constexpr AliasOverride kOverrides[] = {
    {"iso-8859-1", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"latin-1", "windows-1252"},
    {"l1", "windows-1252"},
    {"cp819", "windows-1252"},
    {"iso-ir-100", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"ascii", "windows-1252"},
    {"us", "windows-1252"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"iso646-us", "windows-1252"},
    {"iso-8859-9", "windows-1254"},
    {"latin5", "windows-1254"},
    {"gb2312", "gb18030"},
    {"gbk", "gb18030"},
    {"x-gbk", "gb18030"},
    {"cp936", "gb18030"},
    {"windows-936", "gb18030"},
    {"euc-cn", "gb18030"},
    {"x-euc-cn", "gb18030"},
    {"csgb2312", "gb18030"},
    {"gb_2312-80", "gb18030"},
    {"chinese", "gb18030"},
    {"euc-kr", "windows-949"},
    {"ks_c_5601-1987", "windows-949"},
    {"ks_c_5601-1989", "windows-949"},
    {"ks_c_5601", "windows-949"},
    {"ksc5601", "windows-949"},
    {"ksc_5601", "windows-949"},
    {"cp949", "windows-949"},
    {"x-windows-949", "windows-949"},
    {"csksc56011987", "windows-949"},
    {"korean", "windows-949"},
    {"iso-ir-149", "windows-949"},
    {"tis-620", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"cp874", "windows-874"},
    {"x-windows-874", "windows-874"},
    {"x-unknown", ""},
    {"unknown-8bit", ""},
    {"unknown", ""},
    {"x-user-defined", ""},
    {"default", ""},
    {"8bit", ""},
    {"7bit", ""},
    {"binary", ""},
    {"none", ""},
    {"charset", ""},
    {"auto", ""},
    {"_autodetect_all", ""},
};

std::string normalise_name(std::string_view name) {
  size_t b = 0, e = name.size();
  auto junk = [](char c) { return is_fws(c) || c == '"' || c == '\'' || c == ';' || c == ','; };
  while (b < e && junk(name[b])) ++b;
  while (e > b && junk(name[e - 1])) --e;
  std::string out;
  out.reserve(e - b);
  for (size_t i = b; i < e; ++i) out.push_back(to_lower(name[i]));
  return out;
}

struct UConverterDeleter {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
struct DetectorDeleter {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

}  // namespace

// One opened ICU converter and what we know about it.
struct ConverterEntry {
  std::unique_ptr<UConverter, UConverterDeleter> cnv;
  std::string name;  // canonical display name
  bool utf8 = false;
  bool ascii_compatible = false;  // printable ASCII bytes map to themselves, stateless
  bool single_byte = false;
  bool wide_unmarked = false;  // "UTF-16"/"UTF-32": endianness from a BOM or a guess
  int wide_units = 0;          // 2 or 4 for UTF-16/32 families, else 0
  size_t errors = 0;           // counted by the callback during one run()
  // Stateless single-byte charsets: the UTF-8 of each byte value, packed (bytes in the low
  // 24 bits, length in the top 8; 0 = unmapped), so conversion needs no ICU call.
  std::vector<uint32_t> sbcs;
};

namespace {

// ICU to-Unicode callback: count the problem, write U+FFFD, carry on.
void count_and_substitute(const void* context, UConverterToUnicodeArgs* args, const char*, int32_t,
                          UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset / close / clone: nothing to do
  auto* entry = static_cast<ConverterEntry*>(const_cast<void*>(context));
  ++entry->errors;
  static const UChar kReplacement = 0xFFFD;
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
}

}  // namespace

struct CharsetConverter::Impl {
  // Normalised requested name -> entry (nullptr: not a charset we can use).
  std::unordered_map<std::string, ConverterEntry*> by_name;
  // ICU internal name -> entry; owns the entries (aliases share one converter).
  std::unordered_map<std::string, std::unique_ptr<ConverterEntry>> by_icu_name;
  std::unique_ptr<UCharsetDetector, DetectorDeleter> detector;
  bool detector_failed = false;
  std::string scratch;
  std::string scratch2;
  std::string sample;  // detection sample

  ConverterEntry* lookup(std::string_view name);
  ConverterEntry* open(const std::string& icu_request);
  size_t run(ConverterEntry& e, std::string_view in, std::string& out);
  ConverterEntry* detect(std::string_view bytes);
  ConverterEntry* detect_by_bytes(std::string_view bytes);  // BOMs, NUL patterns, escapes
  ConverterEntry* resolve_wide(ConverterEntry* e, std::string_view bytes);
  long case_score(ConverterEntry& e, std::string_view bytes);
  Converted decide(std::string_view bytes, std::string_view declared, bool strict, std::string& out,
                   size_t* passthrough_from, bool* passthrough);
  // decide(), then the UTF-8 appended to `out` (passed-through bytes included).
  Converted append(std::string& out, std::string_view bytes, std::string_view name, bool strict);
  // decide(), then the UTF-8 in `arena` (or a view of `bytes` when they pass through).
  Converted in_arena(core::Arena& arena, std::string_view bytes, std::string_view name,
                     bool strict);
};

ConverterEntry* CharsetConverter::Impl::open(const std::string& icu_request) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, UConverterDeleter> cnv(ucnv_open(icu_request.c_str(), &err));
  if (U_FAILURE(err) || cnv == nullptr) return nullptr;
  err = U_ZERO_ERROR;
  const char* icu_name = ucnv_getName(cnv.get(), &err);
  if (U_FAILURE(err) || icu_name == nullptr) return nullptr;
  auto it = by_icu_name.find(icu_name);
  if (it != by_icu_name.end()) return it->second.get();

  auto entry = std::make_unique<ConverterEntry>();
  UErrorCode e2 = U_ZERO_ERROR;
  const char* display = ucnv_getStandardName(icu_name, "MIME", &e2);
  if (display == nullptr) {
    e2 = U_ZERO_ERROR;
    display = ucnv_getStandardName(icu_name, "IANA", &e2);
  }
  entry->name = display != nullptr ? display : icu_name;
  if (entry->name.starts_with("windows-") && entry->name.ends_with("-2000")) {
    entry->name.resize(entry->name.size() - 5);  // "windows-874-2000" -> "windows-874"
  }
  UConverterType type = ucnv_getType(cnv.get());
  entry->utf8 = type == UCNV_UTF8;
  entry->single_byte = ucnv_getMaxCharSize(cnv.get()) == 1;
  switch (type) {
    case UCNV_UTF16:
      entry->wide_unmarked = true;
      entry->wide_units = 2;
      break;
    case UCNV_UTF32:
      entry->wide_unmarked = true;
      entry->wide_units = 4;
      break;
    case UCNV_UTF16_BigEndian:
    case UCNV_UTF16_LittleEndian:
      entry->wide_units = 2;
      break;
    case UCNV_UTF32_BigEndian:
    case UCNV_UTF32_LittleEndian:
      entry->wide_units = 4;
      break;
    default:
      break;
  }
  bool stateless = type == UCNV_SBCS || type == UCNV_DBCS || type == UCNV_MBCS ||
                   type == UCNV_UTF8 || type == UCNV_LATIN_1 || type == UCNV_US_ASCII;
  if (stateless) {
    // ASCII-compatible when printable ASCII and the usual controls map to themselves.
    char probe[98];
    size_t n = 0;
    for (int c = 0x20; c < 0x7F; ++c) probe[n++] = static_cast<char>(c);
    probe[n++] = '\t';
    probe[n++] = '\n';
    probe[n++] = '\r';
    UChar ubuf[128];
    UErrorCode e3 = U_ZERO_ERROR;
    int32_t len = ucnv_toUChars(cnv.get(), ubuf, 128, probe, static_cast<int32_t>(n), &e3);
    bool same = U_SUCCESS(e3) && len == static_cast<int32_t>(n);
    for (int32_t i = 0; same && i < len; ++i) same = ubuf[i] == static_cast<UChar>(probe[i]);
    entry->ascii_compatible = same;
    ucnv_reset(cnv.get());
  }
  UErrorCode e4 = U_ZERO_ERROR;
  ucnv_setToUCallBack(cnv.get(), count_and_substitute, entry.get(), nullptr, nullptr, &e4);
  if (U_FAILURE(e4)) return nullptr;
  bool sbcs = type == UCNV_SBCS || type == UCNV_LATIN_1 || type == UCNV_US_ASCII ||
              (type == UCNV_MBCS && entry->single_byte);
  if (sbcs) {
    entry->sbcs.assign(256, 0);
    for (int b = 0; b < 256; ++b) {
      char in = static_cast<char>(b);
      UChar u[4];
      UErrorCode e5 = U_ZERO_ERROR;
      entry->errors = 0;
      ucnv_resetToUnicode(cnv.get());
      int32_t len = ucnv_toUChars(cnv.get(), u, 4, &in, 1, &e5);
      if (U_FAILURE(e5) || len != 1 || entry->errors != 0 || (u[0] >= 0xD800 && u[0] <= 0xDFFF)) {
        continue;  // unmapped: U+FFFD at conversion time
      }
      std::string utf8;
      append_utf8(utf8, u[0]);
      uint32_t packed = static_cast<uint32_t>(utf8.size()) << 24;
      for (size_t k = 0; k < utf8.size(); ++k) {
        packed |= static_cast<uint32_t>(static_cast<unsigned char>(utf8[k])) << (8 * k);
      }
      entry->sbcs[static_cast<size_t>(b)] = packed;
    }
    entry->errors = 0;
    ucnv_resetToUnicode(cnv.get());
  }
  entry->cnv = std::move(cnv);
  ConverterEntry* raw = entry.get();
  by_icu_name.emplace(icu_name, std::move(entry));
  return raw;
}

ConverterEntry* CharsetConverter::Impl::lookup(std::string_view name) {
  if (name.size() > kMaxNameLength) return nullptr;
  std::string key = normalise_name(name);
  if (key.empty()) return nullptr;
  auto it = by_name.find(key);
  if (it != by_name.end()) return it->second;
  std::string request = key;
  for (const auto& o : kOverrides) {
    if (o.from == key) {
      request = std::string(o.to);
      break;
    }
  }
  ConverterEntry* e = nullptr;
  bool plausible = true;  // ICU does fuzzy matching; refuse names with odd bytes outright
  for (char c : request) {
    if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.' || c == ':')) {
      plausible = false;
    }
  }
  if (!request.empty() && plausible) e = open(request);
  if (by_name.size() < kMaxCachedNames) by_name.emplace(std::move(key), e);
  return e;
}

size_t CharsetConverter::Impl::run(ConverterEntry& e, std::string_view in, std::string& out) {
  if (!e.sbcs.empty()) {
    size_t old = out.size(), bad = 0;
    out.resize(old + in.size() * 3);
    char* o = out.data() + old;
    const uint32_t* table = e.sbcs.data();
    for (char ch : in) {
      uint32_t v = table[static_cast<unsigned char>(ch)];
      if (v == 0) {
        std::memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        ++bad;
        continue;
      }
      o[0] = static_cast<char>(v);
      o[1] = static_cast<char>(v >> 8);
      o[2] = static_cast<char>(v >> 16);
      o += v >> 24;
    }
    out.resize(static_cast<size_t>(o - out.data()));
    return bad;
  }
  UConverter* c = e.cnv.get();
  ucnv_resetToUnicode(c);
  e.errors = 0;
  out.reserve(out.size() + in.size() + in.size() / 2 + 16);
  const char* src = in.data();
  const char* lim = in.data() + in.size();
  UChar buf[kChunk];
  uint32_t pending = 0;
  size_t bad = 0;
  bool first = true;
  for (;;) {
    UChar* t = buf;
    UErrorCode err = U_ZERO_ERROR;
    ucnv_toUnicode(c, &t, buf + kChunk, &src, lim, nullptr, /*flush=*/true, &err);
    const UChar* from = buf;
    if (first && t > buf && buf[0] == 0xFEFF) ++from;  // byte order mark is not content
    first = false;
    bad += append_utf16(out, from, static_cast<size_t>(t - from), pending);
    if (err == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(err)) {  // not expected with our callback; never loop on it
      append_utf8(out, 0xFFFD);
      ++bad;
    }
    break;
  }
  if (pending != 0) {
    append_utf8(out, 0xFFFD);
    ++bad;
  }
  return e.errors + bad;
}

// Lower-case minus upper-case non-ASCII letters when `bytes` are decoded with `e`.
long CharsetConverter::Impl::case_score(ConverterEntry& e, std::string_view bytes) {
  UChar buf[kCaseSample];
  UErrorCode err = U_ZERO_ERROR;
  ucnv_resetToUnicode(e.cnv.get());
  size_t n = std::min(bytes.size(), kCaseSample);
  int32_t len = ucnv_toUChars(e.cnv.get(), buf, static_cast<int32_t>(kCaseSample), bytes.data(),
                              static_cast<int32_t>(n), &err);
  if (U_FAILURE(err) && err != U_BUFFER_OVERFLOW_ERROR) return LONG_MIN;
  len = std::min<int32_t>(len, static_cast<int32_t>(kCaseSample));
  long score = 0;
  for (int32_t i = 0; i < len; ++i) {
    UChar c = buf[i];
    if (c < 0x80) continue;
    if (u_islower(c)) {
      ++score;
    } else if (u_isupper(c)) {
      --score;
    }
  }
  return score;
}

ConverterEntry* CharsetConverter::Impl::resolve_wide(ConverterEntry* e, std::string_view b) {
  if (!e->wide_unmarked || b.size() < 2) return e;
  auto u = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if ((u(0) == 0xFF && u(1) == 0xFE) || (u(0) == 0xFE && u(1) == 0xFF)) return e;  // BOM
  if (e->wide_units == 4 && b.size() >= 4 &&
      ((u(0) == 0 && u(1) == 0 && u(2) == 0xFE && u(3) == 0xFF))) {
    return e;
  }
  // No BOM: ICU would assume big-endian. Guess from where the zero bytes sit.
  size_t even = 0, odd = 0, n = std::min<size_t>(b.size(), 4096);
  for (size_t i = 0; i < n; ++i) {
    if (b[i] == 0) (i % 2 == 0 ? even : odd)++;
  }
  bool little = odd > even;
  if (e->wide_units == 4) return lookup(little ? "UTF-32LE" : "UTF-32BE");
  return lookup(little ? "UTF-16LE" : "UTF-16BE");
}

ConverterEntry* CharsetConverter::Impl::detect_by_bytes(std::string_view b) {
  auto u = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 3 && u(0) == 0xEF && u(1) == 0xBB && u(2) == 0xBF) return lookup("UTF-8");
  if (b.size() >= 4 && u(0) == 0xFF && u(1) == 0xFE && u(2) == 0 && u(3) == 0) {
    return lookup("UTF-32LE");
  }
  if (b.size() >= 4 && u(0) == 0 && u(1) == 0 && u(2) == 0xFE && u(3) == 0xFF) {
    return lookup("UTF-32BE");
  }
  if (b.size() >= 2 && u(0) == 0xFF && u(1) == 0xFE) return lookup("UTF-16LE");
  if (b.size() >= 2 && u(0) == 0xFE && u(1) == 0xFF) return lookup("UTF-16BE");
  // UTF-16 without a BOM: Latin-script text has a zero in every other byte.
  size_t n = std::min(b.size(), kDetectSample);
  if (n >= 8) {
    size_t even = 0, odd = 0;
    for (size_t i = 0; i < n; ++i) {
      if (b[i] == 0) (i % 2 == 0 ? even : odd)++;
    }
    if (odd * 3 > n && even * 20 < n) return lookup("UTF-16LE");
    if (even * 3 > n && odd * 20 < n) return lookup("UTF-16BE");
  }
  // 7-bit stateful encodings announce themselves with escape sequences.
  if (contains_byte(b.substr(0, n), 0x1B)) {
    std::string_view s = b.substr(0, n);
    if (s.find("\x1b$B") != s.npos || s.find("\x1b$@") != s.npos || s.find("\x1b(J") != s.npos) {
      return lookup("ISO-2022-JP");
    }
    if (s.find("\x1b$)C") != s.npos) return lookup("ISO-2022-KR");
    if (s.find("\x1b$)A") != s.npos || s.find("\x1b$A") != s.npos) {
      return lookup("ISO-2022-CN");
    }
  }
  return nullptr;
}

ConverterEntry* CharsetConverter::Impl::detect(std::string_view b) {
  if (ConverterEntry* e = detect_by_bytes(b)) return e;
  // ucsdet costs about a microsecond per byte, so it gets a condensed sample: the lines
  // that hold 8-bit bytes (the ASCII ones say nothing about the charset), at most
  // kDetectSample bytes of them, taken from the first kDetectScan bytes.
  size_t n = std::min(b.size(), kDetectScan);
  size_t controls = 0, high = 0, pos = 0;
  sample.clear();
  while (pos < n && sample.size() < kDetectSample) {
    size_t end = pos;
    bool has_high = false;
    while (end < n && b[end] != '\n') {
      unsigned char c = static_cast<unsigned char>(b[end]);
      if (c >= 0x80) {
        has_high = true;
        ++high;
      } else if (c < 0x20 && c != '\t' && c != '\r' && c != '\f' && c != 0x1B) {
        ++controls;
      }
      ++end;
    }
    if (end < n) ++end;  // the line break
    if (has_high) sample.append(b.substr(pos, std::min(end - pos, kDetectSample)));
    pos = end;
  }
  // Binary data (an image declared as text, say) is no language; a handful of 8-bit bytes is
  // too little for statistics: both get the western default.
  if (controls * 50 > pos || high < kMinHighBytes) return lookup("windows-1252");
  if (!detector && !detector_failed) {
    UErrorCode err = U_ZERO_ERROR;
    detector.reset(ucsdet_open(&err));
    if (U_FAILURE(err)) {
      detector.reset();
      detector_failed = true;
    }
    // What detect_by_bytes() settles better (UTF-16/32, ISO-2022) or mail never uses (EBCDIC)
    // only costs time.
    for (const char* name :
         {"UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE", "ISO-2022-JP", "ISO-2022-KR",
          "ISO-2022-CN", "IBM424_rtl", "IBM424_ltr", "IBM420_rtl", "IBM420_ltr"}) {
      UErrorCode e2 = U_ZERO_ERROR;
      if (detector) ucsdet_setDetectableCharset(detector.get(), name, false, &e2);
    }
  }
  if (detector) {
    UErrorCode err = U_ZERO_ERROR;
    ucsdet_setText(detector.get(), sample.data(), static_cast<int32_t>(sample.size()), &err);
    int32_t count = 0;
    const UCharsetMatch** matches =
        U_SUCCESS(err) ? ucsdet_detectAll(detector.get(), &count, &err) : nullptr;
    ConverterEntry* best = nullptr;
    int32_t best_conf = 0;
    long best_case = 0;
    for (int32_t i = 0; U_SUCCESS(err) && matches != nullptr && i < count && i < 8; ++i) {
      UErrorCode e2 = U_ZERO_ERROR;
      int32_t conf = ucsdet_getConfidence(matches[i], &e2);
      const char* name = ucsdet_getName(matches[i], &e2);
      if (U_FAILURE(e2) || name == nullptr || conf < kMinConfidence) break;
      if (best != nullptr && conf + kConfidenceTie < best_conf) break;
      std::string_view nm(name);
      if (nm.starts_with("IBM42")) continue;  // EBCDIC guesses are noise for mail
      if (nm.starts_with("UTF-16") || nm.starts_with("UTF-32")) continue;  // BOM/NULs decide
      ConverterEntry* e = lookup(nm);
      if (e == nullptr) continue;
      if (best == nullptr) {
        best = e;
        best_conf = conf;
        if (!e->single_byte) break;
        best_case = case_score(*e, sample);
        continue;
      }
      // Near-tie between single-byte guesses (KOI8-R / windows-1251 / ISO-8859-7 ...): the
      // right one decodes to mostly lower-case letters, the wrong ones to capitals.
      if (!e->single_byte) continue;
      long score = case_score(*e, sample);
      if (score > best_case) {
        best = e;
        best_case = score;
      }
    }
    if (best != nullptr) return best;
  }
  return lookup("windows-1252");
}

Converted CharsetConverter::Impl::decide(std::string_view bytes, std::string_view declared,
                                         bool strict, std::string& out, size_t* pass_from,
                                         bool* passthrough) {
  Converted r;
  *passthrough = false;
  *pass_from = 0;
  ConverterEntry* e = nullptr;
  if (!trim_fws(declared).empty()) {
    e = lookup(declared);
    if (e == nullptr) r.declared_unknown = true;
  }
  size_t orig = out.size();
  auto convert_with = [&](ConverterEntry* use) {
    size_t errs = run(*use, bytes, out);
    r.charset_used = use->name;
    r.had_errors = errs > 0;
    return errs;
  };

  if (e != nullptr && !e->ascii_compatible && !e->utf8) {
    // UTF-16/32, UTF-7, ISO-2022-*, HZ, EBCDIC: always through ICU.
    convert_with(resolve_wide(e, bytes));
    return r;
  }
  if (is_ascii(bytes)) {
    if (e == nullptr && (contains_byte(bytes, 0x1B) || contains_byte(bytes, 0))) {
      // ISO-2022 escapes or UTF-16 without a BOM look like ASCII.
      ConverterEntry* d = detect_by_bytes(bytes);
      if (d != nullptr && !d->ascii_compatible) {
        r.detected = true;
        convert_with(d);
        return r;
      }
    }
    *passthrough = true;
    r.charset_used = "US-ASCII";  // the same bytes in every ASCII-compatible charset
    return r;
  }
  bool valid = is_valid_utf8(bytes);
  if (e == nullptr || e->utf8 || (e->single_byte && valid)) {
    if (valid) {
      *passthrough = true;
      if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") *pass_from = 3;
      r.charset_used = "UTF-8";
      r.detected = e == nullptr || !e->utf8;
      return r;
    }
    r.claimed_utf8_invalid = e == nullptr || e->utf8;
    if (e != nullptr && e->utf8) {
      Utf8Stats st = utf8_stats(bytes);
      if (st.multibyte > 0 && st.multibyte >= st.invalid) {
        append_repaired_utf8(out, bytes);
        r.charset_used = "UTF-8";
        r.had_errors = true;
        return r;
      }
    }
    r.detected = true;
    convert_with(detect(bytes));
    return r;
  }
  size_t errs = convert_with(e);
  if (errs > 0 && !strict && !e->single_byte) {
    // A multi-byte charset that does not fit the bytes: see whether detection does better.
    ConverterEntry* d = detect(bytes);
    if (d != nullptr && d != e) {
      scratch2.clear();
      size_t errs2 = run(*d, bytes, scratch2);
      if (errs2 < errs) {
        out.resize(orig);
        out.append(scratch2);
        r.detected = true;
        r.charset_used = d->name;
        r.had_errors = errs2 > 0;
      }
    }
  }
  return r;
}

// ---- public API -------------------------------------------------------------------------------

CharsetConverter::CharsetConverter() : impl_(std::make_unique<Impl>()) {}
CharsetConverter::~CharsetConverter() = default;

namespace {
constexpr size_t kScratchKeep = 4u << 20;  // do not hold on to more than this between calls
}

Converted CharsetConverter::Impl::in_arena(core::Arena& arena, std::string_view bytes,
                                           std::string_view name, bool strict) {
  scratch.clear();
  bool pass = false;
  size_t from = 0;
  Converted r = decide(bytes, name, strict, scratch, &from, &pass);
  r.utf8 = pass ? bytes.substr(from) : arena.dup(scratch);
  if (scratch.capacity() > kScratchKeep) std::string().swap(scratch);
  return r;
}

Converted CharsetConverter::Impl::append(std::string& out, std::string_view bytes,
                                         std::string_view name, bool strict) {
  bool pass = false;
  size_t from = 0;
  Converted r = decide(bytes, name, strict, out, &from, &pass);
  if (pass) out.append(bytes.substr(from));
  return r;
}

Converted CharsetConverter::to_utf8(core::Arena& arena, std::string_view bytes,
                                    std::string_view declared) {
  return impl_->in_arena(arena, bytes, declared, /*strict=*/false);
}

Converted CharsetConverter::convert(core::Arena& arena, std::string_view bytes,
                                    std::string_view charset) {
  return impl_->in_arena(arena, bytes, charset, /*strict=*/true);
}

Converted CharsetConverter::to_utf8_append(std::string& out, std::string_view bytes,
                                           std::string_view declared) {
  return impl_->append(out, bytes, declared, /*strict=*/false);
}

Converted CharsetConverter::convert_append(std::string& out, std::string_view bytes,
                                           std::string_view charset) {
  return impl_->append(out, bytes, charset, /*strict=*/true);
}

bool CharsetConverter::is_known(std::string_view charset) {
  return impl_->lookup(charset) != nullptr;
}

}  // namespace mw::mime
