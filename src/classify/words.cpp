#include "classify/words.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/unistr.h>

namespace mw::classify {

namespace {

// ASCII classes of UAX #29 (word boundaries).
enum Cls : uint8_t {
  kOther,      // breaks everywhere (spaces, most punctuation)
  kLetter,     // ALetter
  kDigit,      // Numeric
  kExtend,     // ExtendNumLet: '_'
  kMidLetter,  // MidLetter: none in ASCII (ICU's root rules take ':' out of it)
  kMidNumLet,  // MidNumLet or Single_Quote: '.', '\''
  kMidNum,     // MidNum: ',', ';'
  kSpace,      // ASCII whitespace: always a boundary, and where non-ASCII runs are cut
  kHigh,       // a byte >= 0x80 (part of a non-ASCII character)
};

constexpr Cls class_of(unsigned char c) {
  if (c >= 0x80) return kHigh;
  // ICU counts '@' as a letter (e-mail addresses stay one word).
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@') return kLetter;
  if (c >= '0' && c <= '9') return kDigit;
  switch (c) {
    case '_': return kExtend;
    case '.':
    case '\'': return kMidNumLet;
    case ',':
    case ';': return kMidNum;
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v': return kSpace;
    default: return kOther;
  }
}

struct ClassTable {
  Cls c[256];
  constexpr ClassTable() : c() {
    for (int i = 0; i < 256; ++i) c[i] = class_of(static_cast<unsigned char>(i));
  }
};
constexpr ClassTable kClasses;

inline Cls cls(char ch) { return kClasses.c[static_cast<unsigned char>(ch)]; }
inline bool wordish(Cls c) { return c == kLetter || c == kDigit || c == kExtend; }

// Pieces between ASCII whitespace that hold a non-ASCII byte start an ICU run; the run ends
// at the first stretch of this many ASCII-only pieces (which go to the fast path).
constexpr int kAsciiPiecesToLeaveIcu = 4;

}  // namespace

struct WordSplitter::Icu {
  std::unique_ptr<icu::BreakIterator> words;
  const icu::Normalizer2* nfkc_cf = nullptr;
  icu::UnicodeString text;
  icu::UnicodeString normalised;
};

WordSplitter::WordSplitter() : icu_(std::make_unique<Icu>()) {
  UErrorCode st = U_ZERO_ERROR;
  icu_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), st));
  if (U_FAILURE(st)) icu_->words.reset();
  st = U_ZERO_ERROR;
  icu_->nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(st);
  if (U_FAILURE(st)) icu_->nfkc_cf = nullptr;
}

WordSplitter::~WordSplitter() = default;

bool WordSplitter::ok() const { return icu_->words != nullptr && icu_->nfkc_cf != nullptr; }

size_t WordSplitter::split(std::string_view text, size_t max_words,
                           const std::function<void(std::string_view)>& emit) {
  size_t emitted = 0;
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n && emitted < max_words) {
    // The next piece (between whitespace) that holds a non-ASCII byte, if any.
    size_t ascii_end = pos;  // [pos, ascii_end) is ASCII only
    size_t icu_begin = n;
    for (size_t i = pos; i < n; ++i) {
      if (static_cast<unsigned char>(text[i]) < 0x80) continue;
      size_t b = i;
      while (b > pos && cls(text[b - 1]) != kSpace) --b;
      icu_begin = b;
      break;
    }
    ascii_end = icu_begin;
    if (ascii_end > pos) {
      emitted += split_ascii(text.substr(pos, ascii_end - pos), max_words - emitted, emit);
    }
    if (icu_begin >= n || emitted >= max_words) break;
    // Extend the ICU run until kAsciiPiecesToLeaveIcu ASCII-only pieces in a row.
    size_t i = icu_begin;
    size_t icu_end = n;
    int ascii_pieces = 0;
    size_t first_ascii_piece = n;
    while (i < n) {
      while (i < n && cls(text[i]) == kSpace) ++i;
      if (i >= n) break;
      size_t b = i;
      bool high = false;
      while (i < n && cls(text[i]) != kSpace) {
        high = high || static_cast<unsigned char>(text[i]) >= 0x80;
        ++i;
      }
      if (high) {
        ascii_pieces = 0;
        first_ascii_piece = n;
      } else {
        if (ascii_pieces++ == 0) first_ascii_piece = b;
        if (ascii_pieces >= kAsciiPiecesToLeaveIcu) {
          icu_end = first_ascii_piece;
          break;
        }
      }
    }
    if (icu_end == n && ascii_pieces > 0) icu_end = first_ascii_piece;
    emitted += split_icu(text.substr(icu_begin, icu_end - icu_begin), max_words - emitted, emit);
    pos = icu_end;
  }
  return emitted;
}

size_t WordSplitter::split_ascii(std::string_view s, size_t max_words,
                                 const std::function<void(std::string_view)>& emit) {
  size_t emitted = 0;
  const size_t n = s.size();
  size_t i = 0;
  while (i < n && emitted < max_words) {
    Cls c = cls(s[i]);
    if (!wordish(c)) {
      ++i;
      continue;
    }
    size_t start = i;
    Cls prev = c;
    bool alnum = c != kExtend && s[i] != '@';
    ++i;
    while (i < n) {
      Cls ci = cls(s[i]);
      if (wordish(ci)) {  // WB5, WB8-WB10, WB13a, WB13b
        alnum = alnum || (ci != kExtend && s[i] != '@');
        prev = ci;
        ++i;
        continue;
      }
      if (i + 1 < n) {
        Cls next = cls(s[i + 1]);
        if (prev == kLetter && next == kLetter && (ci == kMidLetter || ci == kMidNumLet)) {
          alnum = alnum || s[i + 1] != '@';
          i += 2;  // WB6, WB7: letters across ' .
          continue;
        }
        if (prev == kDigit && next == kDigit && (ci == kMidNum || ci == kMidNumLet)) {
          alnum = true;
          i += 2;  // WB11, WB12: digits across , ; . '
          continue;
        }
      }
      break;
    }
    if (!alnum) continue;  // only '_' and '@'
    word_.assign(s.data() + start, i - start);
    for (char& ch : word_) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    }
    emit(word_);
    ++emitted;
  }
  return emitted;
}

size_t WordSplitter::split_icu(std::string_view s, size_t max_words,
                               const std::function<void(std::string_view)>& emit) {
  if (!ok()) {
    // No ICU: whitespace-separated pieces, as they are.
    size_t emitted = 0, i = 0;
    while (i < s.size() && emitted < max_words) {
      while (i < s.size() && cls(s[i]) == kSpace) ++i;
      size_t b = i;
      while (i < s.size() && cls(s[i]) != kSpace) ++i;
      if (i > b) {
        emit(s.substr(b, i - b));
        ++emitted;
      }
    }
    return emitted;
  }
  Icu& icu = *icu_;
  icu.text = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  UErrorCode st = U_ZERO_ERROR;
  icu.nfkc_cf->normalize(icu.text, icu.normalised, st);
  const icu::UnicodeString& t = U_SUCCESS(st) ? icu.normalised : icu.text;
  icu.words->setText(t);
  size_t emitted = 0;
  int32_t start = icu.words->first();
  for (int32_t end = icu.words->next(); end != icu::BreakIterator::DONE && emitted < max_words;
       start = end, end = icu.words->next()) {
    if (icu.words->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    word_.clear();
    t.tempSubStringBetween(start, end).toUTF8String(word_);
    emit(word_);
    ++emitted;
  }
  return emitted;
}

}  // namespace mw::classify
