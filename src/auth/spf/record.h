// SPF records (RFC 7208 sections 4.5, 4.6, 5 and 6): selection and parsing.
//
//   record    = version terms *SP           version = "v=spf1"
//   terms     = *( 1*SP ( directive / modifier ) )
//   directive = [ qualifier ] mechanism     qualifier = "+" / "-" / "?" / "~"
//   mechanism = all / include / a / mx / ptr / ip4 / ip6 / exists
//   modifier  = redirect / explanation / unknown-modifier
//
// The whole record is checked before anything is evaluated (RFC 7208 4.6: "any syntax
// errors anywhere in the record MUST be detected"): unknown mechanisms, malformed
// domain-specs and macros, invalid networks or CIDR lengths, duplicate redirect= / exp= are
// all errors, which check_host() reports as "permerror". Terms are separated by spaces
// only; any other byte (tab, CR, NUL, non-ASCII) makes the term invalid.
//
// Ownership: a Record owns copies of its strings. Loop affinity: none.
// Limits: a record is bounded by the DNS message that carried it (64 KiB); parsing is
// linear in its length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/spf/address.h"
#include "core/result.h"

namespace mw::auth::spf {

enum class Qualifier : uint8_t {
  kPass,      // "+" (the default)
  kFail,      // "-"
  kSoftFail,  // "~"
  kNeutral,   // "?"
};

enum class MechanismKind : uint8_t { kAll, kInclude, kA, kMx, kPtr, kIp4, kIp6, kExists };

std::string_view mechanism_name(MechanismKind kind);  // "include"

struct Mechanism {
  Qualifier qualifier = Qualifier::kPass;
  MechanismKind kind = MechanismKind::kAll;
  // Target domain-spec, unexpanded; empty when the term has none (a, mx, ptr use <domain>).
  std::string domain_spec;
  IpAddress network;  // ip4 / ip6 only
  int cidr4 = 32;     // a, mx, ip4
  int cidr6 = 128;    // a, mx, ip6
  std::string text;   // the term as written in the record, e.g. "-ip4:192.0.2.0/24"

  // include, a, mx, ptr and exists count against the DNS lookup limit (RFC 7208 4.6.4).
  bool queries_dns() const;
};

struct Modifier {
  std::string name;   // as written
  std::string value;  // unexpanded macro-string
};

struct Record {
  std::vector<Mechanism> mechanisms;         // in record order
  std::optional<std::string> redirect;       // domain-spec of redirect=
  std::optional<std::string> explanation;    // domain-spec of exp=
  std::vector<Modifier> unknown_modifiers;   // kept for reporting; they have no effect

  // Terms that cause DNS lookups in this record alone (mechanisms + redirect).
  int dns_term_count() const;
};

// True when a TXT record's text (character-strings joined without separator) is an SPF
// record: it starts with "v=spf1", case-insensitively, followed by a space or its end.
bool is_spf_record(std::string_view text);

// Parse the text of an SPF record (including its "v=spf1").
// Result on success: the record. On failure: kInvalidInput with a message naming the term
// ("unknown mechanism 'moo'", "invalid ip4 network '1.2.3'", ...).
Result<Record> parse_record(std::string_view text);

}  // namespace mw::auth::spf
