// State shared by the parser stages while one message is parsed (internal header).
#pragma once

#include <cstdint>

#include "core/arena.h"
#include "mime/message.h"
#include "mime/parser.h"
#include "mime/rfc2047.h"
#include "mime/strutil.h"

namespace mw::mime {

// Internal ceiling on MIME nesting whatever the configuration says: the tree builder recurses
// once per level, so this bounds its stack use.
inline constexpr uint32_t kHardMaxDepth = 256;
// Transfer-encoded message/rfc822 parts are decoded into the arena and parsed again; a chain
// of them (quoted-printable does not shrink) would redo the work at every level, so only this
// many are opened per message. Further ones stay leaves.
inline constexpr uint32_t kMaxEncodedMessages = 4;

struct ParseContext {
  ParseContext(core::Arena& a, const Limits& l, HeaderDecoder& d, Message& m)
      : arena(a),
        limits(l),
        decoder(d),
        msg(m),
        max_depth(l.max_mime_depth < kHardMaxDepth ? l.max_mime_depth : kHardMaxDepth) {}

  core::Arena& arena;
  const Limits& limits;
  HeaderDecoder& decoder;
  Message& msg;
  uint32_t max_depth;
  uint32_t lf = 0;       // lines ended by a bare LF (header blocks and boundary lines)
  uint32_t crlf = 0;     // lines ended by CRLF
  uint32_t root_lf = 0;  // the same for the message's own header block
  uint32_t root_crlf = 0;
  uint32_t encoded_messages = 0;  // transfer-encoded message/rfc822 parts decoded so far

  // A new part in the arena, numbered in document order and registered in Message::parts and
  // (when `parent` is set) in the parent's children. nullptr when the part limit is reached
  // (the root is always created).
  Part* new_part(Part* parent) {
    if (!msg.parts.empty() && msg.parts.size() >= limits.max_mime_parts) return nullptr;
    Part* p = arena_new<Part>(arena, &arena);
    p->index = static_cast<uint32_t>(msg.parts.size());
    p->parent = parent;
    p->depth = parent != nullptr ? parent->depth + 1 : 0;
    msg.parts.push_back(p);
    if (parent != nullptr) parent->children.push_back(p);
    return p;
  }
};

}  // namespace mw::mime
