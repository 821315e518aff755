#include "core/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/ascii.h"

namespace mw::json {

Value::Value(Array a) : type_(Type::kArray), arr_(std::move(a)) {}

double Value::as_double(double fallback) const {
  if (type_ == Type::kDouble) return d_;
  if (type_ == Type::kInt) return static_cast<double>(i_);
  return fallback;
}

int64_t Value::as_int(int64_t fallback) const {
  if (type_ == Type::kInt) return i_;
  if (type_ == Type::kDouble && std::isfinite(d_)) return static_cast<int64_t>(d_);
  return fallback;
}

const std::string& Value::as_string() const {
  static const std::string kEmpty;
  return type_ == Type::kString ? s_ : kEmpty;
}

const Array& Value::items() const {
  static const Array kEmpty;
  return type_ == Type::kArray ? arr_ : kEmpty;
}

Array& Value::items_mut() {
  if (type_ == Type::kNull) type_ = Type::kArray;
  return arr_;
}

size_t Value::size() const {
  if (type_ == Type::kArray) return arr_.size();
  if (type_ == Type::kObject) return obj_.size();
  return 0;
}

const Value* Value::find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& m : obj_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Value* Value::find_mut(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

const std::vector<Member>& Value::members() const {
  static const std::vector<Member> kEmpty;
  return type_ == Type::kObject ? obj_ : kEmpty;
}

Value& Value::set(std::string_view key, Value v) {
  Value& slot = (*this)[key];
  slot = std::move(v);
  return slot;
}

Value& Value::operator[](std::string_view key) {
  if (type_ == Type::kNull) type_ = Type::kObject;
  for (auto& m : obj_) {
    if (m.first == key) return m.second;
  }
  obj_.emplace_back(std::string(key), Value());
  return obj_.back().second;
}

bool Value::erase(std::string_view key) {
  for (auto it = obj_.begin(); it != obj_.end(); ++it) {
    if (it->first == key) {
      obj_.erase(it);
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Parser

namespace {

// The two-character escapes of RFC 8259 section 7, both ways: {raw byte, letter after '\'}.
// The parser also accepts "\/" (a '/' the writer never escapes); other bytes below 0x20
// are written as \u00XX.
constexpr std::pair<char, char> kShortEscapes[] = {
    {'"', '"'}, {'\\', '\\'}, {'\n', 'n'}, {'\r', 'r'}, {'\t', 't'}, {'\b', 'b'}, {'\f', 'f'},
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<Value> run() {
    Value v;
    if (!parse_value(v, 0)) return fail(ErrorCode::kInvalidInput, err_);
    skip_ws();
    if (pos_ != s_.size()) return fail(ErrorCode::kInvalidInput, at("trailing characters"));
    return v;
  }

 private:
  std::string at(const char* what) {
    return std::string(what) + " at offset " + std::to_string(pos_);
  }
  bool error(const char* what) {
    if (err_.empty()) err_ = at(what);
    return false;
  }
  void skip_ws() {
    while (pos_ < s_.size() && core::is_fws(s_[pos_])) ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return error("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool parse_value(Value& out, int depth) {
    if (depth > kMaxDepth) return error("nesting too deep");
    skip_ws();
    if (pos_ >= s_.size()) return error("unexpected end of input");
    char c = s_[pos_];
    switch (c) {
      case '{': return parse_object(out, depth);
      case '[': return parse_array(out, depth);
      case '"': {
        std::string str;
        if (!parse_string(str)) return false;
        out = Value(std::move(str));
        return true;
      }
      case 't': out = Value(true); return literal("true");
      case 'f': out = Value(false); return literal("false");
      case 'n': out = Value(); return literal("null");
      default: return parse_number(out);
    }
  }

  // Past an array's or object's opening bracket: true (and consumed) when `close` follows.
  bool empty_container(char close) {
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == close) {
      ++pos_;
      return true;
    }
    return false;
  }

  // After an element: ',' (consumed; another element follows) gives kMore, `close` (consumed)
  // kDone; anything else is an error (kBad, the error recorded).
  enum class Next { kMore, kDone, kBad };
  Next next_element(char close, const char* unterminated, const char* expected) {
    skip_ws();
    if (pos_ >= s_.size()) {
      error(unterminated);
      return Next::kBad;
    }
    char c = s_[pos_];
    if (c != ',' && c != close) {
      error(expected);
      return Next::kBad;
    }
    ++pos_;
    return c == ',' ? Next::kMore : Next::kDone;
  }

  bool parse_object(Value& out, int depth) {
    out = Value::object();
    if (empty_container('}')) return true;
    for (;;) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return error("expected object key");
      std::string key;
      if (!parse_string(key)) return false;
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return error("expected ':'");
      ++pos_;
      Value v;
      if (!parse_value(v, depth + 1)) return false;
      out.set(key, std::move(v));
      Next next = next_element('}', "unterminated object", "expected ',' or '}'");
      if (next != Next::kMore) return next == Next::kDone;
    }
  }

  bool parse_array(Value& out, int depth) {
    out = Value::array();
    if (empty_container(']')) return true;
    for (;;) {
      Value v;
      if (!parse_value(v, depth + 1)) return false;
      out.push(std::move(v));
      Next next = next_element(']', "unterminated array", "expected ',' or ']'");
      if (next != Next::kMore) return next == Next::kDone;
    }
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t& v) {
    if (pos_ + 4 > s_.size()) return error("short \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return error("bad \\u escape");
    }
    return true;
  }

  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    for (;;) {
      size_t start = pos_;
      while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\\' &&
             static_cast<unsigned char>(s_[pos_]) >= 0x20) {
        ++pos_;
      }
      out.append(s_.data() + start, pos_ - start);
      if (pos_ >= s_.size()) return error("unterminated string");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') return error("control character in string");
      ++pos_;
      if (pos_ >= s_.size()) return error("unterminated escape");
      char e = s_[pos_++];
      if (e == '/') {
        out += '/';
        continue;
      }
      if (const auto* esc = std::ranges::find(kShortEscapes, e, &std::pair<char, char>::second);
          esc != std::end(kShortEscapes)) {
        out += esc->first;
        continue;
      }
      if (e != 'u') return error("bad escape");
      uint32_t cp;
      if (!hex4(cp)) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t lo;
        if (pos_ + 2 <= s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
          pos_ += 2;
          if (!hex4(lo)) return false;
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else {
            append_utf8(out, 0xFFFD);
            cp = lo;
          }
        } else {
          cp = 0xFFFD;
        }
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = 0xFFFD;
      }
      append_utf8(out, cp);
    }
  }

  bool parse_number(Value& out) {
    size_t start = pos_;
    bool is_float = false;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size() || !(s_[pos_] >= '0' && s_[pos_] <= '9')) {
      return error("unexpected character");
    }
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        is_float = true;
        ++pos_;
      } else {
        break;
      }
    }
    const char* b = s_.data() + start;
    const char* e = s_.data() + pos_;
    if (!is_float) {
      int64_t iv = 0;
      auto r = std::from_chars(b, e, iv);
      if (r.ec == std::errc() && r.ptr == e) {
        out = Value(iv);
        return true;
      }
    }
    double dv = 0;
    auto r = std::from_chars(b, e, dv);
    if (r.ec != std::errc() || r.ptr != e) return error("bad number");
    out = Value(dv);
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string err_;
};

}  // namespace

