// JSON values, parser and writer (RFC 8259).
//
// Used for the scan protocol replies, the Settings request header, controller API bodies,
// replay event files and exported features. Objects keep insertion order so that output is
// deterministic and diffable.
//
// Ownership: a Value owns its children. Loop affinity: none.
// Failure modes: parse() returns kInvalidInput with the byte offset of the problem; nesting
// deeper than kMaxDepth is refused. The writer never fails: strings that are not valid UTF-8
// have their bad bytes replaced by U+FFFD so the output is always valid JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace mw::json {

class Value;
using Array = std::vector<Value>;
using Member = std::pair<std::string, Value>;

class Value {
 public:
  enum class Type { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

  Value() = default;
  Value(std::nullptr_t) {}                                // NOLINT
  Value(bool b) : type_(Type::kBool), b_(b) {}            // NOLINT
  Value(int i) : type_(Type::kInt), i_(i) {}              // NOLINT
  Value(int64_t i) : type_(Type::kInt), i_(i) {}          // NOLINT
  Value(uint64_t i) : type_(Type::kInt), i_(static_cast<int64_t>(i)) {}  // NOLINT
  Value(double d) : type_(Type::kDouble), d_(d) {}        // NOLINT
  Value(const char* s) : type_(Type::kString), s_(s) {}   // NOLINT
  Value(std::string s) : type_(Type::kString), s_(std::move(s)) {}      // NOLINT
  Value(std::string_view s) : type_(Type::kString), s_(s) {}            // NOLINT
  Value(Array a);                                         // NOLINT

  static Value object() {
    Value v;
    v.type_ = Type::kObject;
    return v;
  }
  static Value array() {
    Value v;
    v.type_ = Type::kArray;
    return v;
  }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kInt || type_ == Type::kDouble; }
  bool is_int() const { return type_ == Type::kInt; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool as_bool(bool fallback = false) const { return is_bool() ? b_ : fallback; }
  double as_double(double fallback = 0) const;
  int64_t as_int(int64_t fallback = 0) const;
  const std::string& as_string() const;  // empty string if not a string
  std::string_view str_or(std::string_view fallback) const {
    return is_string() ? std::string_view(s_) : fallback;
  }

  // Arrays.
  const Array& items() const;  // empty for non-arrays
  Array& items_mut();          // converts null to an empty array
  void push(Value v) { items_mut().push_back(std::move(v)); }
  size_t size() const;

  // Objects. find() returns nullptr when absent or not an object.
  const Value* find(std::string_view key) const;
  Value* find_mut(std::string_view key);
  const std::vector<Member>& members() const;
  // Set (replace or append) a member; converts null to an empty object.
  Value& set(std::string_view key, Value v);
  // Get-or-create a member; converts null to an empty object.
  Value& operator[](std::string_view key);
  bool erase(std::string_view key);

 private:
  Type type_ = Type::kNull;
  bool b_ = false;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::vector<Value> arr_;
  std::vector<Member> obj_;
};

inline constexpr int kMaxDepth = 128;

Result<Value> parse(std::string_view text);

struct WriteOptions {
  bool pretty = false;
};
std::string write(const Value& v, WriteOptions opts = {});
void write_to(std::string& out, const Value& v, WriteOptions opts = {});

// Append `s` as a JSON string literal (quotes included) to out.
void write_string(std::string& out, std::string_view s);
// Format a double the shortest way that reads back the same (no exponent for usual values).
void write_number(std::string& out, double d);

}  // namespace mw::json
