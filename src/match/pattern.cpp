#include "match/pattern.h"

#include <cstdio>

namespace mw::match {

namespace {

// Flag letters in canonical order, with their bits.
struct FlagLetter {
  char letter;
  PatternFlag flag;
};
constexpr FlagLetter kFlagLetters[] = {
    {'i', kCaseless}, {'m', kMultiline}, {'s', kDotall},   {'x', kExtended}, {'u', kUtf8},
    {'r', kRaw},      {'O', kNoOpt},     {'L', kLeftmost}, {'A', kAnchored},
};

// Delimiters accepted after `m`. Regexp metacharacters that commonly follow a literal `m`
// (`m+`, `m(a|b)`, `m[ae]`, `m|n`, `m.`) are left out so that such plain regexps keep
// their meaning.
bool is_delimiter(char c) {
  switch (c) {
    case '{':
    case '<':
    case '!':
    case '#':
    case '%':
    case '@':
    case '~':
    case ',':
    case ';':
    case ':':
    case '=':
    case '"':
    case '\'':
    case '/': return true;
    default: return false;
  }
}

// `m{2}`, `m{2,}`, `m{2,5}`: a quantified `m`, not a delimited pattern.
bool is_quantifier_brace(std::string_view text) {
  size_t i = 2;
  size_t digits = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == ',')) {
    digits += text[i] != ',';
    ++i;
  }
  return digits > 0 && i < text.size() && text[i] == '}';
}

char closing_of(char open) {
  switch (open) {
    case '{': return '}';
    case '<': return '>';
    default: return open;
  }
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02X", b);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// Our flag letters into bits; letters of `extra_letters` (the caller's own) go to `extra`.
Result<uint32_t> parse_flags(std::string_view letters, std::string_view whole,
                             std::string_view extra_letters, std::string* extra) {
  uint32_t flags = 0;
  for (char c : letters) {
    bool known = false;
    for (const auto& f : kFlagLetters) {
      if (f.letter != c) continue;
      known = true;
      if (f.flag == kUtf8) flags &= ~static_cast<uint32_t>(kRaw);
      if (f.flag == kRaw) flags &= ~static_cast<uint32_t>(kUtf8);
      flags |= f.flag;
    }
    if (!known && extra_letters.find(c) != std::string_view::npos) {
      known = true;
      if (extra != nullptr) *extra += c;
    }
    if (!known) {
      std::string shown = printable(std::string_view(&c, 1));
      std::string where = printable(whole.substr(0, 200));
      return fail(ErrorCode::kInvalidInput, "unknown regexp flag '" + shown + "' in " + where +
                                                " (known flags: imsxurOLA" +
                                                printable(extra_letters) + ")");
    }
  }
  return flags;
}

}  // namespace

Result<Pattern> parse_pattern(std::string_view text) { return parse_pattern(text, {}, nullptr); }

Result<Pattern> parse_pattern(std::string_view text, std::string_view extra_letters,
                              std::string* extra) {
  if (extra != nullptr) extra->clear();
  size_t open_pos;
  char open;
  if (!text.empty() && text[0] == '/') {
    open_pos = 0;
    open = '/';
  } else if (text.size() >= 2 && text[0] == 'm' && is_delimiter(text[1]) &&
             !(text[1] == '{' && is_quantifier_brace(text))) {
    // `m` + delimiter is the delimited form only when a closing delimiter follows and only
    // flag letters come after it; otherwise it is a plain regexp such as `m!` or `m{2}`.
    open_pos = 1;
    open = text[1];
    size_t close_pos = text.rfind(closing_of(open));
    if (close_pos == std::string_view::npos || close_pos <= open_pos ||
        !parse_flags(text.substr(close_pos + 1), text, extra_letters, nullptr)) {
      return Pattern{std::string(text), 0};
    }
  } else {
    return Pattern{std::string(text), 0};
  }
  char close = closing_of(open);
  size_t close_pos = text.rfind(close);
  if (close_pos == std::string_view::npos || close_pos <= open_pos) {
    return fail(ErrorCode::kInvalidInput, "unterminated regexp " + printable(text.substr(0, 200)) +
                                              ": no closing '" + std::string(1, close) + "'");
  }
  auto flags = parse_flags(text.substr(close_pos + 1), text, extra_letters, extra);
  if (!flags) return fail(flags.error());
  return Pattern{std::string(text.substr(open_pos + 1, close_pos - open_pos - 1)), *flags};
}

std::string flags_string(uint32_t flags) {
  std::string out;
  for (const auto& f : kFlagLetters) {
    if (flags & f.flag) out += f.letter;
  }
  return out;
}

std::string format_pattern(const Pattern& p) {
  std::string out;
  out.reserve(p.source.size() + 12);
  out += '/';
  out += p.source;
  out += '/';
  out += flags_string(p.flags);
  return out;
}

std::string describe_pattern(const Pattern& p, size_t max_len) {
  std::string full = printable(format_pattern(p));
  if (full.size() <= max_len) return full;
  full.resize(max_len);
  full += "...";
  return full;
}

}  // namespace mw::match
