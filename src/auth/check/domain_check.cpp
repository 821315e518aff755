#include "auth/check/domain_check.h"

#include "auth/dkim/key_record.h"
#include "auth/dmarc/record.h"
#include "core/ascii.h"
#include "dns/name.h"

namespace mw::auth::check {

namespace {

bool is_ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Lower-case ASCII, one trailing dot removed; non-ASCII through IDNA.
Result<std::string> to_name(std::string_view input, std::string_view what) {
  std::string s(core::trim_wsp(input));
  if (s.empty()) return fail(ErrorCode::kInvalidInput, std::string(what) + " is empty");
  bool ascii = true;
  for (char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (!ascii) {
    auto enc = dns::NameEncoder::create();
    if (!enc) return fail(enc.error());
    auto a = enc->to_ascii(s);
    if (!a) return fail(ErrorCode::kInvalidInput, std::string(what) + ": " + a.error().message);
    return *a;
  }
  s = core::to_lower(s);
  s.resize(dns::without_root_dot(s).size());
  if (auto st = dns::check_ascii_name(s); !st) {
    return fail(ErrorCode::kInvalidInput, std::string(what) + ": " + st.error().message);
  }
  return s;
}

Status check_labels(const std::string& name, bool underscore_ok, std::string_view what) {
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::string_view label(name.data() + start, dot - start);
    if (label.empty()) return fail(ErrorCode::kInvalidInput, std::string(what) + " has an empty label");
    for (char c : label) {
      if (!is_ldh(c) && !(underscore_ok && c == '_')) {
        return fail(ErrorCode::kInvalidInput,
                     std::string(what) + " label \"" + std::string(label) +
                         "\" has characters other than letters, digits and hyphens");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return fail(ErrorCode::kInvalidInput,
                   std::string(what) + " label \"" + std::string(label) +
                       "\" starts or ends with a hyphen");
    }
    start = dot + 1;
  }
  return {};
}

}  // namespace

Result<std::string> normalize_domain(std::string_view input) {
  auto name = to_name(input, "domain");
  if (!name) return name;
  if (auto st = check_labels(*name, false, "domain"); !st) return fail(st.error());
  size_t dot = name->rfind('.');
  if (dot == std::string::npos) {
    return fail(ErrorCode::kInvalidInput, "domain \"" + *name + "\" has a single label");
  }
  std::string_view tld(name->data() + dot + 1, name->size() - dot - 1);
  bool numeric = true;
  for (char c : tld) numeric = numeric && c >= '0' && c <= '9';
  if (numeric) {
    return fail(ErrorCode::kInvalidInput,
                 "\"" + *name + "\" is not a domain (its last label is a number: an address?)");
  }
  return name;
}

Result<std::string> normalize_selector(std::string_view input) {
  auto name = to_name(input, "selector");
  if (!name) return name;
  if (auto st = check_labels(*name, true, "selector"); !st) return fail(st.error());
  return name;
}

namespace {

std::string rcode_text(const dns::Reply& r) { return std::string(dns::rcode_name(r.rcode)); }

// The DMARC section from the TXT answers at _dmarc.<where>; false when there was no DMARC
// record there (the caller tries the organisational domain next).
bool dmarc_from_answers(const dns::Reply& reply, const std::string& domain,
                        const std::string& where, json::Value& out) {
  std::vector<std::string> records;
  for (const auto& rec : reply.answers) {
    if (dmarc::is_dmarc_record(rec.text)) records.push_back(rec.text);
  }
  if (records.empty()) return false;
  out.set("record_domain", where);
  out.set("inherited", where != domain);
  if (records.size() > 1) {
    out.set("status", "invalid");
    out.set("problem", "several DMARC records: receivers ignore all of them");
    return true;
  }
  out.set("record", records[0]);
  auto parsed = dmarc::parse_record(records[0]);
  json::Value problems = json::Value::array();
  for (const auto& p : parsed.problems) problems.push(p);
  out.set("problems", std::move(problems));
  if (!parsed.ok()) {
    out.set("status", "invalid");
    out.set("problem", std::string(dmarc::record_error_name(parsed.error)));
    return true;
  }
  const auto& rec = *parsed.record;
  out.set("status", "found");
  out.set("policy", dmarc::policy_name(rec.policy));
  out.set("subdomain_policy", dmarc::policy_name(rec.effective_subdomain_policy()));
  out.set("pct", rec.percent);
  out.set("adkim", dmarc::alignment_name(rec.dkim_alignment));
  out.set("aspf", dmarc::alignment_name(rec.spf_alignment));
  json::Value rua = json::Value::array();
  for (const auto& u : rec.aggregate_uris) rua.push(u.uri);
  out.set("rua", std::move(rua));
  json::Value advice = json::Value::array();
  if (rec.policy == dmarc::Policy::kNone) {
    advice.push("p=none only monitors: receivers apply no policy, so spoofed mail from this "
                "domain is delivered; move to p=quarantine, then p=reject once reports show "
                "your own mail passes");
  }
  if (rec.percent < 100) {
    advice.push("pct=" + std::to_string(rec.percent) +
                ": the policy applies to only part of the failing mail");
  }
  if (rec.aggregate_uris.empty()) {
    advice.push("no rua: you receive no aggregate reports to see who sends as your domain");
  }
  if (where != domain && rec.effective_subdomain_policy() == dmarc::Policy::kNone &&
      rec.policy != dmarc::Policy::kNone) {
    advice.push("the organisational domain's sp=none leaves this subdomain unprotected");
  }
  out.set("advice", std::move(advice));
  return true;
}

json::Value dkim_key(const std::string& selector, const std::string& name,
                     const dns::Reply& reply, bool& dns_failed) {
  json::Value k = json::Value::object();
  k.set("selector", selector);
  k.set("name", name);
  if (dns::is_temporary(reply.rcode)) {
    k.set("status", "temperror");
    k.set("problem", "DNS " + rcode_text(reply));
    dns_failed = true;
    return k;
  }
  if (reply.answers.empty()) {
    k.set("status", "none");
    return k;
  }
  std::string text = reply.answers.front().text;
  k.set("record", text);
  auto key = dkim::parse_key_record(text);
  if (!key.ok()) {
    k.set("status", "invalid");
    k.set("problem", std::string(dkim::reason_name(key.problem)) +
                         (key.problem_detail.empty() ? "" : ": " + key.problem_detail));
    return k;
  }
  k.set("status", "found");
  k.set("algorithm", dkim::key_type_name(key.type));
  k.set("bits", key.key->bits());
  k.set("testing", key.testing);
  if (key.type == dkim::KeyType::kRsa && key.key->bits() < 1024) {
    k.set("advice", "keys under 1024 bits are refused by verifiers (RFC 8301)");
  } else if (key.type == dkim::KeyType::kRsa && key.key->bits() < 2048) {
    k.set("advice", "1024-bit RSA is the minimum; 2048 bits is recommended");
  }
  return k;
}

// One check in flight. Owned (shared) by its handle; the final callback is posted with a
// weak reference, so destroying the handle cancels it and destroying it from `done` is safe.
struct State {
  core::Dispatcher* dispatcher = nullptr;
  dns::Resolver* resolver = nullptr;
  CheckCallback done;
  DomainReport report;
  std::vector<std::string> selectors;
  std::vector<std::string> dmarc_tried;
  size_t dmarc_next = 0;
  std::vector<json::Value> keys;
  size_t pending = 0;
  spf::EvaluationPtr spf_eval;
  dns::RequestPtr dmarc_req;
  std::vector<dns::RequestPtr> dkim_reqs;
  std::weak_ptr<State> self;
  bool finished = false;

