// Address lists and Message-ID lists (see address.h).
#include "mime/address.h"

#include <algorithm>
#include <string>
#include <vector>

#include "mime/strutil.h"

namespace mw::mime {

namespace {

enum class Tok { kWord, kQuoted, kComment, kAngle, kComma, kSemicolon, kColon, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string_view raw;  // word text, or the content between the delimiters
  bool space_before = false;
  bool closed = true;  // quote / comment / angle had its closing delimiter
};

// Splits a raw structured value into tokens. Never reads past the input; unclosed quotes and
// comments run to the end, an unclosed '<' to the next comma.
class Lexer {
 public:
  explicit Lexer(std::string_view t) : t_(t) {}

  Token next() {
    Token tok;
    size_t start = pos_;
    while (pos_ < t_.size() && is_fws(t_[pos_])) ++pos_;
    tok.space_before = pos_ > start;
    if (pos_ >= t_.size()) return tok;
    char c = t_[pos_];
    switch (c) {
      case '"':
        return quoted(tok);
      case '(':
        return comment(tok);
      case '<':
        return angle(tok);
      case ',':
        ++pos_;
        tok.kind = Tok::kComma;
        return tok;
      case ';':
        ++pos_;
        tok.kind = Tok::kSemicolon;
        return tok;
      case ':':
        ++pos_;
        tok.kind = Tok::kColon;
        return tok;
      default:
        return word(tok);
    }
  }

 private:
  Token quoted(Token tok) {
    size_t i = pos_ + 1;
    tok.kind = Tok::kQuoted;
    tok.closed = false;
    while (i < t_.size()) {
      if (t_[i] == '\\' && i + 1 < t_.size()) {
        i += 2;
        continue;
      }
      if (t_[i] == '"') {
        tok.closed = true;
        break;
      }
      ++i;
    }
    size_t end = i < t_.size() ? i : t_.size();
    tok.raw = t_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = tok.closed ? end + 1 : t_.size();
    return tok;
  }

  Token comment(Token tok) {
    size_t i = pos_;
    tok.kind = Tok::kComment;
    tok.closed = skip_comment(t_, i);
    size_t content_end = tok.closed ? i - 1 : t_.size();
    tok.raw = t_.substr(pos_ + 1, content_end - pos_ - 1);
    pos_ = tok.closed ? i : t_.size();
    return tok;
  }

  Token angle(Token tok) {
    tok.kind = Tok::kAngle;
    size_t i = pos_ + 1;
    size_t first_comma = std::string_view::npos;  // outside quotes and comments
    bool in_quote = false;
    int depth = 0;
    while (i < t_.size()) {
      char c = t_[i];
      if (c == '\\' && (in_quote || depth > 0) && i + 1 < t_.size()) {
        i += 2;
        continue;
      }
      if (in_quote) {
        if (c == '"') in_quote = false;
      } else if (depth > 0) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
      } else if (c == '"') {
        in_quote = true;
      } else if (c == '(') {
        depth = 1;
      } else if (c == '>') {
        tok.raw = t_.substr(pos_ + 1, i - pos_ - 1);
        pos_ = i + 1;
        return tok;
      } else if (c == '<') {
        break;
      } else if (c == ',' && first_comma == std::string_view::npos) {
        first_comma = i;
      }
      ++i;
    }
    // Unclosed: the address runs to the first comma, or to where the scan stopped (a new '<'
    // or the end). Never past the scanned part, so every byte is looked at a bounded number of
    // times however many '<' there are.
    tok.closed = false;
    size_t end = first_comma != std::string_view::npos ? first_comma : std::min(i, t_.size());
    tok.raw = t_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end;
    return tok;
  }

  Token word(Token tok) {
    tok.kind = Tok::kWord;
    size_t i = pos_;
    while (i < t_.size()) {
      char c = t_[i];
      if (c == '=' && i + 1 < t_.size() && t_[i + 1] == '?') {
        // An encoded word may carry specials a broken encoder did not escape: keep it whole.
        size_t close = t_.find("?=", i + 2);
        size_t ws = i + 2;
        while (ws < t_.size() && !is_fws(t_[ws])) ++ws;
        if (close != std::string_view::npos && close + 2 <= ws) {
          i = close + 2;
          continue;
        }
      }
      if (is_fws(c) || c == '"' || c == '(' || c == '<' || c == ',' || c == ';' || c == ':') break;
      ++i;
    }
    tok.raw = t_.substr(pos_, i - pos_);
    pos_ = i;
    return tok;
  }

