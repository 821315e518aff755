// Header fields of an HTTP message: an ordered list with case-insensitive lookup, plus the
// small helpers the protocol code shares (RFC 9110 tokens and lists; the ASCII ones are
// core/ascii.h's, percent-decoding is core/percent.h).
//
// Fields keep the order and the spelling of the wire; repeated fields stay separate entries
// (Rspamd's `Rcpt` may repeat). Lookup by name ignores ASCII case.
//
// Ownership: a HeaderMap owns its strings. Loop affinity: none. Failure modes: none.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ascii.h"

namespace mw::proto::http {

struct HeaderField {
  std::string name;
  std::string value;
};

class HeaderMap {
 public:
  void add(std::string name, std::string value) {
    fields_.push_back({std::move(name), std::move(value)});
  }
  // Replace every field named `name` by one with `value` (appended if absent).
  void set(std::string_view name, std::string value);
  // Append `more` to the value of the last field (obs-fold continuation).
  // REQUIRES: !empty().
  void append_to_last(std::string_view more) { fields_.back().value.append(more); }
  // Remove every field named `name`; returns how many were removed.
  size_t remove(std::string_view name);

  // First field named `name` (any case), nullptr when absent.
  const std::string* find(std::string_view name) const;
  // Every value of fields named `name`, in wire order.
  std::vector<std::string_view> find_all(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // True when some comma-separated element of a field named `name` equals `token` (any case).
  bool has_token(std::string_view name, std::string_view token) const;

  const std::vector<HeaderField>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<HeaderField> fields_;
};

using core::iequals;   // ASCII case-insensitive equality
using core::to_lower;  // ASCII lower-case
// Strip spaces and horizontal tabs at both ends (RFC 9110 OWS).
constexpr std::string_view trim_ows(std::string_view s) { return core::trim_wsp(s); }
// RFC 9110 token character (field names, methods, transfer codings).
bool is_tchar(unsigned char c);
bool is_token(std::string_view s);

// Split a comma-separated header list into trimmed, non-empty elements.
std::vector<std::string_view> split_list(std::string_view value);

}  // namespace mw::proto::http