Result<Value> parse(std::string_view text) { return Parser(text).run(); }

// ---------------------------------------------------------------------------------------
// Writer

namespace {

// Length of a valid UTF-8 sequence starting at p (1..4), or 0 when invalid.
size_t utf8_seq_len(const unsigned char* p, size_t left) {
  unsigned char c = p[0];
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (n > left) return 0;
  uint32_t cp = c & (0x3F >> (n - 1));
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void indent(std::string& out, int depth) {
  out += '\n';
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

void write_value(std::string& out, const Value& v, const WriteOptions& o, int depth) {
  switch (v.type()) {
    case Value::Type::kNull: out += "null"; break;
    case Value::Type::kBool: out += v.as_bool() ? "true" : "false"; break;
    case Value::Type::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      break;
    }
    case Value::Type::kDouble: write_number(out, v.as_double()); break;
    case Value::Type::kString: write_string(out, v.as_string()); break;
    case Value::Type::kArray: {
      out += '[';
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out += ',';
        first = false;
        if (o.pretty) indent(out, depth + 1);
        write_value(out, item, o, depth + 1);
      }
      if (o.pretty && !v.items().empty()) indent(out, depth);
      out += ']';
      break;
    }
    case Value::Type::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.members()) {
        if (!first) out += ',';
        first = false;
        if (o.pretty) indent(out, depth + 1);
        write_string(out, key);
        out += o.pretty ? ": " : ":";
        write_value(out, item, o, depth + 1);
      }
      if (o.pretty && !v.members().empty()) indent(out, depth);
      out += '}';
      break;
    }
  }
}

}  // namespace

void write_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\') ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= n) break;
    unsigned char c = p[i];
    if (c >= 0x80) {
      size_t len = utf8_seq_len(p + i, n - i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.data() + i, len);
        i += len;
      }
      continue;
    }
    out += '\\';
    if (const auto* esc = std::ranges::find(kShortEscapes, static_cast<char>(c),
                                            &std::pair<char, char>::first);
        esc != std::end(kShortEscapes)) {
      out += esc->second;
    } else {
      out += "u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    ++i;
  }
  out += '"';
}

void write_number(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += '0';
    return;
  }
  char buf[32];
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(d));
    out.append(buf, r.ptr);
    out += ".0";
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
}

std::string write(const Value& v, WriteOptions opts) {
  std::string out;
  write_value(out, v, opts, 0);
  return out;
}

void write_to(std::string& out, const Value& v, WriteOptions opts) {
  write_value(out, v, opts, 0);
}

}  // namespace mw::json
