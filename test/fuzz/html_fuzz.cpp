// Fuzz target: HTML to text (mime/html.h). Mail HTML is attacker-controlled; conversion
// must never crash, hang or read outside the input, and its output must keep the
// documented shape: valid UTF-8, within max_text, no leading/trailing or doubled
// whitespace, at most one blank line.
// Seeds: test/fuzz/corpus/html/ (crafted markup) and the shared spam corpus.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/arena.h"
#include "mime/html.h"
#include "mime/url_parse.h"

namespace {

void check_text(std::string_view t, size_t max) {
  if (t.size() > max) __builtin_trap();
  if (!mw::mime::detail::valid_utf8(t)) __builtin_trap();
  if (t.empty()) return;
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  if (ws(t.front())) __builtin_trap();
  if (ws(t.back())) __builtin_trap();  // separators are only written before a word
  if (t.find("\n\n\n") != std::string_view::npos) __builtin_trap();
  if (t.find("  ") != std::string_view::npos) __builtin_trap();
  if (t.find(" \n") != std::string_view::npos) __builtin_trap();
  if (t.find('\r') != std::string_view::npos) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  mw::core::Arena arena;
  mw::mime::HtmlLimits limits;
  // The first byte picks a small text limit now and then, to exercise truncation.
  limits.max_text = (size > 0 && data[0] < 16) ? data[0] * 7 : 1 << 20;
  limits.max_links = 64;
  auto r = mw::mime::html_to_text(arena, in, limits);
  check_text(r.text, limits.max_text);
  check_text(r.hidden_text, limits.max_text);
  if (r.info == nullptr || r.info->links.size() > limits.max_links) __builtin_trap();
  if (r.info->tags > size) __builtin_trap();
  for (const auto& link : r.info->links) {
    if (!mw::mime::detail::valid_utf8(link.text)) __builtin_trap();
    if (link.text.size() > r.text.size()) __builtin_trap();
  }
  for (auto img : r.info->images) {
    if (img.size() > size * 4) __builtin_trap();
  }
  auto decoded = mw::mime::decode_entities(arena, in);
  if (decoded.size() > size * 3) __builtin_trap();
  return 0;
}
