// WordSplitter: the words of a text, normalised for statistics.
//
// Words are what Unicode's word-boundary rules (UAX #29, as ICU implements them, with its
// dictionaries for Thai, Chinese, Japanese, ...) call words: runs that hold a letter, a digit
// or an ideograph; punctuation and spaces between them are dropped. Each word is normalised
// with NFKC and Unicode case folding (NFKC_Casefold: "ＨＥＬＬＯ", "Hello" and "ﬁne"/"fine"
// become the same word).
//
// Speed: ASCII text (most mail) never goes through ICU. The text is cut at ASCII whitespace,
// which is always a word boundary; runs of pieces without a byte >= 0x80 are split by our own
// implementation of the UAX #29 rules restricted to ASCII, as ICU's root rules have them
// (letters, digits, '_', '@' counted as a letter, and the "mid" characters . ' between
// letters or digits and , ; between digits: "can't", "e.g", "3.14", "1,000", "example.com",
// "user@example.com" stay whole, "a:b" does not), which gives exactly ICU's segmentation
// there (a unit test compares them on random text), and lower-cased. Other runs go to ICU.
// Words made only of '_' and '@' are dropped.
//
// Ownership: owns its ICU break iterator; one splitter per thread (not thread-safe).
// Failure modes: none; text that is not valid UTF-8 is converted with U+FFFD replacements by
// ICU, and if ICU cannot be set up (ok() is false), non-ASCII runs are split at whitespace
// only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/non_copyable.h"

namespace mw::classify {

class WordSplitter : core::NonCopyable {
 public:
  WordSplitter();
  ~WordSplitter();

  // Call `emit` with each normalised word of `text` (UTF-8), in order, until `max_words`
  // have been emitted. The view passed to `emit` is valid during the call only. Returns how
  // many words were emitted.
  size_t split(std::string_view text, size_t max_words,
               const std::function<void(std::string_view)>& emit);

  // False when ICU's word iterator or normaliser could not be created.
  bool ok() const;

 private:
  size_t split_ascii(std::string_view text, size_t max_words,
                     const std::function<void(std::string_view)>& emit);
  size_t split_icu(std::string_view text, size_t max_words,
                   const std::function<void(std::string_view)>& emit);

  struct Icu;
  std::unique_ptr<Icu> icu_;
  std::string word_;  // the current word, lower-cased or converted to UTF-8
};

}  // namespace mw::classify
