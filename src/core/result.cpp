#include "core/result.h"

namespace mw {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return "invalid input";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kIo: return "i/o error";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kInternal: return "internal error";
    case ErrorCode::kLimit: return "limit reached";
  }
  return "error";
}

std::string Error::to_string() const {
  std::string out(error_code_name(code));
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

}  // namespace mw
