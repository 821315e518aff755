// The messages the load driver replays: every message file under the corpus paths, read into
// memory once.
//
// A path may be a file or a directory (walked recursively, in sorted order, so every run sends
// the same sequence). Skipped: hidden files, licence and notice files (LICENSE*, COPYING*,
// NOTICE*, README*, SOURCE.md), data and documentation files (.json .jsonl .tsv .csv .md),
// images and archives, empty files, files above `max_message_bytes`, and - unless `sniff` is
// off - files that do not start like a message (a header field "Name:" or an mbox "From "
// line) or that contain NUL bytes in their first 4 KiB.
//
// Ownership: a Corpus owns the message bytes. Loop affinity: none.
// Failure modes: a path that does not exist or cannot be read is kIo; a corpus with no
// message at all is kNotFound. Unreadable files inside a directory are skipped and counted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::bench {

struct CorpusOptions {
  std::vector<std::string> paths;
  size_t max_message_bytes = 16 * 1024 * 1024;  // larger files are skipped
  bool sniff = true;                            // skip files that do not look like mail
};

struct Message {
  std::string path;
  std::string data;        // the message as read
  std::string compressed;  // zstd frame of data, filled by compress_corpus()
};

struct Corpus {
  std::vector<Message> messages;
  size_t skipped = 0;      // files looked at and left out
  size_t total_bytes = 0;  // sum of data sizes
};

Result<Corpus> load_corpus(const CorpusOptions& opts);

// Fill Message::compressed for every message (zstd at `level`). Fails with kInternal if zstd
// reports an error.
Status compress_corpus(Corpus& corpus, int level);

// Does the start of `data` look like an RFC 5322 message or an mbox?
bool looks_like_message(std::string_view data);

}  // namespace mw::bench
