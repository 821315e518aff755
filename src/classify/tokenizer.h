// Tokenizer: the statistical tokens of a parsed message, as 64-bit hashes.
//
// Tokens (each kind hashed with its own seed, hash.h):
//   - words of the text parts (HTML parts by their visible text; words from WordSplitter,
//     NFKC case-folded), as orthogonal sparse bigrams: every word paired with each of the
//     `window - 1` words after it, the distance being part of the token (the scheme Rspamd
//     uses, after Siefkes et al., "Combining Winnow and Orthogonal Sparse Bigrams", 2004),
//     plus each word alone (unigrams) unless disabled. Pairs never span two parts;
//   - the Subject's words, the same way, apart from the body's;
//   - URLs: host, registrable domain, host with the first path segment, and flags (numeric
//     host, user name, obfuscation, explicit port); e-mail addresses in the text: domain;
//   - selected headers: From domain and display-name words, Reply-To domain and whether it
//     differs from From's, To/Cc counts, Message-ID domain, mailer (X-Mailer/User-Agent with
//     digits folded), Received count, List-Id, List-Unsubscribe, Precedence, X-Priority,
//     Return-Path domain, missing Date;
//   - MIME structure: parts, text parts, HTML only, multipart/alternative, the root content
//     type, charsets, transfer encodings of text, attachments (count, extensions, types),
//     HTML images, links, forms, scripts, message and text size (log2 buckets), the parser's
//     anomalies.
// Words longer than `max_word_length` bytes become a length placeholder, numbers longer
// than 6 digits a digit-count placeholder (both stay in the bigram stream).
//
// The result is sorted and unique (a token counts once per message) and never holds 0 (row
// 0 of a statistics table keeps the class totals).
//
// Limits (options): words per text part, text parts, URLs; the total is therefore bounded.
// Ownership: plain values; the splitter is borrowed. Loop affinity: none.
// Failure modes: none (an empty message has only meta tokens).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "classify/words.h"
#include "mime/message.h"

namespace mw::classify {

struct TokenizerOptions {
  unsigned window = 5;          // OSB window: a word is paired with the next window-1 words
  bool unigrams = true;         // also each word alone
  size_t max_words = 600;       // words per text part (and per Subject)
  size_t max_parts = 8;         // text parts read
  size_t max_word_length = 40;  // bytes; longer words become a placeholder
  size_t max_urls = 64;         // distinct URLs and addresses turned into tokens
};

struct Tokens {
  std::vector<uint64_t> ids;  // sorted, unique, non-zero
  size_t text = 0;  // word and bigram tokens made from the text (repeats counted): what
                    // min_tokens is compared with (header and MIME tokens always exist)
};
// Tokens of `message`. When `trace` is given, a readable name of every token is appended to
// it as well ("w:hello", "osb1:hello world", "s:free", "url-host:example.com",
// "html:only", ...), in the order produced (tests, debugging).
Tokens tokenize(const mime::Message& message, WordSplitter& splitter,
                const TokenizerOptions& options, std::vector<std::string>* trace = nullptr);

// Hash of one non-word token given by its readable name (what tokenize() hashes for header,
// URL and MIME tokens): e.g. meta_token("url-host:example.com").
uint64_t meta_token(std::string_view name);
// Hash of one word of the body or (subject = true) of the Subject.
uint64_t word_hash(std::string_view normalised_word, bool subject);
// The unigram and bigram tokens made from word hashes (what tokenize() stores).
uint64_t unigram_token(uint64_t word);
uint64_t bigram_token(uint64_t first, uint64_t second, unsigned gap);

}  // namespace mw::classify
