// Where outbound protection looks for credential records in a message, and the regexp class
// that picks the texts worth verifying.
//
// The texts (scan_message): the decoded Subject (RFC 2047 applied), the first lines of each
// text part (plain text as decoded from base64 or quoted-printable and converted to UTF-8;
// HTML as its visible text, table cells as TAB-separated fields), and small text attachments
// (text/*, or a .txt/.csv/.log/.json/.ini/.cfg/.conf/.yml/.yaml/.properties/.env name),
// converted from their declared charset.
//
// Candidates: one Hyperscan database, the class "outbound:credentials" (a few dozen
// alternatives: password labels in eight languages, SMTP ports and AUTH mechanisms as
// fields, addresses and host names next to a delimiter, host:port, smtp:// userinfo). A
// text none of them matches is not verified; the others go to the verifier (credential.h).
// Built once per configuration in the process that configures (like every regexp class),
// immutable afterwards; each worker scans with its own scratch (Services::scratch).
//
// Secrets: every secret the verifier finds is registered with the task (Task::add_secret)
// before scan_message returns, so no result, history row or event of this task shows it.
//
// Ownership: CandidateFilter owns its PatternSet. Loop affinity: scan_message runs on the
// task's loop. Failure modes: build() fails (kInternal) only when PCRE2 cannot allocate; a
// scan failure of Hyperscan verifies every text instead (slower, same answer).
#pragma once

#include <memory>

#include "core/log.h"
#include "core/result.h"
#include "match/options.h"
#include "match/pattern_set.h"
#include "outbound/credential.h"

namespace mw::scan {
class Task;
}

namespace mw::outbound {

struct Settings;

class CandidateFilter {
 public:
  static Result<std::unique_ptr<const CandidateFilter>> build(const match::MatchOptions& options,
                                                              core::Logger& logger);
  // Whether `text` holds a candidate (true when the scan itself failed).
  bool candidate(std::string_view text, match::Scratch& scratch) const;
  const match::PatternSet& set() const { return *set_; }

 private:
  match::PatternSetPtr set_;
};

struct ContentOptions {
  FinderLimits limits;
  size_t part_bytes = 8192;         // bytes of a text part examined (the first lines)
  size_t attachment_bytes = 32768;  // text attachments larger than this are not examined
  size_t max_sources = 8;           // texts examined per message (Subject included)
};

// Examine the message of `task` (see above). Registers every secret found with the task.
CredentialFindings scan_message(scan::Task& task, const Settings& settings);

}  // namespace mw::outbound
