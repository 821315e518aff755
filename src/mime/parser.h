// Parser: builds a Message (message.h) from raw bytes.
//
// One Parser per worker: it holds what is expensive to set up (ICU converters, the public
// suffix list, charset detector) and reuses it for every message. Not thread-safe; one
// thread uses it at a time.
//
// Failure modes: parse() fails only with kLimit when the arena cap is reached. Malformed
// input is never an error (see message.h): it is parsed leniently and flagged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/arena.h"
#include "core/non_copyable.h"
#include "core/result.h"
#include "mime/message.h"

namespace mw::mime {

// Input limits; every one is a configuration option ([limits], declared and read in
// scan/options.cpp).
struct Limits {
  size_t max_message_size = 50u << 20;   // bytes parsed; the rest is ignored (flagged)
  uint32_t max_headers = 1024;           // header fields per header block
  size_t max_header_length = 64u << 10;  // bytes per header field
  uint32_t max_mime_depth = 32;          // multipart / message nesting
  uint32_t max_mime_parts = 1024;        // parts per message
  uint32_t max_urls = 4096;              // URLs and e-mail addresses kept per message
  size_t max_text_size = 16u << 20;      // bytes of a text part converted/extracted
  uint32_t max_received = 64;            // Received fields parsed (the topmost ones)
};

class Parser : core::NonCopyable {
 public:
  Parser();
  ~Parser();

  // Parse `raw` into `arena`. REQUIRES: `raw` outlives the returned Message and the arena.
  // On success the Message is owned by the arena. Fails only with kLimit (arena cap).
  Result<Message*> parse(core::Arena& arena, std::string_view raw, const Limits& limits);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mw::mime
