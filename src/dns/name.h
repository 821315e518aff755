// Query names: from what a caller passes to Resolver::resolve() to what goes on the wire.
//
// A name is accepted with or without its trailing dot. Names that contain non-ASCII bytes are
// taken as UTF-8 and converted with UTS #46 (IDNA2008, non-transitional processing) to their
// ASCII ("xn--") form; pure ASCII names are only lower-cased, so that names DNS uses but IDNA
// forbids (underscore labels such as `_dmarc`, `sel._domainkey`) keep working.
//
// Limits (RFC 1035 section 2.3.4): at most 253 characters without the trailing dot, labels of
// 1..63 characters. Control characters, spaces and DEL are refused; anything else printable
// is sent as is (SPF macros can expand to odd local parts).
//
// Ownership: NameEncoder owns its ICU UIDNA handle. Loop affinity: none, but one encoder must
// not be used by two threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

struct UIDNA;

namespace mw::dns {

inline constexpr size_t kMaxNameLength = 253;
inline constexpr size_t kMaxLabelLength = 63;

// `name` without one trailing dot (the root label): "example.com." -> "example.com".
constexpr std::string_view without_root_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

// True when `name` equals `domain` or is a name below it ("mail.example.com" within
// "example.com", not "badexample.com"), ASCII case-insensitive. Dots are compared as written
// (strip root dots first with without_root_dot when they may be there). False when `domain`
// is empty.
bool is_same_or_subdomain(std::string_view name, std::string_view domain);

class NameEncoder {
 public:
  // Result: an encoder; kInternal when ICU cannot open a UTS #46 instance.
  static Result<NameEncoder> create();

  NameEncoder(NameEncoder&&) noexcept = default;
  NameEncoder& operator=(NameEncoder&&) noexcept = default;
  ~NameEncoder();

  // The lower-case ASCII form of `name` without its trailing dot ("xn--bcher-kva.example").
  // Result on failure: kInvalidInput (empty name, empty label, too long, bad character,
  // invalid UTF-8 or a name IDNA refuses).
  Result<std::string> to_ascii(std::string_view name) const;

 private:
  struct Closer {
    void operator()(UIDNA* p) const;
  };
  explicit NameEncoder(UIDNA* idna) : idna_(idna) {}
  std::unique_ptr<UIDNA, Closer> idna_;
};

// Check an ASCII name (no trailing dot) against the limits above.
// Result: success, or kInvalidInput saying which rule failed.
Status check_ascii_name(std::string_view name);

// The uncompressed wire form of a checked ASCII name ("\3www\7example\3com\0").
// REQUIRES: check_ascii_name(name) succeeded.
std::string name_to_wire(std::string_view name);

}  // namespace mw::dns
