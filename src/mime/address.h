// Address lists (RFC 5322 section 3.4 plus obsolete syntax) and Message-ID lists (internal).
//
// parse_address_list() works on the raw (folded, undecoded) field value, so that quoting is
// seen before RFC 2047 decoding. Accepted beyond the RFC, because mail in the wild has it:
//   - encoded words in display names, also inside quoted strings and glued to other words;
//   - a missing '<' '>' pair ("John Doe john@example.com"), an unclosed '<' or quote;
//   - unquoted commas in display names ("Doe, John <john@example.com>");
//   - a display name after the address ("<a@b.com> John"), or only in a comment
//     ("a@b.com (John)"), which then becomes the display name;
//   - groups ("Friends: a@b, c@d;"), several per field, unterminated ones;
//   - obsolete routes ("<@relay:user@host>", the route is dropped), CFWS inside the address
//     ("user @ host . com" is "user@host.com"), empty list elements.
// The display name of an address comes from its phrase; comments are used only when there is
// no phrase. Addresses whose syntax had to be guessed have valid = false.
//
// Failure modes: none; anything unparseable becomes an invalid address or is skipped.
// Ownership: results live in the arena.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/arena.h"
#include "mime/message.h"
#include "mime/rfc2047.h"

namespace mw::mime {

struct AddressGroup {
  std::string_view name;  // decoded group display name ("" for addresses outside any group)
  uint32_t first = 0;     // index of its first address in the output vector
  uint32_t count = 0;
};

// Appends every address of `raw_value` to `out`. When `groups` is not null, one entry per
// group and per run of addresses outside a group is appended to it, in order.
// `fallback_charset` is used for raw 8-bit bytes that are not UTF-8.
void parse_address_list(core::Arena& arena, HeaderDecoder& decoder, std::string_view raw_value,
                        std::string_view fallback_charset, Vec<Address>& out,
                        Vec<AddressGroup>* groups, TextFlags* flags);

// Appends each identifier of a Message-ID / References / In-Reply-To value ("<id>" without
// the angle brackets, or bare tokens when the brackets are missing). Empty "<>" is skipped.
void parse_message_ids(core::Arena& arena, std::string_view raw_value, Vec<std::string_view>& out);

// Splits an address "local@domain" at its last '@' and fills Address::addr/local/domain/valid
// (domain lower-cased). Used for addresses that come from elsewhere (envelope, URLs).
void fill_address(core::Arena& arena, std::string_view addr, Address* out);

}  // namespace mw::mime
