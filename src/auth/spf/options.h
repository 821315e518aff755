// The `[options.spf]` configuration table.
//
// Options (declared once by declare_options; documented in the schema):
//   max_dns_mechanisms    10   DNS-querying terms per check (RFC 7208 4.6.4); more = permerror
//   max_void_lookups      2    terms answered NXDOMAIN / no records; more = permerror
//   max_mx_names          10   MX host names one "mx" may return; more = permerror
//   max_ptr_names         10   PTR names checked by "ptr" and %{p}; the rest are ignored
//   timeout               "5s" whole-evaluation limit; past it the result is temperror.
//                              RFC 7208 4.6.4 suggests allowing at least 20 s; a scanner
//                              answering an MTA in real time usually cannot wait that long.
//   default_explanation   ""   explanation given on fail when the domain has no usable exp=
//                              (a macro-string, e.g. "%{i} is not allowed to send for %{d}")
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/result.h"

namespace mw::auth::spf {

struct Options {
  uint32_t max_dns_mechanisms = 10;
  uint32_t max_void_lookups = 2;
  uint32_t max_mx_names = 10;
  uint32_t max_ptr_names = 10;
  double timeout = 5.0;  // seconds; <= 0 disables the whole-evaluation timer
  std::string default_explanation;
};

// Declare the `[options.spf]` options (explicit registry: the app calls this once).
void declare_options(core::Schema& schema);

// Read the options from a loaded config. REQUIRES: its schema went through declare_options.
// Result on failure: kInvalidInput when default_explanation is not a valid explanation
// macro-string (RFC 7208 section 7.1).
Result<Options> options_from(const core::Config& cfg);

}  // namespace mw::auth::spf
