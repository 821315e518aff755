// Tag=value lists (RFC 6376 section 3.2): the syntax of DKIM-Signature, DKIM key records,
// ARC-Message-Signature and ARC-Seal.
//
//   tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
//   tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//   tag-name  = ALPHA *( ALPHA / DIGIT / "_" )
//
// Tag names are case-sensitive. A tag may appear once. An empty tag-spec (";;", a leading
// ";") is a syntax error; one trailing ";" is allowed. Values keep their inner whitespace;
// leading and trailing FWS are removed. Control characters other than folding whitespace are
// refused; bytes of 0x80 and above are tolerated (individual tags validate their values).
//
// Ownership: Tag holds views into the parsed text. Loop affinity: none.
// Failure modes: kInvalidInput with a description naming the offending tag or offset.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::auth::dkim {

struct Tag {
  std::string_view name;
  std::string_view value;  // leading and trailing FWS removed
  size_t raw_begin = 0;    // offsets in the parsed text of everything between '=' and the
  size_t raw_end = 0;      // terminating ';' (or the end): what "b=" removal deletes
};

// Parse a tag-list. An empty or all-whitespace text is a valid, empty list.
Result<std::vector<Tag>> parse_tag_list(std::string_view text);

// The tag named `name`, or nullptr.
const Tag* find_tag(const std::vector<Tag>& tags, std::string_view name);

}  // namespace mw::auth::dkim
