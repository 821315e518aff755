#include "auth/dkim/fold.h"

#include <algorithm>

#include "core/ascii.h"

namespace mw::auth::dkim {

namespace {
constexpr size_t kMinPiece = 8;  // do not start a split value with fewer characters than this
}

Folder::Folder(size_t start_col, size_t width, std::string eol)
    : col_(start_col), width_(std::max<size_t>(width, 20)), eol_(std::move(eol)) {}

void Folder::fold() {
  text_ += eol_;
  text_ += ' ';  // a space, not a tab: dkimpy's ARC verifier looks for " i=N;" in the raw AMS
  col_ = 1;
}

void Folder::tag(std::string_view name, std::string_view value, Split split) {
  size_t whole = name.size() + 1 + value.size();
  if (!first_) {
    text_ += ';';
    ++col_;
    bool fits = col_ + 1 + whole <= width_;
    bool can_start = split != Split::kNone && col_ + 1 + name.size() + 1 + kMinPiece <= width_;
    if (fits || can_start) {
      text_ += ' ';
      ++col_;
    } else {
      fold();
    }
  }
  first_ = false;
  text_.append(name);
  text_ += '=';
  col_ += name.size() + 1;
  put_value(value, split);
}

void Folder::append(std::string_view value, Split split) { put_value(value, split); }

void Folder::put_value(std::string_view value, Split split) {
  while (!value.empty()) {
    size_t room = col_ < width_ ? width_ - col_ : 0;
    if (value.size() <= room || split == Split::kNone) {
      text_.append(value);
      col_ += value.size();
      return;
    }
    size_t take = 0;
    if (split == Split::kAnywhere) {
      take = room;
    } else {
      // Largest prefix ending just after a ':' that fits.
      size_t limit = std::min(room, value.size());
      size_t colon = value.substr(0, limit).rfind(':');
      take = colon == std::string_view::npos ? 0 : colon + 1;
    }
    if (take == 0) {
      if (col_ <= 1) {
        // Already at the start of a line: no way to fit, emit the piece that can be taken.
        size_t colon = split == Split::kAfterColon ? value.find(':') : std::string_view::npos;
        take = colon == std::string_view::npos ? value.size() : colon + 1;
      } else {
        fold();
        continue;
      }
    }
    text_.append(value.substr(0, take));
    col_ += take;
    value.remove_prefix(take);
    if (!value.empty()) fold();
  }
}

std::string fold_text(std::string_view text, size_t start_col, size_t width, std::string_view eol) {
  std::string flat = core::collapse_fws(text);  // one space per whitespace run
  width = std::max<size_t>(width, 20);
  std::string out;
  size_t col = start_col;
  size_t pos = 0;
  while (pos < flat.size()) {
    // The next word, with the space before it (except at the very start).
    size_t next = flat.find(' ', pos + 1);
    if (next == std::string::npos) next = flat.size();
    std::string_view word = std::string_view(flat).substr(pos, next - pos);
    if (col + word.size() > width && !out.empty() && word.front() == ' ') {
      out.append(eol);
      col = 0;
    }
    out.append(word);
    col += word.size();
    pos = next;
  }
  return out;
}

}  // namespace mw::auth::dkim