  std::string_view t_;
  size_t pos_ = 0;
};

// Angle-address content without comments and blanks (quoted parts kept as written).
void clean_addr_spec(std::string& out, std::string_view raw) {
  bool in_quote = false;
  int depth = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (in_quote) {
      if (c == '\\' && i + 1 < raw.size()) {
        out.push_back(c);
        out.push_back(raw[++i]);
        continue;
      }
      if (c == '"') in_quote = false;
      if (c != '\r' && c != '\n') out.push_back(c);
      continue;
    }
    if (depth > 0) {
      if (c == '\\' && i + 1 < raw.size()) {
        ++i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
      continue;
    }
    if (c == '(') {
      depth = 1;
    } else if (c == '"') {
      in_quote = true;
      out.push_back(c);
    } else if (!is_fws(c)) {
      out.push_back(c);
    }
  }
}

// Words (atoms and quoted strings) not separated by blanks form one chunk.
struct Chunk {
  std::string text;  // for display names: quoted content unescaped
  std::string addr;  // for addresses: quoted strings kept with their quotes
  bool has_at = false;
};

struct Element {
  std::vector<Chunk> chunks;  // phrase words before any angle address
  size_t nchunks = 0;         // chunks in use (the vector keeps its capacity)
  std::vector<Chunk> after;   // words after the angle address
  size_t nafter = 0;
  std::string angle;  // cleaned angle-address content
  bool has_angle = false;
  bool angle_closed = true;
  std::string comment;  // first comment
  bool has_comment = false;
  bool quote_unclosed = false;

  void reset() {
    nchunks = nafter = 0;
    angle.clear();
    has_angle = false;
    angle_closed = true;
    comment.clear();
    has_comment = false;
    quote_unclosed = false;
  }
  bool empty() const { return nchunks == 0 && !has_angle && nafter == 0; }
  bool any_at() const {
    for (size_t i = 0; i < nchunks; ++i) {
      if (chunks[i].has_at) return true;
    }
    return false;
  }
};

Chunk& push_chunk(std::vector<Chunk>& v, size_t& n) {
  if (n == v.size()) v.emplace_back();
  Chunk& c = v[n++];
  c.text.clear();
  c.addr.clear();
  c.has_at = false;
  return c;
}

void join_text(std::string& out, const std::vector<Chunk>& v, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (i > from) out.push_back(' ');
    out.append(v[i].text);
  }
}

bool joins_punct(const Chunk& left, const Chunk& right) {
  auto punct = [](char c) { return c == '.' || c == '@'; };
  return (!left.addr.empty() && punct(left.addr.back())) ||
         (!right.addr.empty() && punct(right.addr.front()));
}

class ListParser {
 public:
  ListParser(core::Arena& arena, HeaderDecoder& dec, std::string_view fallback, Vec<Address>& out,
             Vec<AddressGroup>* groups, TextFlags* flags)
      : arena_(arena), dec_(dec), fallback_(fallback), out_(out), groups_(groups), flags_(flags) {}

  void run(std::string_view raw) {
    Lexer lex(raw);
    run_first_ = static_cast<uint32_t>(out_.size());
    for (;;) {
      Token tok = lex.next();
      switch (tok.kind) {
        case Tok::kEnd:
          finish_element();
          flush_pending();
          close_run(in_group_ ? group_name_ : std::string_view());
          return;
        case Tok::kComma:
          finish_element();
          break;
        case Tok::kSemicolon:
          finish_element();
          flush_pending();
          if (in_group_) {
            close_run(group_name_);
            in_group_ = false;
          }
          break;
        case Tok::kColon:
          if (!in_group_ && !el_.has_angle && !el_.any_at() && el_.nafter == 0) {
            flush_pending();
            close_run({});
            name_buf_.clear();
            join_text(name_buf_, el_.chunks, 0, el_.nchunks);
            group_name_ = decode_name(name_buf_);
            in_group_ = true;
            el_.reset();
          } else {
            add_word(tok, ":");
          }
          break;
        case Tok::kComment:
          if (!el_.has_comment) {
            el_.has_comment = true;
            append_unescaped(el_.comment, tok.raw);
          }
          break;
        case Tok::kAngle:
          if (!el_.has_angle) {
            el_.has_angle = true;
            el_.angle_closed = tok.closed;
            clean_addr_spec(el_.angle, tok.raw);
          } else {
            // A second angle address in one element ("<<<><joe@example.com>>>", broken
            // nesting): keep the first that is not empty; the element is invalid either way.
            if (el_.angle.empty()) clean_addr_spec(el_.angle, tok.raw);
            el_.angle_closed = false;
          }
          break;
        case Tok::kQuoted:
        case Tok::kWord:
          add_word(tok, {});
          break;
      }
    }
  }

