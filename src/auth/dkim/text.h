// Text helpers shared by the DKIM and ARC parsers: base64 (RFC 2045 alphabet, folding
// whitespace ignored), DKIM quoted-printable (RFC 6376 2.11), domain and selector syntax,
// decimal numbers (case folding and trimming: core/ascii.h).
//
// Ownership: results are returned by value. Loop affinity: none.
// Failure modes: decoders return kInvalidInput on malformed text; predicates return false.
// None of them reads outside its input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ascii.h"
#include "core/result.h"

namespace mw::auth::dkim {

// Case folding, comparison and trimming come from core/ascii.h; the DKIM and ARC sources
// use them unqualified. is_fws is SP, HTAB, CR and LF: what DKIM tag values may contain as
// folding whitespace.
using core::iequals;
using core::is_fws;
using core::is_wsp;
using core::to_lower;
using core::trim_fws;

// Decode base64, skipping FWS anywhere. Padding may be omitted; anything else outside the
// alphabet, misplaced '=' or a dangling single character gives kInvalidInput.
Result<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

// Decode dkim-quoted-printable: "=XX" hex escapes (either case), FWS removed.
// Result on failure: kInvalidInput for a truncated or non-hex escape.
Result<std::string> dkim_qp_decode(std::string_view text);

// RFC 6376 domain-name (RFC 5321 Domain without address literals): two or more labels of
// letters, digits and inner hyphens, each 1..63 characters, 253 at most in total. Bytes of
// 0x80 and above are accepted inside labels so that U-labels (RFC 8616) pass; the resolver
// converts them to A-labels. When `min_labels` is 1 a single label is accepted (selectors).
bool is_valid_domain(std::string_view name, int min_labels = 2);
// Selector: one or more such labels (RFC 6376 3.1). Underscores are accepted as well, since
// they are valid in DNS owner names and are seen in deployed selectors.
bool is_valid_selector(std::string_view name);

// Parse 1..max_digits ASCII digits into `out`. False for empty, non-digits, too many digits.
bool parse_decimal(std::string_view text, size_t max_digits, uint64_t& out);

}  // namespace mw::auth::dkim
