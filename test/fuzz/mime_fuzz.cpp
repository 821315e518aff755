// Fuzz target: the MIME message parser (mime/parser.h). Whole messages are attacker
// controlled. Parsing must never crash, hang or read outside the input; afterwards every view
// of the model is read (so ASan sees a bad one) and the documented invariants are checked:
// text is valid UTF-8, decoded bodies and header values stay within their limits, and when no
// limit cut anything the recorded spans tile the input exactly.
// Seeds: test/fuzz/corpus/mime/ (crafted) and the mail-parser and rspamd corpora.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/arena.h"
#include "mime/charset.h"
#include "mime/parser.h"

namespace {

using mw::mime::Anomaly;
using mw::mime::Message;
using mw::mime::Part;

// Reads every byte of a view; returns a value so the reads cannot be optimised away.
uint32_t touch(std::string_view s) {
  uint32_t h = static_cast<uint32_t>(s.size());
  for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
  return h;
}

void require(bool ok) {
  if (!ok) __builtin_trap();
}

uint32_t touch_part(const Part& p, size_t max_header) {
  uint32_t h = 0;
  for (const auto& hd : p.headers) {
    h += touch(hd.name) + touch(hd.raw_value) + touch(hd.value) + touch(hd.raw_field);
    require(mw::mime::is_valid_utf8(hd.value));
    require(hd.value.size() <= 4 * max_header + 16);  // decoded from at most max_header bytes
  }
  h += touch(p.content_type.type) + touch(p.content_type.subtype) + touch(p.content_type.charset) +
       touch(p.content_type.boundary) + touch(p.content_type.name);
  for (const auto& kv : p.content_type.params) h += touch(kv.first) + touch(kv.second);
  h += touch(p.disposition) + touch(p.filename) + touch(p.raw) + touch(p.raw_headers) +
       touch(p.raw_body) + touch(p.decoded) + touch(p.header_separator) + touch(p.preamble) +
       touch(p.epilogue) + touch(p.sniffed_type);
  for (std::string_view d : p.delimiters) h += touch(d);
  require(mw::mime::is_valid_utf8(p.filename));
  for (const Part* c : p.children) require(c->parent == &p && c->depth == p.depth + 1);
  return h;
}

void collect(const Part* p, std::string_view raw, std::vector<std::string_view>& spans) {
  for (const auto& h : p->headers) spans.push_back(h.raw_field);
  spans.push_back(p->header_separator);
  if (p->is_multipart) {
    spans.push_back(p->preamble);
    for (std::string_view d : p->delimiters) spans.push_back(d);
    for (const Part* c : p->children) collect(c, raw, spans);
    spans.push_back(p->epilogue);
    return;
  }
  if (p->is_message && !p->children.empty()) {
    const Part* c = p->children[0];
    if (c->raw.data() >= raw.data() && c->raw.data() <= raw.data() + raw.size()) {
      collect(c, raw, spans);
      return;
    }
  }
  spans.push_back(p->raw_body);
}

// The header fields, separators, delimiters, preambles, epilogues and leaf bodies cover
// every input byte exactly once.
void check_accounting(const Message& m) {
  std::vector<std::string_view> spans{m.mbox_from};
  collect(m.root, m.raw, spans);
  std::vector<std::pair<size_t, size_t>> ranges;
  for (std::string_view s : spans) {
    if (s.empty()) continue;
    require(s.data() >= m.raw.data() && s.data() + s.size() <= m.raw.data() + m.raw.size());
    size_t b = static_cast<size_t>(s.data() - m.raw.data());
    ranges.emplace_back(b, b + s.size());
  }
  std::sort(ranges.begin(), ranges.end());
  size_t pos = 0;
  for (const auto& r : ranges) {
    require(r.first == pos);
    pos = r.second;
  }
  require(pos == m.raw.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static mw::mime::Parser parser;  // per-process, like the per-worker parser
  std::string_view in(reinterpret_cast<const char*>(data), size);
  mw::mime::Limits limits;
  limits.max_message_size = 1 << 20;
  limits.max_headers = 64;
  limits.max_header_length = 2048;
  limits.max_mime_depth = 8;
  limits.max_mime_parts = 64;
  limits.max_urls = 64;
  limits.max_text_size = 64 << 10;
  mw::core::Arena arena(256u << 20);
  auto r = parser.parse(arena, in, limits);
  if (!r) return 0;  // only the arena cap can fail
  const Message& m = **r;
  uint32_t h = touch(m.raw) + touch(m.mbox_from) + touch(m.subject) + touch(m.message_id);
  require(m.root != nullptr && !m.parts.empty() && m.parts[0] == m.root);
  require(m.parts.size() <= limits.max_mime_parts);
  for (const Part* p : m.parts) {
    h += touch_part(*p, limits.max_header_length);
    require(p->depth <= limits.max_mime_depth + 1);
  }
  for (const auto& tp : m.text_parts) {
    h += touch(tp.utf8) + touch(tp.text) + touch(tp.charset_declared) + touch(tp.charset_used);
    require(mw::mime::is_valid_utf8(tp.utf8));
    require(mw::mime::is_valid_utf8(tp.text));
    require(tp.part != nullptr && tp.part->is_text);
  }
  for (const auto* list : {&m.from, &m.sender, &m.reply_to, &m.to, &m.cc, &m.bcc}) {
    for (const auto& a : *list) {
      h += touch(a.display_name) + touch(a.addr) + touch(a.local) + touch(a.domain);
      require(mw::mime::is_valid_utf8(a.display_name));
    }
  }
  for (const auto& u : m.urls) h += touch(u.raw) + touch(u.url) + touch(u.host) + touch(u.path);
  for (const auto& e : m.emails) h += touch(e.addr) + touch(e.user) + touch(e.domain);
  require(m.urls.size() + m.emails.size() <= limits.max_urls);
  bool cut = m.anomalies.has(Anomaly::kHeadersTruncated) ||
             m.anomalies.has(Anomaly::kTooManyParts) || m.anomalies.has(Anomaly::kMessageTruncated);
  if (!cut) check_accounting(m);
  return static_cast<int>(h & 0);
}