 private:
  void add_word(const Token& tok, std::string_view literal) {
    bool after = el_.has_angle;
    std::vector<Chunk>& v = after ? el_.after : el_.chunks;
    size_t& n = after ? el_.nafter : el_.nchunks;
    Chunk* c = (n > 0 && !tok.space_before) ? &v[n - 1] : &push_chunk(v, n);
    if (!literal.empty()) {
      c->text.append(literal);
      c->addr.append(literal);
      return;
    }
    if (tok.kind == Tok::kQuoted) {
      if (!tok.closed) el_.quote_unclosed = true;
      append_unescaped(c->text, tok.raw);
      c->addr.push_back('"');
      c->addr.append(tok.raw);
      c->addr.push_back('"');
    } else {
      c->text.append(tok.raw);
      c->addr.append(tok.raw);
      if (tok.raw.find('@') != std::string_view::npos) c->has_at = true;
    }
  }

  std::string_view decode_name(std::string_view phrase) {
    if (phrase.empty()) return {};
    decoded_.clear();
    dec_.append_decoded(decoded_, phrase, fallback_, flags_);
    return arena_.dup(decoded_);
  }

  void emit(std::string_view addr, std::string_view name, bool valid) {
    Address a;
    fill_address(arena_, arena_.dup(addr), &a);
    a.valid = a.valid && valid;
    a.display_name = decode_name(name);
    a.in_group = in_group_;
    out_.push_back(a);
  }

  // Words without '@' that no angle address claimed: a lone word is taken for a local
  // address ("undisclosed-recipients"), several words or encoded words for a display name
  // whose address is missing.
  void flush_pending() {
    if (!has_pending_) return;
    has_pending_ = false;
    if (pending_chunks_ == 1 && pending_text_.find("=?") == std::string::npos) {
      emit(pending_addr_, {}, false);
    } else {
      emit({}, pending_text_, false);
    }
  }

  void finish_element() {
    if (el_.empty()) {
      el_.reset();
      return;
    }
    name_buf_.clear();
    addr_buf_.clear();
    bool valid = !el_.quote_unclosed;
    if (el_.has_angle) {
      std::string_view spec = el_.angle;
      if (!spec.empty() && spec.front() == '@') {  // obsolete route: "@relay,@relay2:user@host"
        size_t colon = spec.find(':');
        if (colon != std::string_view::npos) spec = spec.substr(colon + 1);
      }
      addr_buf_.assign(spec);
      valid = valid && el_.angle_closed;
      if (el_.nchunks > 0) {
        join_text(name_buf_, el_.chunks, 0, el_.nchunks);
      } else if (el_.nafter > 0) {
        join_text(name_buf_, el_.after, 0, el_.nafter);
      } else if (el_.has_comment) {
        name_buf_.assign(el_.comment);
      }
      if (has_pending_) {  // "Doe, John <john@example.com>": the comma was part of the name
        has_pending_ = false;
        std::string merged = pending_text_;
        if (!name_buf_.empty()) merged.append(", ").append(name_buf_);
        name_buf_.swap(merged);
      }
      if (!addr_buf_.empty() || !name_buf_.empty()) emit(addr_buf_, name_buf_, valid);
      el_.reset();
      return;
    }
    // No angle brackets.
    size_t at_chunk = SIZE_MAX;
    for (size_t i = 0; i < el_.nchunks; ++i) {
      if (el_.chunks[i].has_at) at_chunk = i;  // the last one
    }
    if (at_chunk == SIZE_MAX) {
      // Words only: either a name whose comma was not quoted, or a bare local name.
      flush_pending();
      join_text(addr_buf_, el_.chunks, 0, el_.nchunks);
      if (el_.nchunks == 0) {  // only a comment
        el_.reset();
        return;
      }
      has_pending_ = true;
      pending_chunks_ = el_.nchunks;
      pending_text_.assign(addr_buf_);
      pending_addr_.clear();
      for (size_t i = 0; i < el_.nchunks; ++i) pending_addr_.append(el_.chunks[i].addr);
      if (el_.has_comment) {  // "NO (posting not allowed)": the comment names it, no merging
        if (el_.nchunks == 1 && pending_text_.find("=?") == std::string::npos) {
          emit(pending_addr_, el_.comment, false);
        } else {
          emit({}, pending_text_, false);
        }
        has_pending_ = false;
      }
      el_.reset();
      return;
    }
    flush_pending();
    // The address is the chunk with '@' plus neighbours glued to it by '.' or '@'
    // ("user @ host . com"); the words before it are a display name without angle brackets.
    size_t lo = at_chunk, hi = at_chunk;
    while (lo > 0 && joins_punct(el_.chunks[lo - 1], el_.chunks[lo])) --lo;
    while (hi + 1 < el_.nchunks && joins_punct(el_.chunks[hi], el_.chunks[hi + 1])) ++hi;
    for (size_t i = lo; i <= hi; ++i) addr_buf_.append(el_.chunks[i].addr);
    if (lo > 0) {
      join_text(name_buf_, el_.chunks, 0, lo);
      valid = false;  // the angle brackets were missing
    } else if (hi + 1 < el_.nchunks) {
      join_text(name_buf_, el_.chunks, hi + 1, el_.nchunks);
      valid = false;
    } else if (el_.has_comment) {
      name_buf_.assign(el_.comment);
    }
    emit(addr_buf_, name_buf_, valid);
    el_.reset();
  }

