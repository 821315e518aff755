#include "dns/name.h"

#include <unicode/uidna.h>

#include <cstdio>
#include <string>

#include "core/ascii.h"

namespace mw::dns {

namespace {

// IDNA errors that do not make a name unusable in DNS. Hyphen placement rules (UTS #46
// CheckHyphens) are skipped, as WHATWG URL processing does: real host names such as
// "r3---sn-abc" break them and resolve fine.
constexpr uint32_t kTolerated =
    UIDNA_ERROR_LEADING_HYPHEN | UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;

}  // namespace

void NameEncoder::Closer::operator()(UIDNA* p) const { uidna_close(p); }

NameEncoder::~NameEncoder() = default;

Result<NameEncoder> NameEncoder::create() {
  UErrorCode status = U_ZERO_ERROR;
  UIDNA* idna = uidna_openUTS46(
      UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ, &status);
  if (U_FAILURE(status) || idna == nullptr) {
    if (idna != nullptr) uidna_close(idna);
    return fail(ErrorCode::kInternal,
                std::string("cannot open the ICU IDNA converter: ") + u_errorName(status));
  }
  return NameEncoder(idna);
}

Status check_ascii_name(std::string_view name) {
  if (name.empty()) return fail(ErrorCode::kInvalidInput, "empty name");
  if (name.size() > kMaxNameLength) {
    return fail(ErrorCode::kInvalidInput, "name longer than 253 characters");
  }
  size_t label = 0;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '.') {
      if (label == 0) return fail(ErrorCode::kInvalidInput, "empty label");
      label = 0;
      continue;
    }
    if (c <= 0x20 || c >= 0x7f) {
      return fail(ErrorCode::kInvalidInput, "control, space or non-ASCII character in name");
    }
    if (++label > kMaxLabelLength) {
      return fail(ErrorCode::kInvalidInput, "label longer than 63 characters");
    }
  }
  if (label == 0) return fail(ErrorCode::kInvalidInput, "empty label");
  return {};
}

Result<std::string> NameEncoder::to_ascii(std::string_view name) const {
  name = without_root_dot(name);
  // Bound the work ICU does on hostile input: a valid name cannot be longer than this even
  // in UTF-8 (a label of 63 ASCII characters is at most 63 code points of up to 4 bytes).
  if (name.size() > 4 * kMaxNameLength) {
    return fail(ErrorCode::kInvalidInput, "name longer than 253 characters");
  }
  std::string out;
  if (core::is_ascii(name)) {
    out.reserve(name.size());
    for (char c : name) out.push_back(core::to_lower(c));
  } else {
    char buf[kMaxNameLength * 2];
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = uidna_nameToASCII_UTF8(idna_.get(), name.data(),
                                       static_cast<int32_t>(name.size()), buf,
                                       static_cast<int32_t>(sizeof(buf)), &info, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      return fail(ErrorCode::kInvalidInput, "name longer than 253 characters");
    }
    if (U_FAILURE(status)) {
      return fail(ErrorCode::kInvalidInput,
                  std::string("IDNA conversion failed: ") + u_errorName(status));
    }
    if ((info.errors & ~kTolerated) != 0) {
      char msg[64];
      std::snprintf(msg, sizeof(msg), "IDNA refuses the name (errors 0x%x)",
                    static_cast<unsigned>(info.errors));
      return fail(ErrorCode::kInvalidInput, msg);
    }
    out.assign(buf, static_cast<size_t>(n));
    core::lower_in_place(out);
  }
  MW_TRY(check_ascii_name(out));
  return out;
}

std::string name_to_wire(std::string_view name) {
  std::string wire;
  wire.reserve(name.size() + 2);
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    wire.push_back(static_cast<char>(dot - start));
    wire.append(name.substr(start, dot - start));
    start = dot + 1;
  }
  wire.push_back('\0');
  return wire;
}

bool is_same_or_subdomain(std::string_view name, std::string_view domain) {
  if (domain.empty()) return false;
  if (core::iequals(name, domain)) return true;
  if (name.size() <= domain.size() + 1) return false;
  size_t off = name.size() - domain.size();
  return name[off - 1] == '.' && core::iequals(name.substr(off), domain);
}

}  // namespace mw::dns
