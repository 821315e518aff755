// SPF record-tree analysis for operators (`mailward check-domain`): how many DNS lookups a
// domain's SPF policy costs, without a client address or a message.
//
// analyze() fetches the domain's record, then every include: and redirect= target,
// recursively, and counts the terms that cost a DNS lookup at evaluation time (include, a,
// mx, ptr, exists, redirect; RFC 7208 4.6.4) as if no term ever matched (the worst case a
// receiver meets). For a / mx / exists targets without client-dependent macros it also makes
// the lookups a receiver would make, to count void lookups (NXDOMAIN or no records) and MX
// host names. It reports, per record: its text, its own count, the count of its subtree,
// its void lookups and its problems; and in total: lookups against the limit of 10, void
// lookups against the limit of 2, and every problem found:
//   - over the lookup or void-lookup limit, more than 10 MX names;
//   - include/redirect loops (the real evaluation would hit the limit: permerror);
//   - syntax errors, several SPF records, missing records (include of a domain without a
//     record is a permerror), DNS failures;
//   - redirect= ignored because of "all", terms after "all" that are never evaluated,
//     ptr (RFC 7208 5.5: "SHOULD NOT be used"), targets whose macros need a message.
//
// Ownership: the analyser does not own the Dispatcher or Resolver, which must outlive the
// returned handle. Loop affinity: the Dispatcher's thread.
// Callbacks: `done` is called exactly once, later, from the dispatcher, unless the handle
// is destroyed first (that cancels every lookup and the timer).
// Limits: at most AnalyzeOptions::max_records records are fetched; the rest is reported as
// a problem. The analysis is bounded in time by AnalyzeOptions::timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "auth/spf/checker.h"
#include "auth/spf/lookup.h"
#include "core/json.h"
#include "core/loop.h"
#include "dns/resolver.h"

namespace mw::auth::spf {

struct AnalyzeOptions {
  uint32_t max_dns_mechanisms = 10;  // the limit reported against (RFC 7208: 10)
  uint32_t max_void_lookups = 2;     // RFC 7208: 2
  uint32_t max_mx_names = 10;        // RFC 7208: 10
  uint32_t max_records = 100;        // records fetched at most (loops and huge trees)
  double timeout = 30.0;             // seconds for the whole analysis (<= 0: none)
};

struct TreeNode {
  std::string domain;                 // whose record this is
  std::string via;                    // term that led here ("include:_spf.example.net",
                                      // "redirect=example.net"); "" for the root
  LookupStatus status = LookupStatus::kNone;
  std::string record;                 // record text ("" when none was found)
  uint32_t own_lookups = 0;           // DNS-querying terms of this record
  uint32_t total_lookups = 0;         // own_lookups plus those of every descendant
  uint32_t void_lookups = 0;          // void lookups among this record's own terms
  uint32_t total_void_lookups = 0;    // void_lookups plus those of every descendant
  std::vector<std::string> problems;  // about this record only
  std::vector<TreeNode> children;     // include and redirect targets, in record order
};

struct Analysis {
  std::string domain;
  TreeNode root;
  uint32_t lookups = 0;          // = root.total_lookups
  uint32_t lookup_limit = 10;
  uint32_t void_lookups = 0;     // = root.total_void_lookups
  uint32_t void_limit = 2;
  bool over_limit = false;       // lookups > lookup_limit, or a loop
  bool over_void_limit = false;  // void_lookups > void_limit
  // Every problem of the tree, each prefixed with its domain ("example.net: ...").
  std::vector<std::string> problems;

  // {"domain":..,"lookups":..,"lookup_limit":..,"void_lookups":..,"void_limit":..,
  //  "over_limit":..,"over_void_limit":..,"problems":[..],"tree":{"domain":..,"via":..,
  //  "status":"found|none|temperror|permerror","record":..,"lookups":..,"total_lookups":..,
  //  "void_lookups":..,"total_void_lookups":..,"problems":[..],"children":[..]}}
  json::Value to_json() const;
  // An indented tree for a terminal, one record per line plus its problems.
  std::string to_text() const;
};

std::string_view lookup_status_name(LookupStatus s);  // "found", "none", ...

using AnalysisCallback = std::function<void(Analysis)>;

// Start analysing `domain`'s SPF tree; see the file comment for what is reported.
// Result: the handle (destroy it to cancel). An unusable domain is reported through `done`
// (status none with a problem), never as an error here.
EvaluationPtr analyze(core::Dispatcher& dispatcher, dns::Resolver& resolver,
                      std::string domain, const AnalyzeOptions& options,
                      AnalysisCallback done);

}  // namespace mw::auth::spf
