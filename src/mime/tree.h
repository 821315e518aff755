// MIME structure: header blocks, multipart boundaries and encapsulated messages (internal).
//
// One pass over the buffer with a stack of the open multipart boundaries. Every line that
// starts with "--" is compared with the stack, innermost boundary first (so a nested part
// that reuses its parent's boundary, or boundaries that are prefixes of each other, resolve
// the way GMime and MUAs resolve them). A delimiter is "--" boundary followed only by blanks;
// a close delimiter is "--" boundary "--" followed by anything. A delimiter of an outer
// multipart closes every inner one (UNCLOSED_MULTIPART). Each body byte is looked at once;
// the work per "--" line is bounded by the nesting depth.
//
// Parts at depth limits.max_mime_depth are not split further (MIME_TOO_DEEP); past
// limits.max_mime_parts no part is created and the rest of the multipart goes to its
// epilogue (TOO_MANY_PARTS). A multipart without a usable boundary becomes a leaf.
// message/rfc822 bodies are parsed as nested messages (children[0]); an encoded one
// (base64/quoted-printable, invalid but seen) is decoded first and parsed from the arena.
//
// Transfer decoding of leaf bodies is not done here (see parser.cpp), except for the
// encapsulated messages above.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "mime/context.h"

namespace mw::mime {

class TreeBuilder {
 public:
  TreeBuilder(ParseContext& ctx, std::string_view buf) : ctx_(ctx), buf_(buf) {}

  // Parses the part (headers and body) that starts at `pos` into `part`, which the caller
  // created. Returns where the part ends.
  size_t parse(Part* part, size_t pos);

 private:
  struct Delim {
    size_t crlf_begin;  // start of the line break before the delimiter line (part of it)
    size_t line_begin;  // the "--" of the delimiter line
    size_t line_end;    // after the line's own line break
    size_t level;       // index in stack_ of the boundary that matched
    bool close;
  };
  using MaybeDelim = std::optional<Delim>;

  MaybeDelim parse_part(Part* part, size_t pos, bool digest_child);
  MaybeDelim parse_multipart(Part* part, size_t start, size_t body);
  MaybeDelim parse_message(Part* part, size_t start, size_t body);
  MaybeDelim finish_leaf(Part* part, size_t start, size_t body);
  MaybeDelim find_delimiter(size_t from);
  // Index in stack_ of the boundary `line` (no line break) delimits, or -1.
  long match(std::string_view line, bool* close) const;
  static bool stop_line(const void* self, std::string_view line);
  void set_span(Part* part, size_t start, size_t body, size_t end);

  ParseContext& ctx_;
  std::string_view buf_;
  std::vector<std::string_view> stack_;  // open boundaries, outermost first
};

}  // namespace mw::mime