  void close_run(std::string_view name) {
    if (groups_ == nullptr) return;
    uint32_t n = static_cast<uint32_t>(out_.size()) - run_first_;
    if (n > 0 || in_group_) groups_->push_back(AddressGroup{name, run_first_, n});
    run_first_ = static_cast<uint32_t>(out_.size());
  }

  core::Arena& arena_;
  HeaderDecoder& dec_;
  std::string_view fallback_;
  Vec<Address>& out_;
  Vec<AddressGroup>* groups_;
  TextFlags* flags_;
  Element el_;
  bool in_group_ = false;
  std::string_view group_name_;
  uint32_t run_first_ = 0;
  bool has_pending_ = false;
  size_t pending_chunks_ = 0;
  std::string pending_text_, pending_addr_;
  std::string name_buf_, addr_buf_, decoded_;
};

}  // namespace

void fill_address(core::Arena& arena, std::string_view addr, Address* out) {
  out->addr = addr;
  size_t at = addr.rfind('@');
  if (at == std::string_view::npos) {
    out->local = addr;
    out->domain = {};
    out->valid = false;
    return;
  }
  out->local = addr.substr(0, at);
  out->domain = lower_in_arena(arena, addr.substr(at + 1));
  bool ok = !out->local.empty() && !out->domain.empty();
  for (char c : addr) {
    if (static_cast<unsigned char>(c) <= 32 || c == '<' || c == '>' || c == ',' || c == ';') {
      if (c != ' ' || addr.find('"') == std::string_view::npos) ok = false;
    }
  }
  if (out->domain.find('@') != std::string_view::npos) ok = false;
  out->valid = ok;
}

void parse_address_list(core::Arena& arena, HeaderDecoder& decoder, std::string_view raw_value,
                        std::string_view fallback_charset, Vec<Address>& out,
                        Vec<AddressGroup>* groups, TextFlags* flags) {
  ListParser p(arena, decoder, fallback_charset, out, groups, flags);
  p.run(raw_value);
}

void parse_message_ids(core::Arena& arena, std::string_view raw, Vec<std::string_view>& out) {
  size_t i = 0, n = raw.size();
  auto emit = [&](std::string_view id) {
    id = trim_fws(id);
    if (id.empty()) return;
    if (id.find_first_of("\r\n") != std::string_view::npos) {
      std::string s;
      for (char c : id) {
        if (c != '\r' && c != '\n') s.push_back(c);
      }
      id = arena.dup(s);
    }
    out.push_back(id);
  };
  while (i < n) {
    char c = raw[i];
    if (is_fws(c) || c == ',') {
      ++i;
    } else if (c == '(') {  // comment between identifiers
      int depth = 0;
      for (; i < n; ++i) {
        if (raw[i] == '\\') {
          ++i;
          continue;
        }
        if (raw[i] == '(') ++depth;
        if (raw[i] == ')' && --depth == 0) {
          ++i;
          break;
        }
      }
    } else if (c == '<') {
      size_t close = raw.find('>', i + 1);
      size_t end = close == std::string_view::npos ? n : close;
      emit(raw.substr(i + 1, end - i - 1));
      i = close == std::string_view::npos ? n : close + 1;
    } else {
      size_t j = i;
      while (j < n && !is_fws(raw[j]) && raw[j] != '<' && raw[j] != ',') ++j;
      emit(raw.substr(i, j - i));
      i = j;
    }
  }
}

}  // namespace mw::mime
