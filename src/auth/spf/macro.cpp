#include "auth/spf/macro.h"

#include <algorithm>
#include <vector>

#include "core/ascii.h"
#include "dns/name.h"

namespace mw::auth::spf {

namespace {

// Transformer digit counts above this are "all parts" anyway (a name has at most 127
// labels); saturating keeps "%{d99999999999}" from overflowing.
constexpr int kMaxDigits = 1000;

struct Token {
  enum class Kind { kLiteral, kEscape, kMacro };
  Kind kind = Kind::kLiteral;
  std::string_view text;        // kLiteral: the characters; kEscape: what it expands to
  char letter = 0;              // kMacro: lower-case letter
  bool upper = false;           // kMacro: URL-escape the result
  int digits = 0;               // kMacro: right-hand parts to keep, 0 = all
  bool reverse = false;         // kMacro: reverse the parts first
  std::string_view delimiters;  // kMacro: split characters ("" = ".")
};

using core::is_alpha;
using core::is_digit;
using core::to_lower;

bool is_delimiter(char c) {
  return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

bool letter_allowed(char letter, MacroUse use) {
  switch (letter) {
    case 's': case 'l': case 'o': case 'd': case 'i': case 'p': case 'h': case 'v':
      return true;
    case 'c': case 'r': case 't':
      return use != MacroUse::kDomainSpec;
    default:
      return false;
  }
}

std::string describe(char c) {
  if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
  std::string out = "byte 0x";
  core::append_hex(out, static_cast<unsigned char>(c), /*upper=*/true);
  return out;
}

// Walk the tokens of a macro-string, calling fn(const Token&) for each.
template <typename Fn>
Status scan(std::string_view s, MacroUse use, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c != '%') {
      size_t start = i;
      while (i < s.size() && s[i] != '%') {
        char ch = s[i];
        bool ok = (ch >= 0x21 && ch <= 0x7e) || (ch == ' ' && use == MacroUse::kExplanation);
        if (!ok) {
          return fail(ErrorCode::kInvalidInput, "invalid character " + describe(ch));
        }
        ++i;
      }
      Token t;
      t.kind = Token::Kind::kLiteral;
      t.text = s.substr(start, i - start);
      fn(t);
      continue;
    }
    if (i + 1 >= s.size()) return fail(ErrorCode::kInvalidInput, "'%' at the end");
    char next = s[i + 1];
    if (next == '%' || next == '_' || next == '-') {
      Token t;
      t.kind = Token::Kind::kEscape;
      t.text = next == '%' ? "%" : next == '_' ? " " : "%20";
      fn(t);
      i += 2;
      continue;
    }
    if (next != '{') {
      return fail(ErrorCode::kInvalidInput, "'%' followed by " + describe(next));
    }
    size_t p = i + 2;
    if (p >= s.size()) return fail(ErrorCode::kInvalidInput, "unterminated macro");
    Token t;
    t.kind = Token::Kind::kMacro;
    char letter = s[p];
    t.letter = to_lower(letter);
    t.upper = letter >= 'A' && letter <= 'Z';
    if (!is_alpha(letter) || !letter_allowed(t.letter, use)) {
      return fail(ErrorCode::kInvalidInput, "invalid macro letter " + describe(letter));
    }
    ++p;
    size_t digits_start = p;
    int digits = 0;
    while (p < s.size() && is_digit(s[p])) {
      digits = std::min(kMaxDigits, digits * 10 + (s[p] - '0'));
      ++p;
    }
    if (p > digits_start && digits == 0) {
      return fail(ErrorCode::kInvalidInput, "macro transformer count of zero");
    }
    t.digits = digits;
    if (p < s.size() && (s[p] == 'r' || s[p] == 'R')) {
      t.reverse = true;
      ++p;
    }
    size_t delim_start = p;
    while (p < s.size() && is_delimiter(s[p])) ++p;
    t.delimiters = s.substr(delim_start, p - delim_start);
    if (p >= s.size()) return fail(ErrorCode::kInvalidInput, "unterminated macro");
    if (s[p] != '}') {
      return fail(ErrorCode::kInvalidInput, "invalid character " + describe(s[p]) + " in macro");
    }
    fn(t);
    i = p + 1;
  }
  return {};
}

void url_escape_append(std::string& out, std::string_view value) {
  for (char c : value) {
    if (is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      core::append_hex(out, static_cast<unsigned char>(c), /*upper=*/true);
    }
  }
}

// Split on any delimiter, optionally reverse, keep the rightmost `digits`, join with '.'.
std::string transform(std::string_view value, const Token& t) {
  if (t.digits == 0 && !t.reverse && (t.delimiters.empty() || t.delimiters == ".")) {
    return std::string(value);
  }
  std::string_view delims = t.delimiters.empty() ? std::string_view(".") : t.delimiters;
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || delims.find(value[i]) != std::string_view::npos) {
      parts.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  if (t.reverse) std::reverse(parts.begin(), parts.end());
  size_t keep = parts.size();
  if (t.digits > 0 && static_cast<size_t>(t.digits) < keep) keep = static_cast<size_t>(t.digits);
  std::string out;
  size_t first = parts.size() - keep;
  for (size_t i = first; i < parts.size(); ++i) {
    if (i != first) out.push_back('.');
    out.append(parts[i]);
  }
  return out;
}

std::string macro_value(char letter, const MacroContext& ctx) {
  switch (letter) {
    case 's': return std::string(ctx.sender);
    case 'l': return std::string(ctx.local_part);
    case 'o': return std::string(ctx.sender_domain);
    case 'd': return std::string(ctx.domain);
    case 'i': return to_dotted(ctx.ip);
    case 'p': return ctx.validated.empty() ? std::string("unknown") : std::string(ctx.validated);
    case 'h': return std::string(ctx.helo);
    case 'v': return ctx.ip.is_v6() ? "ip6" : "in-addr";
    case 'c': return ctx.ip.to_string();
    case 'r': return ctx.receiver.empty() ? std::string("unknown") : std::string(ctx.receiver);
    case 't': return std::to_string(ctx.timestamp);
    default: return {};
  }
}

}  // namespace

