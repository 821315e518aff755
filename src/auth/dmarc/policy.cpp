#include "auth/dmarc/policy.h"

namespace mw::auth::dmarc {

namespace {

Policy one_lower(Policy p) {
  switch (p) {
    case Policy::kReject: return Policy::kQuarantine;
    case Policy::kQuarantine: return Policy::kNone;
    case Policy::kNone: return Policy::kNone;
  }
  return Policy::kNone;
}

void fill_identifiers(const Input& in, const std::string& from, ReportRecord& r) {
  r.source_ip = in.source_ip;
  r.envelope_to = normalize_domain(in.envelope_to);
  r.envelope_from = normalize_domain(in.envelope_from);
  r.header_from = from;
  r.dkim = in.dkim;
  r.spf = in.spf;
  r.spf.domain = normalize_domain(in.spf.domain);
  for (auto& d : r.dkim) d.domain = normalize_domain(d.domain);
}

}  // namespace

Alignments check_alignment(const Input& in, std::string_view from_domain, Alignment aspf,
                           Alignment adkim, const PublicSuffixList& psl) {
  Alignments a;
  a.spf = in.spf.result == SpfAuth::kPass && aligned(in.spf.domain, from_domain, aspf, psl);
  for (const auto& sig : in.dkim) {
    if (sig.result == DkimAuth::kPass && aligned(sig.domain, from_domain, adkim, psl)) {
      a.dkim = true;
      a.dkim_domain = normalize_domain(sig.domain);
      break;
    }
  }
  return a;
}

bool needs_existence_check(const Discovery& d, std::string_view from_domain) {
  return d.status == DiscoveryStatus::kFound && d.record &&
         d.record->nonexistent_policy.has_value() &&
         normalize_domain(d.record_domain) != normalize_domain(from_domain);
}

Verdict decide(const Input& in, const Discovery& d, const PublicSuffixList& psl,
               bool domain_exists, uint32_t roll) {
  Verdict v;
  v.from_domain = normalize_domain(in.from_domain);
  v.org_domain = psl.organizational_domain(v.from_domain);
  v.domain_exists = domain_exists;
  v.problems = d.problems;
  v.problem = d.problem;
  fill_identifiers(in, v.from_domain, v.report);

  // Without a record the alignment is still worth knowing (local policy, ARC): defaults.
  Alignment aspf = d.record ? d.record->spf_alignment : Alignment::kRelaxed;
  Alignment adkim = d.record ? d.record->dkim_alignment : Alignment::kRelaxed;
  Alignments al = check_alignment(in, v.from_domain, aspf, adkim, psl);
  v.spf_aligned = al.spf;
  v.dkim_aligned = al.dkim;
  v.dkim_domain = al.dkim_domain;
  v.report.spf_pass = al.spf;
  v.report.dkim_pass = al.dkim;

  switch (d.status) {
    case DiscoveryStatus::kNone:
      v.result = DmarcResult::kNone;
      return v;
    case DiscoveryStatus::kTempError:
      v.result = DmarcResult::kTempError;
      return v;
    case DiscoveryStatus::kPermError:
      v.result = DmarcResult::kPermError;
      v.record_domain = normalize_domain(d.record_domain);
      return v;
    case DiscoveryStatus::kFound:
      break;
  }
  if (!d.record) {  // cannot happen for kFound; degrade to "no DMARC" rather than guess
    v.result = DmarcResult::kNone;
    v.problem = "discovery returned no record";
    return v;
  }
  const Record& rec = *d.record;
  v.record = rec;
  v.record_domain = normalize_domain(d.record_domain);
  v.result = al.spf || al.dkim ? DmarcResult::kPass : DmarcResult::kFail;

  if (v.record_domain == v.from_domain) {
    v.policy_source = PolicySource::kDomain;
    v.policy = rec.policy;
  } else if (!domain_exists && rec.nonexistent_policy) {
    v.policy_source = PolicySource::kNonExistent;
    v.policy = *rec.nonexistent_policy;
  } else {
    v.policy_source = PolicySource::kSubdomain;
    v.policy = rec.effective_subdomain_policy();
  }

  if (v.result == DmarcResult::kFail) {
    v.disposition = v.policy;
    if (v.policy != Policy::kNone && roll >= static_cast<uint32_t>(rec.percent)) {
      v.sampled_out = true;
      v.disposition = one_lower(v.policy);
      v.report.reasons.push_back(
          OverrideReason{"sampled_out", "pct=" + std::to_string(rec.percent)});
    }
  }
  v.report.disposition = v.disposition;
  v.report.published_domain = v.record_domain;
  v.report.adkim = rec.dkim_alignment;
  v.report.aspf = rec.spf_alignment;
  v.report.p = rec.policy;
  v.report.sp = rec.effective_subdomain_policy();
  v.report.np = rec.nonexistent_policy;
  v.report.pct = rec.percent;
  v.report.fo = rec.failure_options;
  return v;
}

}  // namespace mw::auth::dmarc
