// Result<T>: errors as values at every module seam.
//
// A Result holds either a value of type T or an Error {code, message}. The API follows
// std::expected (C++23) so that code can migrate to it later: has_value(), operator bool,
// value(), error(), value_or(), operator* and operator->.
//
// Ownership: a Result owns its value and its error message.
// Failure modes: calling value() on an error, or error() on a value, is a programming bug
// (checked with assert() in debug builds; result.h sits below core/check.h).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mw {

// Error categories, after LevelDB's Status codes.
enum class ErrorCode {
  kInvalidInput,  // the caller's input or a peer's data is malformed
  kNotFound,      // the thing asked for does not exist
  kTimeout,       // an operation did not finish in time
  kIo,            // the operating system refused (files, sockets)
  kUnsupported,   // valid but not implemented or disabled
  kInternal,      // a bug or an exhausted internal resource
  kLimit,         // a configured limit was reached
};

std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // "invalid input: <message>"
  std::string to_string() const;
};

// Tag type used to build an error Result: `return mw::fail(ErrorCode::kIo, "...")`.
struct Failure {
  Error error;
};

inline Failure fail(ErrorCode code, std::string message) {
  return Failure{Error{code, std::move(message)}};
}
inline Failure fail(Error error) { return Failure{std::move(error)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Failure f) : v_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT: implicit

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : error_(std::move(f.error)), ok_(false) {}  // NOLINT: implicit

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace mw

// Propagate an error from an expression returning Result<...>.
#define MW_TRY(expr)                                          \
  do {                                                        \
    auto mw_try_result_ = (expr);                             \
    if (!mw_try_result_) return ::mw::fail(mw_try_result_.error()); \
  } while (0)