  void next_dmarc();
  void step_done();
};

void State::next_dmarc() {
  if (dmarc_next >= dmarc_tried.size()) {
    report.dmarc.set("status", "none");
    report.dmarc.set("advice", json::Value(json::Array{json::Value(
        "no DMARC record: large mailbox providers now refuse or junk unauthenticated bulk "
        "mail; publish at least v=DMARC1; p=none; rua=mailto:... to start monitoring")}));
    step_done();
    return;
  }
  std::string where = dmarc_tried[dmarc_next++];
  dmarc_req = resolver->resolve("_dmarc." + where, dns::RrType::kTxt,
                                [this, where](const dns::Reply& reply) {
    if (dns::is_temporary(reply.rcode)) {
      report.dmarc.set("status", "temperror");
      report.dmarc.set("problem", "DNS " + rcode_text(reply) + " for _dmarc." + where);
      report.dns_failed = true;
      step_done();
      return;
    }
    if (dmarc_from_answers(reply, report.domain, where, report.dmarc)) {
      step_done();
      return;
    }
    dispatcher->post([w = self] {
      if (auto s = w.lock()) s->next_dmarc();
    });
  });
}

void State::step_done() {
  if (--pending > 0 || finished) return;
  finished = true;
  dispatcher->post([w = self] {
    auto s = w.lock();
    if (!s) return;
    s->report.dkim = json::Value::array();
    for (auto& k : s->keys) s->report.dkim.push(std::move(k));
    if (s->report.spf.root.status == spf::LookupStatus::kTempError) s->report.dns_failed = true;
    CheckCallback cb = std::move(s->done);
    cb(std::move(s->report));
  });
}

class CheckImpl final : public Check {
 public:
  explicit CheckImpl(std::shared_ptr<State> s) : state_(std::move(s)) {}

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

CheckPtr check_domain(core::Dispatcher& dispatcher, dns::Resolver& resolver,
                      std::string domain, std::vector<std::string> selectors,
                      const dmarc::PublicSuffixList* psl, const spf::AnalyzeOptions& options,
                      CheckCallback done) {
  auto s = std::make_shared<State>();
  s->self = s;
  s->dispatcher = &dispatcher;
  s->resolver = &resolver;
  s->done = std::move(done);
  s->report.domain = domain;
  s->report.dmarc = json::Value::object();
  if (selectors.size() > kMaxSelectors) selectors.resize(kMaxSelectors);
  s->selectors = std::move(selectors);
  s->keys.resize(s->selectors.size());
  std::string org = psl != nullptr ? psl->organizational_domain(domain) : domain;
  s->dmarc_tried = {domain};
  if (org != domain) s->dmarc_tried.push_back(org);
  s->pending = 2 + s->selectors.size();  // SPF, DMARC, each key
  State* st = s.get();
  // Every lookup answers from the dispatcher, so nothing below completes synchronously.
  st->spf_eval = spf::analyze(dispatcher, resolver, domain, options, [st](spf::Analysis a) {
    st->report.spf = std::move(a);
    st->step_done();
  });
  st->next_dmarc();
  for (size_t i = 0; i < st->selectors.size(); ++i) {
    std::string name = st->selectors[i] + "._domainkey." + domain;
    st->dkim_reqs.push_back(resolver.resolve(name, dns::RrType::kTxt,
                                             [st, i, name](const dns::Reply& reply) {
      st->keys[i] = dkim_key(st->selectors[i], name, reply, st->report.dns_failed);
      st->step_done();
    }));
  }
  return std::make_unique<CheckImpl>(std::move(s));
}

json::Value DomainReport::to_json() const {
  json::Value out = json::Value::object();
  out.set("domain", domain);
  out.set("spf", spf.to_json());
  out.set("dmarc", dmarc);
  out.set("dkim", dkim.is_array() ? dkim : json::Value::array());
  out.set("dns_failed", dns_failed);
  return out;
}

std::string DomainReport::to_text() const {
  std::string out = "SPF\n" + spf.to_text();
  out += "\nDMARC\n";
  const json::Value* st = dmarc.find("status");
  std::string status = st != nullptr ? st->as_string() : "none";
  if (status == "found") {
    out += "  record (" + dmarc.find("record_domain")->as_string() +
           "): " + dmarc.find("record")->as_string() + "\n";
    out += "  policy " + dmarc.find("policy")->as_string() + ", subdomains " +
           dmarc.find("subdomain_policy")->as_string() + ", pct " +
           std::to_string(dmarc.find("pct")->as_int()) + "\n";
  } else {
    out += "  " + status;
    if (const json::Value* p = dmarc.find("problem")) out += ": " + p->as_string();
    out += "\n";
  }
  if (const json::Value* adv = dmarc.find("advice")) {
    for (const auto& a : adv->items()) out += "  advice: " + a.as_string() + "\n";
  }
  if (dkim.size() > 0) out += "\nDKIM\n";
  for (const auto& k : dkim.items()) {
    out += "  " + k.find("selector")->as_string() + ": " + k.find("status")->as_string();
    if (const json::Value* a = k.find("algorithm")) {
      out += ", " + a->as_string() + " " + std::to_string(k.find("bits")->as_int()) + " bits";
    }
    if (const json::Value* p = k.find("problem")) out += " (" + p->as_string() + ")";
    out += "\n";
    if (const json::Value* a = k.find("advice")) out += "    advice: " + a->as_string() + "\n";
  }
  return out;
}

}  // namespace mw::auth::check
