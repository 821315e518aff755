// Verdict: a finished scan's outcome as one typed value. Every reply is rendered from it, each
// form in one place: the /checkv2 and legacy /check JSON and the RSPAMC/SPAMC lines in
// reply.h, the milter actions in server/milter_actions.h. The milter proxy's forward mode
// parses an upstream scanner's /checkv2 JSON into a Verdict once (reply.h), so both of its
// modes decide from the same value.
//
// make_verdict() builds it from a finished Task: the Task's Outcome (symbols, score, action,
// pre-result, reply additions) plus what the reply shows of the message (URLs, e-mail
// addresses, Message-ID, the rewritten subject) and of the request (Flags: groups, profile,
// ext_urls).
//
// Ownership: plain values (copies; a Verdict outlives its task). Loop affinity: none.
// Failure modes: none.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scan/actions.h"
#include "scan/reply_additions.h"

namespace mw::scan {

class Task;

struct VerdictSymbol {
  std::string name;
  double score = 0;         // contribution to the message score
  double metric_score = 0;  // the symbol's weight for this scan
  std::string description;  // may be empty
  std::vector<std::string> options;
};

struct VerdictGroup {
  std::string name;
  double score = 0;
  std::string description;
};

struct VerdictUrl {
  std::string url;
  std::string host;
  std::string tld;
};

struct Verdict {
  Action action = Action::kNoAction;
  std::string custom_action;  // an action name this build does not know (an upstream's)
  bool is_skipped = false;    // not (fully) scanned: want_spam, Flags skip, /skip, or a
                              // forcing pre-result stopped the rules (GTUBE)
  double score = 0;
  double required_score = 0;
  Thresholds thresholds;
  std::vector<VerdictSymbol> symbols;  // by name; symbols a composite removed are left out
  std::optional<std::vector<VerdictGroup>> groups;  // Flags: groups
  std::optional<std::vector<std::pair<std::string, double>>> profile;  // Flags: profile (s)
  std::string subject;             // the new Subject for "rewrite subject", else empty
  std::optional<std::string> passthrough_module;  // a pre-result decided: who set it
  std::string smtp_message;        // SMTP reply text for the MTA (a pre-result's), or empty
  std::vector<VerdictUrl> urls;    // unique: by URL with ext_urls, else by host
  bool extended_urls = false;      // Flags: ext_urls (urls as objects)
  std::vector<std::string> emails;  // unique, in message order
  std::string message_id;
  double time_real = 0;            // seconds the scan took
  ReplyAdditions additions;        // milter block, DKIM signatures, reports, extra fields

  // The wire name of the action ("soft reject", or the custom name).
  std::string_view action_name() const;
  // The symbol named `name`, nullptr when absent.
  const VerdictSymbol* symbol(std::string_view name) const;
};

// REQUIRES: task.finished() and !task.error().
Verdict make_verdict(const Task& task);

}  // namespace mw::scan
