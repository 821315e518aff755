// Sender authentication results of one task (SPF, DKIM, DMARC, ARC) as the auth module
// computed them, and their Authentication-Results header (RFC 8601).
//
// The auth module (auth_module.h) fills an AuthResults per task; rules read it through the
// Lua task methods get_spf_result / get_dkim_results / get_dmarc_result / get_arc_result and
// turn it into symbols (rules/auth.lua). Verdicts only: no scores here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/arc/verdict.h"
#include "auth/dkim/verdict.h"
#include "auth/dmarc/verdict.h"
#include "auth/spf/verdict.h"
#include "scan/task.h"

namespace mw::scan {

inline constexpr ExtensionKey kAuthExtensionKey{"auth"};

struct AuthResults final : TaskExtension {
  std::optional<auth::spf::Verdict> spf;      // unset: not checked (no IP, skipped)
  std::string spf_skipped;                    // why SPF was not checked
  std::optional<auth::dkim::Verdict> dkim;    // unset: not checked
  std::optional<auth::dmarc::Verdict> dmarc;  // unset: not checked
  std::string dmarc_skipped;
  std::optional<auth::arc::ChainVerdict> arc; // unset: no ARC fields
  // ARC from a trusted sealer made a DMARC failure acceptable (forwarded/list mail).
  bool arc_override = false;
  std::string arc_override_sealer;
  std::string from_domain;                    // RFC5322.From domain used for DMARC
};

// The results of a task (null when the auth module did not run for it).
const AuthResults* auth_results(const Task& task);

// The authserv-id to write for a task: `configured` when given, else options.auth.authserv_id,
// else the MTA's host name (milter macro j), else the MTA name of the request ({daemon_name}
// or MTA-Name), else options.hostname, else this host's fully qualified name ("localhost" if
// even that fails).
std::string authserv_id_for(const Task& task, std::string_view configured = {});

// The Authentication-Results fields of the message that claim `authserv_id` (compared
// case-insensitively), as 1-based occurrence indexes of the name: the ones to remove when
// adding ours (RFC 8601 section 5: fields of other ADMDs stay).
std::vector<uint32_t> own_authentication_results(const Task& task, std::string_view authserv_id);

// The value of an Authentication-Results header: "<authserv-id>; spf=pass
// smtp.mailfrom=example.org; dkim=pass header.d=... header.s=... header.b=...; dmarc=...;
// arc=..." ("<authserv-id>; none" when nothing was checked).
std::string authentication_results(const Task& task, const AuthResults& results,
                                   std::string_view authserv_id);
// The resinfo list alone ("spf=pass ...; dkim=pass ..."), "" when nothing was checked: the
// ARC-Authentication-Results of a seal carries it after its own i= and authserv-id.
std::string result_list(const Task& task, const AuthResults& results);

}  // namespace mw::scan
