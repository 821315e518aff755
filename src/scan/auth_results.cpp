#include "scan/auth_results.h"

#include "auth/arc/sealer.h"
#include "mime/strutil.h"
#include "scan/engine.h"

namespace mw::scan {

namespace {

// RFC 8601 values: a token, or a quoted string when it holds specials.
std::string value(std::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || std::string_view("()<>,;:\\\"/[]?=").find(c) != std::string_view::npos) {
      if (c != '@' && c != '.' && c != '-' && c != '_' && c != '+') plain = false;
    }
  }
  if (plain) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (c != '\r' && c != '\n') out += c;
  }
  return out + "\"";
}

std::string spf_part(const Task& task, const auth::spf::Verdict& v) {
  std::string out = "spf=" + std::string(auth::spf::result_name(v.result));
  if (v.identity == auth::spf::Identity::kHelo || task.envelope().from.empty()) {
    out += " smtp.helo=" + value(task.envelope().helo.empty() ? v.domain : task.envelope().helo);
  } else {
    out += " smtp.mailfrom=" + value(task.envelope().from);
  }
  return out;
}

}  // namespace

std::string authserv_id_for(const Task& task, std::string_view configured) {
  std::string id(configured);
  if (id.empty() && task.engine().config) {
    id = task.engine().config->get_string("options.auth.authserv_id");
  }
  // The MTA's host name (milter j) names the receiving host; {daemon_name} often names a
  // service ("ORIGINATING", "smtpd") and comes only after it.
  if (id.empty()) id = task.envelope().mta_host;
  if (id.empty()) id = task.envelope().mta_name;
  if (id.empty()) id = task.engine().options.hostname;
  return id.empty() ? "localhost" : id;
}

std::vector<uint32_t> own_authentication_results(const Task& task, std::string_view authserv_id) {
  std::vector<uint32_t> out;
  if (!task.has_message()) return out;
  uint32_t n = 0;
  for (const auto& h : task.message().headers()) {
    if (h.name.size() != 22 || !mime::istarts_with(h.name, "Authentication-Results")) continue;
    ++n;
    std::string id = auth::arc::authserv_id_of(h.value);
    if (id.size() == authserv_id.size() && mime::istarts_with(id, authserv_id)) out.push_back(n);
  }
  return out;
}

const AuthResults* auth_results(const Task& task) {
  return static_cast<const AuthResults*>(task.extension(kAuthExtensionKey));
}

std::string authentication_results(const Task& task, const AuthResults& r,
                                   std::string_view authserv_id) {
  std::string list = result_list(task, r);
  return std::string(authserv_id) + "; " + (list.empty() ? "none" : list);
}

std::string result_list(const Task& task, const AuthResults& r) {
  std::vector<std::string> parts;
  if (r.spf) parts.push_back(spf_part(task, *r.spf));
  if (r.dkim) {
    if (r.dkim->signatures.empty()) {
      parts.push_back("dkim=none");
    }
    for (const auto& s : r.dkim->signatures) {
      std::string p = "dkim=" + std::string(auth::dkim::result_name(s.status));
      if (s.status != auth::dkim::DkimResult::kPass && s.reason != auth::dkim::Reason::kNone) {
        p += " reason=" + value(auth::dkim::reason_name(s.reason));
      }
      if (!s.domain.empty()) p += " header.d=" + value(s.domain);
      if (!s.selector.empty()) p += " header.s=" + value(s.selector);
      if (!s.b_prefix.empty()) p += " header.b=" + value(s.b_prefix);
      parts.push_back(std::move(p));
    }
  }
  if (r.dmarc) {
    const auto& d = *r.dmarc;
    std::string p = "dmarc=" + std::string(auth::dmarc::result_name(d.result));
    if (d.result == auth::dmarc::DmarcResult::kPass || d.result == auth::dmarc::DmarcResult::kFail) {
      p += " (p=" + std::string(auth::dmarc::policy_name(d.policy)) + " dis=" +
           std::string(auth::dmarc::policy_name(r.arc_override ? auth::dmarc::Policy::kNone
                                                               : d.disposition)) +
           (r.arc_override ? " arc-override=" + r.arc_override_sealer : std::string()) + ")";
    }
    if (!d.from_domain.empty()) p += " header.from=" + value(d.from_domain);
    parts.push_back(std::move(p));
  }
  if (r.arc) {
    std::string p = "arc=" + std::string(auth::arc::chain_status_name(r.arc->status));
    if (r.arc->instances > 0) p += " (i=" + std::to_string(r.arc->instances) + ")";
    parts.push_back(std::move(p));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += "; ";
    out += parts[i];
  }
  return out;
}

}  // namespace mw::scan