Status check_macro_string(std::string_view text, MacroUse use) {
  return scan(text, use, [](const Token&) {});
}

Status check_domain_spec(std::string_view text) {
  if (text.empty()) return fail(ErrorCode::kInvalidInput, "empty domain-spec");
  bool last_is_expand = false;
  std::string_view last_literal;
  Status st = scan(text, MacroUse::kDomainSpec, [&](const Token& t) {
    last_is_expand = t.kind != Token::Kind::kLiteral;
    last_literal = t.kind == Token::Kind::kLiteral ? t.text : std::string_view();
  });
  if (!st) return st;
  if (last_is_expand) return {};
  std::string_view tail = last_literal;
  tail = dns::without_root_dot(tail);
  size_t dot = tail.rfind('.');
  if (dot == std::string_view::npos) {
    return fail(ErrorCode::kInvalidInput, "domain-spec '" + std::string(text) +
                                              "' does not end in a top-level label");
  }
  if (!is_toplabel(tail.substr(dot + 1))) {
    return fail(ErrorCode::kInvalidInput,
                "invalid top-level label in domain-spec '" + std::string(text) + "'");
  }
  return {};
}

bool uses_macro(std::string_view text, char letter) {
  bool found = false;
  letter = to_lower(letter);
  // Letters only matter for valid strings; scan in the most permissive mode.
  (void)scan(text, MacroUse::kExplanation, [&](const Token& t) {
    if (t.kind == Token::Kind::kMacro && t.letter == letter) found = true;
  });
  return found;
}

Result<std::string> expand_macros(std::string_view text, const MacroContext& ctx,
                                  MacroUse use) {
  std::string out;
  bool too_long = false;
  Status st = scan(text, use, [&](const Token& t) {
    if (too_long) return;
    switch (t.kind) {
      case Token::Kind::kLiteral:
      case Token::Kind::kEscape:
        out.append(t.text);
        break;
      case Token::Kind::kMacro: {
        std::string value = transform(macro_value(t.letter, ctx), t);
        if (t.upper) {
          url_escape_append(out, value);
        } else {
          out.append(value);
        }
        break;
      }
    }
    if (out.size() > kMaxExpansion) too_long = true;
  });
  if (!st) return fail(st.error());
  if (too_long) return fail(ErrorCode::kLimit, "macro expansion longer than 8192 bytes");
  return out;
}

Result<std::string> expand_domain(std::string_view domain_spec, const MacroContext& ctx) {
  auto expanded = expand_macros(domain_spec, ctx, MacroUse::kDomainSpec);
  if (!expanded) return expanded;
  std::string name = std::move(*expanded);
  name.resize(dns::without_root_dot(name).size());
  while (name.size() > kMaxDomainLength) {
    size_t dot = name.find('.');
    if (dot == std::string::npos) break;
    name.erase(0, dot + 1);
  }
  return name;
}

bool is_query_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxDomainLength) return false;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    size_t len = (dot == std::string_view::npos ? name.size() : dot) - start;
    if (len == 0 || len > 63) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_toplabel(std::string_view label) {
  if (label.empty()) return false;
  bool has_alpha = false;
  bool has_dash = false;
  for (char c : label) {
    if (is_alpha(c)) {
      has_alpha = true;
    } else if (c == '-') {
      has_dash = true;
    } else if (!is_digit(c)) {
      return false;
    }
  }
  if (!has_dash) return has_alpha;
  return label.front() != '-' && label.back() != '-';
}

}  // namespace mw::auth::spf
