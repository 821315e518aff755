#include "core/result.h"

#include "core/enum_names.h"

namespace mw {

namespace {

constexpr auto kErrorCodeNames =
    core::EnumNames<ErrorCode, ErrorCode::kLimit>{"invalid input", "not found", "timeout",
                                                  "i/o error", "unsupported", "internal error",
                                                  "limit reached"}
        .with_fallback("error");

}  // namespace

std::string_view error_code_name(ErrorCode code) { return kErrorCodeNames.name(code); }

std::string Error::to_string() const {
  std::string out(error_code_name(code));
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

}  // namespace mw
