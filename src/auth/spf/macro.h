// SPF macros (RFC 7208 section 7): syntax checks and expansion.
//
//   macro-string = *( macro-expand / macro-literal )
//   macro-expand = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"
//   macro-letter = s l o d i p h c r t v    (c, r, t only in explanation text)
//   transformers = *DIGIT [ "r" ]           (a DIGIT count must be non-zero)
//   delimiter    = "." / "-" / "+" / "," / "/" / "_" / "="
//   domain-spec  = macro-string domain-end
//   domain-end   = ( "." toplabel [ "." ] ) / macro-expand
//
// An upper-case macro letter expands like the lower-case one and is then URL-escaped (every
// byte outside ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX).
//
// Expansion is pure: the caller supplies every value, including %{p} (the validated host
// name of the client, which needs DNS lookups the evaluator makes first; see checker.h).
// Ownership: plain values; MacroContext holds views the caller keeps alive during a call.
// Loop affinity: none.
// Failure modes: syntax errors and over-long expansions are kInvalidInput / kLimit errors;
// check_host() turns syntax errors in a record into "permerror".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/spf/address.h"
#include "core/result.h"

namespace mw::auth::spf {

// Where a macro-string appears; decides which letters and characters are allowed.
enum class MacroUse {
  kDomainSpec,       // mechanism / redirect / exp targets: no c, r, t; no spaces
  kExplanation,      // the TXT text an exp= points at: all letters, spaces allowed
  kUnknownModifier,  // value of an unknown modifier: all letters (never expanded)
};

// Longest expansion produced; longer results fail with kLimit (every input has a limit:
// a 64 KiB record full of %{s} must not produce megabytes).
inline constexpr size_t kMaxExpansion = 8192;
// RFC 7208 section 7.3: expanded domain names are cut on the left to this length.
inline constexpr size_t kMaxDomainLength = 253;

// Syntax of a macro-string for `use`. Result: success or kInvalidInput naming the problem.
Status check_macro_string(std::string_view text, MacroUse use);

// Syntax of a domain-spec: a non-empty macro-string for kDomainSpec ending in a macro-expand
// or in "." toplabel [ "." ]. Result: success or kInvalidInput naming the problem.
Status check_domain_spec(std::string_view text);

// True when `text` (assumed syntactically valid) contains the macro letter `letter` in
// either case, e.g. uses_macro(spec, 'p').
bool uses_macro(std::string_view text, char letter);

// The values macros expand to. Empty views expand to empty strings.
struct MacroContext {
  std::string_view sender;         // s: <sender> ("postmaster@domain" when no local-part)
  std::string_view local_part;     // l
  std::string_view sender_domain;  // o
  std::string_view domain;         // d: the <domain> being evaluated
  IpAddress ip;                    // i, c, v (use the unmapped client address)
  std::string_view helo;           // h
  std::string_view validated;      // p: validated host name of <ip>, "unknown" when none
  std::string_view receiver;       // r: the checking host's name ("unknown" when empty)
  int64_t timestamp = 0;           // t: seconds since the epoch
};

// Expand `text` (a macro-string for `use`) with `ctx`.
// Result: the expansion; kInvalidInput on a syntax error; kLimit past kMaxExpansion.
Result<std::string> expand_macros(std::string_view text, const MacroContext& ctx, MacroUse use);

// Expand a domain-spec into a target name: expand, drop one trailing dot, then cut whole
// labels on the left until at most kMaxDomainLength characters remain (RFC 7208 7.3).
// The result may still be unusable for DNS (empty or over-long labels): see is_query_name.
// Result: the name; errors as expand_macros().
Result<std::string> expand_domain(std::string_view domain_spec, const MacroContext& ctx);

// True when `name` (no trailing dot) can be sent as a DNS query: 1..253 characters, labels
// of 1..63 characters. Characters are not checked (macros may produce any visible byte).
bool is_query_name(std::string_view name);

// `toplabel` of RFC 7208: ( *alphanum ALPHA *alphanum ) /
// ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).
bool is_toplabel(std::string_view label);

}  // namespace mw::auth::spf
