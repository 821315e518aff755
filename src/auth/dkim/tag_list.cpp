#include "auth/dkim/tag_list.h"

#include <algorithm>
#include <string>

#include "auth/dkim/text.h"

namespace mw::auth::dkim {

namespace {

using core::is_alpha;
bool is_name_char(char c) { return core::is_alnum(c) || c == '_'; }

bool is_bad_control(char ch) {
  auto c = static_cast<unsigned char>(ch);
  if (c == '\t' || c == '\r' || c == '\n') return false;
  return c < 0x20 || c == 0x7F;
}

}  // namespace

Result<std::vector<Tag>> parse_tag_list(std::string_view text) {
  std::vector<Tag> tags;
  const size_t n = text.size();
  size_t pos = 0;
  auto skip_fws = [&] {
    while (pos < n && is_fws(text[pos])) ++pos;
  };
  while (true) {
    skip_fws();
    if (pos == n) break;  // empty list, or one trailing ';'
    if (text[pos] == ';') {
      return fail(ErrorCode::kInvalidInput, "empty tag-spec at offset " + std::to_string(pos));
    }
    size_t name_begin = pos;
    if (!is_alpha(text[pos])) {
      return fail(ErrorCode::kInvalidInput, "invalid tag name at offset " + std::to_string(pos));
    }
    while (pos < n && is_name_char(text[pos])) ++pos;
    std::string_view name = text.substr(name_begin, pos - name_begin);
    skip_fws();
    if (pos == n || text[pos] != '=') {
      return fail(ErrorCode::kInvalidInput, "tag '" + std::string(name) + "' has no '='");
    }
    ++pos;
    size_t raw_begin = pos;
    while (pos < n && text[pos] != ';') {
      if (is_bad_control(text[pos])) {
        return fail(ErrorCode::kInvalidInput,
                    "control character in the value of tag '" + std::string(name) + "'");
      }
      ++pos;
    }
    size_t raw_end = pos;
    tags.push_back(
        Tag{name, trim_fws(text.substr(raw_begin, raw_end - raw_begin)), raw_begin, raw_end});
    if (pos == n) break;
    ++pos;  // the ';'
  }
  // Duplicates: sort the names (n log n even for hostile lists with many tags).
  std::vector<std::string_view> names;
  names.reserve(tags.size());
  for (const auto& t : tags) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  auto dup = std::adjacent_find(names.begin(), names.end());
  if (dup != names.end()) {
    return fail(ErrorCode::kInvalidInput, "duplicate tag '" + std::string(*dup) + "'");
  }
  return tags;
}

const Tag* find_tag(const std::vector<Tag>& tags, std::string_view name) {
  for (const auto& t : tags) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace mw::auth::dkim
