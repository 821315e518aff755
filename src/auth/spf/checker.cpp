#include "auth/spf/checker.h"

#include <optional>
#include <utility>
#include <vector>

#include "auth/spf/lookup.h"
#include "auth/spf/macro.h"
#include "auth/spf/record.h"
#include "core/ascii.h"
#include "dns/job.h"
#include "dns/name.h"

namespace mw::auth::spf {

namespace {

using core::iequals;
using core::to_lower;

// `name` is `domain` or a name below it (case-insensitive, final dots ignored).
bool within(std::string_view name, std::string_view domain) {
  return dns::is_same_or_subdomain(dns::without_root_dot(name), dns::without_root_dot(domain));
}

SpfResult qualifier_result(Qualifier q) {
  switch (q) {
    case Qualifier::kPass: return SpfResult::kPass;
    case Qualifier::kFail: return SpfResult::kFail;
    case Qualifier::kSoftFail: return SpfResult::kSoftFail;
    case Qualifier::kNeutral: return SpfResult::kNeutral;
  }
  return SpfResult::kNeutral;
}

class EvaluationImpl final : public dns::BatchJob<Verdict> {
 public:
  EvaluationImpl(core::Dispatcher& dispatcher, dns::Resolver& resolver, const Options& options,
                 int64_t now, Request request, Callback done)
      : BatchJob(dispatcher, resolver, std::move(done)),
        options_(options),
        req_(std::move(request)),
        now_(now) {}

  void start();

 private:
  enum class Use { kTop, kInclude, kRedirect };
  struct Frame {
    std::string domain;
    Record record;
    size_t next = 0;  // index of the next mechanism to evaluate
  };
  using Replies = std::vector<dns::Reply>;

  // Plumbing.
  void query(std::vector<dns::Question> questions, dns::LookupBatch::OnReplies done);
  void on_timeout();
  void finish(SpfResult result, std::string problem);
  void complete();
  // One more lookup of a kind RFC 7208 4.6.4 caps: `used` of at most `max` (`what` names
  // them). Over the cap the check ends in permerror and false is returned.
  bool count_lookup(uint32_t& used, uint32_t max, std::string_view what);
  bool count_term();  // a DNS-querying term (max_dns_mechanisms)
  bool count_void();  // a void lookup (max_void_lookups)

  // Evaluation steps.
  void fetch_record(std::string name, Use use);
  void on_record(Use use, const std::string& name, const dns::Reply& reply);
  void run();
  void eval_dns_mechanism();
  // The reply of a mechanism's lookup has records of `type`; otherwise the mechanism is
  // settled here (temperror, or a void lookup that does not match) and false is returned.
  bool has_answer(const dns::Reply& reply, dns::RrType type);
  void on_address(const dns::Reply& reply, dns::RrType type);
  void on_mx(const dns::Reply& reply);
  void eval_ptr();
  void mechanism_done(bool matched);
  void frame_done(SpfResult result, std::string term);
  void conclude(SpfResult result, std::string term);
  void start_redirect();
  void follow_redirect();
  void fetch_explanation();
  void on_explanation(const dns::Reply& reply);
  void expand_explanation();
  void use_default_explanation();

  // Macros and %{p}.
  MacroContext context(std::string_view domain);
  void resolve_validated(std::function<void()> then);
  // True when `spec` uses %{p} and the validated names are not known yet: they are looked
  // up first and `step` runs again afterwards (the caller returns).
  bool wait_for_validated(std::string_view spec, void (EvaluationImpl::*step)());
  // The domain name `spec` (redirect=, exp=) expands to in the current record; nullopt when
  // it does not expand to a name that can be queried.
  std::optional<std::string> target_name(const std::string& spec);
  dns::RrType address_type() const { return ip_.is_v4() ? dns::RrType::kA : dns::RrType::kAaaa; }
  bool address_matches(const dns::Reply& reply, dns::RrType type, int cidr) const;
  const Mechanism& current() const {
    const Frame& f = frames_.back();
    return f.record.mechanisms[f.next - 1];
  }

  const Options options_;
  const Request req_;
  const int64_t now_;

  IpAddress ip_;
  std::string local_;
  std::string sender_domain_;
  std::string sender_;
  std::vector<Frame> frames_;

  // %{p} and the ptr mechanism: validated host names of the client, computed once.
  bool validated_ready_ = false;
  bool ptr_void_ = false;
  std::vector<std::string> validated_;
  std::string p_value_;
  std::string explanation_text_;  // the exp= TXT text, before expansion

  bool done_ = false;
  bool in_explanation_ = false;
  bool concluded_ = false;  // the result is known (an exp= lookup may still run)
};

void EvaluationImpl::start() {
  outcome_.identity = req_.identity;
  ip_ = req_.ip.unmapped();
  std::string domain;
  if (req_.identity == Identity::kHelo || req_.mail_from.empty()) {
    domain = req_.helo;
  } else {
    size_t at = req_.mail_from.rfind('@');
    if (at == std::string::npos) {
      domain = req_.mail_from;
    } else {
      local_ = req_.mail_from.substr(0, at);
      domain = req_.mail_from.substr(at + 1);
    }
  }
  if (local_.empty()) local_ = "postmaster";  // RFC 7208 4.3
  domain = std::string(dns::without_root_dot(domain));
  sender_domain_ = domain;
  sender_ = local_ + "@" + domain;
  outcome_.sender = sender_;
  outcome_.domain = to_lower(domain);

  if (ip_.family == 0) {
    finish(SpfResult::kNone, "no client address");
  } else if (!is_checkable_domain(domain)) {
    finish(SpfResult::kNone, "'" + domain + "' is not a domain name that can be checked");
  } else {
    batch_.set_deadline(options_.timeout, [this] { on_timeout(); });
    fetch_record(domain, Use::kTop);
  }
}

void EvaluationImpl::query(std::vector<dns::Question> questions,
                           dns::LookupBatch::OnReplies done) {
  outcome_.queries += static_cast<uint32_t>(questions.size());
  batch_.resolve_all(std::move(questions), std::move(done));
}

void EvaluationImpl::on_timeout() {
  if (in_explanation_) {
    use_default_explanation();  // the result is fail already; exp trouble is ignored
    complete();
    return;
  }
  finish(SpfResult::kTempError, "SPF evaluation exceeded its time limit");
}

void EvaluationImpl::finish(SpfResult result, std::string problem) {
  outcome_.result = result;
  outcome_.problem = std::move(problem);
  complete();
}

void EvaluationImpl::complete() {
  done_ = true;
  batch_.finish();  // cancels whatever is still outstanding, then delivers outcome_
}

bool EvaluationImpl::count_lookup(uint32_t& used, uint32_t max, std::string_view what) {
  if (used >= max) {
    finish(SpfResult::kPermError,
           "more than " + std::to_string(max) + " " + std::string(what) + " (RFC 7208 4.6.4)");
    return false;
  }
  ++used;
  return true;
}

bool EvaluationImpl::count_term() {
  return count_lookup(outcome_.dns_lookups, options_.max_dns_mechanisms, "DNS-querying terms");
}

bool EvaluationImpl::count_void() {
  return count_lookup(outcome_.void_lookups, options_.max_void_lookups, "void DNS lookups");
}

void EvaluationImpl::fetch_record(std::string name, Use use) {
  query({{name, dns::RrType::kTxt}}, [this, name, use](Replies& r) { on_record(use, name, r[0]); });
}

void EvaluationImpl::on_record(Use use, const std::string& name, const dns::Reply& reply) {
  RecordLookup lk = select_record(name, reply);
  if (use == Use::kTop) outcome_.record = lk.text;
  switch (lk.status) {
    case LookupStatus::kTempError:
      finish(SpfResult::kTempError, std::move(lk.problem));
      return;
    case LookupStatus::kPermError:
      finish(SpfResult::kPermError, std::move(lk.problem));
      return;
    case LookupStatus::kNone:
      if (use == Use::kTop) {
        finish(SpfResult::kNone, std::move(lk.problem));
      } else {
        // RFC 7208 5.2 (include of a domain without record) and 6.1 (redirect): permerror.
        finish(SpfResult::kPermError,
               std::string(use == Use::kInclude ? "include" : "redirect") + " target: " +
                   lk.problem);
      }
      return;
    case LookupStatus::kFound:
      break;
  }
  if (use == Use::kRedirect) {
    frames_.back() = Frame{name, std::move(lk.record), 0};
  } else {
    frames_.push_back(Frame{name, std::move(lk.record), 0});
  }
  run();
}

void EvaluationImpl::run() {
  while (!done_ && !concluded_) {
    Frame& f = frames_.back();
    if (f.next >= f.record.mechanisms.size()) {
      if (f.record.redirect) {
        start_redirect();
        return;
      }
      frame_done(SpfResult::kNeutral, "");  // RFC 7208 4.7: default result
      continue;
    }
    const Mechanism& m = f.record.mechanisms[f.next++];
    if (m.queries_dns()) {
      if (count_term()) eval_dns_mechanism();
      return;
    }
    bool matched = false;
    switch (m.kind) {
      case MechanismKind::kAll:
        matched = true;
        break;
      case MechanismKind::kIp4:
        matched = ip_.is_v4() && ip_.in_network(m.network, m.cidr4);
        break;
      case MechanismKind::kIp6:
        matched = ip_.is_v6() && ip_.in_network(m.network, m.cidr6);
        break;
      default:
        break;
    }
    if (matched) frame_done(qualifier_result(m.qualifier), m.text);
  }
}

void EvaluationImpl::eval_dns_mechanism() {
  const Frame& f = frames_.back();
  const Mechanism& m = current();
  if (m.kind == MechanismKind::kPtr) {
    eval_ptr();
    return;
  }
  if (wait_for_validated(m.domain_spec, &EvaluationImpl::eval_dns_mechanism)) return;
  std::string name = f.domain;
  if (!m.domain_spec.empty()) {
    auto expanded = expand_domain(m.domain_spec, context(f.domain));
    name = expanded ? std::move(*expanded) : std::string();
  }
  bool usable = is_query_name(name);
  switch (m.kind) {
    case MechanismKind::kInclude:
      if (!usable) {
        finish(SpfResult::kPermError, "include target '" + name + "' is not a domain name");
        return;
      }
      fetch_record(std::move(name), Use::kInclude);
      return;
    case MechanismKind::kA:
    case MechanismKind::kExists:
    case MechanismKind::kMx: {
      if (!usable) {
        // RFC 7208 4.3 / 4.8: a name no query can be built from does not exist.
        if (count_void()) mechanism_done(false);
        return;
      }
      dns::RrType type = m.kind == MechanismKind::kMx       ? dns::RrType::kMx
                         : m.kind == MechanismKind::kExists ? dns::RrType::kA
                                                            : address_type();
      query({{std::move(name), type}}, [this, type](Replies& r) {
        if (type == dns::RrType::kMx) {
          on_mx(r[0]);
        } else {
          on_address(r[0], type);
        }
      });
      return;
    }
    default:
      return;
  }
}

bool EvaluationImpl::address_matches(const dns::Reply& reply, dns::RrType type, int cidr) const {
  for (const auto& rec : reply.answers) {
    if (rec.type != type || (rec.family != 4 && rec.family != 6)) continue;
    if (ip_.in_network(IpAddress::from_bytes(rec.family, rec.addr.data()), cidr)) return true;
  }
  return false;
}

bool EvaluationImpl::has_answer(const dns::Reply& reply, dns::RrType type) {
  switch (classify(reply, type)) {
    case AddressOutcome::kTempError:
      finish(SpfResult::kTempError, "DNS " + std::string(dns::rcode_name(reply.rcode)) +
                                        " evaluating '" + current().text + "'");
      return false;
    case AddressOutcome::kVoid:
      if (count_void()) mechanism_done(false);
      return false;
    case AddressOutcome::kAnswer:
      return true;
  }
  return false;
}

void EvaluationImpl::on_address(const dns::Reply& reply, dns::RrType type) {
  if (!has_answer(reply, type)) return;
  const Mechanism& m = current();
  if (m.kind == MechanismKind::kExists) {
    mechanism_done(true);  // RFC 7208 5.7: any A record matches, whatever the client family
    return;
  }
  mechanism_done(address_matches(reply, type, ip_.is_v4() ? m.cidr4 : m.cidr6));
}

void EvaluationImpl::on_mx(const dns::Reply& reply) {
  if (!has_answer(reply, dns::RrType::kMx)) return;
  size_t records = 0;
  std::vector<dns::Question> questions;
  for (const auto& rec : reply.answers) {
    if (rec.type != dns::RrType::kMx) continue;
    ++records;
    std::string_view host = dns::without_root_dot(rec.text);
    if (host.empty()) continue;  // RFC 7505 null MX: no host to check
    bool seen = false;
    for (const auto& q : questions) seen = seen || iequals(q.name, host);
    if (!seen) questions.push_back({std::string(host), address_type()});
  }
  if (records > options_.max_mx_names) {
    finish(SpfResult::kPermError, "'" + current().text + "' returned " +
                                      std::to_string(records) + " MX records, more than " +
                                      std::to_string(options_.max_mx_names) +
                                      " (RFC 7208 4.6.4)");
    return;
  }
  if (questions.empty()) {
    mechanism_done(false);
    return;
  }
  query(std::move(questions), [this](Replies& replies) {
    const Mechanism& m = current();
    int cidr = ip_.is_v4() ? m.cidr4 : m.cidr6;
    bool temp = false;
    for (const auto& r : replies) {
      AddressOutcome o = classify(r, address_type());
      if (o == AddressOutcome::kAnswer && address_matches(r, address_type(), cidr)) {
        mechanism_done(true);
        return;
      }
      temp = temp || o == AddressOutcome::kTempError;
    }
    if (temp) {
      finish(SpfResult::kTempError, "DNS failure on an MX host of '" + m.text + "'");
      return;
    }
    mechanism_done(false);
  });
}

void EvaluationImpl::eval_ptr() {
  if (!validated_ready_) {
    resolve_validated([this] { eval_ptr(); });
    return;
  }
  if (ptr_void_ && !count_void()) return;
  const Frame& f = frames_.back();
  const Mechanism& m = current();
  std::string target = f.domain;
  if (!m.domain_spec.empty()) {
    auto expanded = expand_domain(m.domain_spec, context(f.domain));
    target = expanded ? std::move(*expanded) : std::string();
  }
  bool matched = false;
  if (is_query_name(target)) {
    for (const auto& name : validated_) matched = matched || within(name, target);
  }
  mechanism_done(matched);
}

void EvaluationImpl::resolve_validated(std::function<void()> then) {
  query({{ip_.reverse_name(), dns::RrType::kPtr}}, [this, then](Replies& r) {
    // RFC 7208 5.5: a DNS error on the PTR lookup means no names (not temperror).
    AddressOutcome o = classify(r[0], dns::RrType::kPtr);
    if (o != AddressOutcome::kAnswer) {
      validated_ready_ = true;
      ptr_void_ = o == AddressOutcome::kVoid;
      then();
      return;
    }
    std::vector<std::string> names;
    std::vector<dns::Question> questions;
    for (const auto& rec : r[0].answers) {
      if (rec.type != dns::RrType::kPtr) continue;
      if (names.size() >= options_.max_ptr_names) break;  // RFC 7208 4.6.4: ignore the rest
      std::string_view host = dns::without_root_dot(rec.text);
      if (host.empty()) continue;
      names.emplace_back(host);
      questions.push_back({std::string(host), address_type()});
    }
    if (questions.empty()) {
      validated_ready_ = true;
      then();
      return;
    }
    query(std::move(questions), [this, names = std::move(names), then](Replies& replies) {
      for (size_t i = 0; i < replies.size(); ++i) {
        // Errors on these lookups skip the name (RFC 7208 5.5).
        if (classify(replies[i], address_type()) != AddressOutcome::kAnswer) continue;
        for (const auto& rec : replies[i].answers) {
          if (rec.type != address_type()) continue;
          if (IpAddress::from_bytes(rec.family, rec.addr.data()) == ip_) {
            validated_.push_back(names[i]);
            break;
          }
        }
      }
      validated_ready_ = true;
      then();
    });
  });
}

void EvaluationImpl::mechanism_done(bool matched) {
  if (matched) {
    const Mechanism& m = current();
    frame_done(qualifier_result(m.qualifier), m.text);
  }
  if (!done_ && !concluded_) run();
}

void EvaluationImpl::frame_done(SpfResult result, std::string term) {
  if (frames_.size() == 1) {
    conclude(result, std::move(term));
    return;
  }
  // The frame of an include: RFC 7208 5.2 maps its result for the including record.
  frames_.pop_back();
  if (result == SpfResult::kPass) {
    const Mechanism& include = current();
    frame_done(qualifier_result(include.qualifier), include.text);
  }
  // fail, softfail, neutral: the include does not match; the parent goes on.
}

void EvaluationImpl::conclude(SpfResult result, std::string term) {
  concluded_ = true;
  outcome_.result = result;
  outcome_.mechanism = std::move(term);
  outcome_.matched_domain = to_lower(frames_.back().domain);
  if (result != SpfResult::kFail) {
    complete();
    return;
  }
  if (frames_.back().record.explanation) {
    in_explanation_ = true;
    fetch_explanation();
    return;
  }
  use_default_explanation();
  complete();
}

void EvaluationImpl::start_redirect() {
  if (count_term()) follow_redirect();
}

bool EvaluationImpl::wait_for_validated(std::string_view spec, void (EvaluationImpl::*step)()) {
  if (validated_ready_ || !uses_macro(spec, 'p')) return false;
  resolve_validated([this, step] { (this->*step)(); });
  return true;
}

std::optional<std::string> EvaluationImpl::target_name(const std::string& spec) {
  auto name = expand_domain(spec, context(frames_.back().domain));
  if (!name || !is_query_name(*name)) return std::nullopt;
  return std::move(*name);
}

void EvaluationImpl::follow_redirect() {
  const Frame& f = frames_.back();
  if (wait_for_validated(*f.record.redirect, &EvaluationImpl::follow_redirect)) return;
  auto name = target_name(*f.record.redirect);
  if (!name) {
    finish(SpfResult::kPermError, "redirect target of " + f.domain + " is not a domain name");
    return;
  }
  fetch_record(std::move(*name), Use::kRedirect);
}

void EvaluationImpl::fetch_explanation() {
  const std::string& spec = *frames_.back().record.explanation;
  if (wait_for_validated(spec, &EvaluationImpl::fetch_explanation)) return;
  auto name = target_name(spec);
  if (!name) {
    use_default_explanation();
    complete();
    return;
  }
  query({{std::move(*name), dns::RrType::kTxt}}, [this](Replies& r) { on_explanation(r[0]); });
}

void EvaluationImpl::on_explanation(const dns::Reply& reply) {
  // RFC 7208 6.2: DNS errors, no record or several records: as if there were no exp=.
  const dns::Record* only = nullptr;
  size_t count = 0;
  if (reply.rcode == dns::Rcode::kNoError) {
    for (const auto& rec : reply.answers) {
      if (rec.type != dns::RrType::kTxt) continue;
      ++count;
      only = &rec;
    }
  }
  if (count != 1) {
    use_default_explanation();
    complete();
    return;
  }
  explanation_text_ = only->text;
  expand_explanation();
}

void EvaluationImpl::expand_explanation() {
  if (wait_for_validated(explanation_text_, &EvaluationImpl::expand_explanation)) return;
  auto text = expand_macros(explanation_text_, context(frames_.back().domain),
                            MacroUse::kExplanation);
  if (text) {
    outcome_.explanation = std::move(*text);
    outcome_.explanation_from_domain = true;
  } else {
    use_default_explanation();
  }
  complete();
}

void EvaluationImpl::use_default_explanation() {
  outcome_.explanation.clear();
  outcome_.explanation_from_domain = false;
  if (options_.default_explanation.empty()) return;
  std::string_view domain = frames_.empty() ? std::string_view(sender_domain_)
                                            : std::string_view(frames_.back().domain);
  auto text = expand_macros(options_.default_explanation, context(domain),
                            MacroUse::kExplanation);
  if (text) outcome_.explanation = std::move(*text);
}

MacroContext EvaluationImpl::context(std::string_view domain) {
  // %{p}: the domain itself if validated, else a validated name below it, else any.
  p_value_.clear();
  for (const auto& n : validated_) {
    if (within(n, domain) && dns::without_root_dot(n).size() == dns::without_root_dot(domain).size()) p_value_ = n;
  }
  for (size_t i = 0; p_value_.empty() && i < validated_.size(); ++i) {
    if (within(validated_[i], domain)) p_value_ = validated_[i];
  }
  if (p_value_.empty() && !validated_.empty()) p_value_ = validated_.front();
  MacroContext c;
  c.sender = sender_;
  c.local_part = local_;
  c.sender_domain = sender_domain_;
  c.domain = domain;
  c.ip = ip_;
  c.helo = req_.helo;
  c.validated = p_value_;
  c.receiver = req_.receiver;
  c.timestamp = now_;
  return c;
}

}  // namespace

bool is_checkable_domain(std::string_view domain) {
  domain = dns::without_root_dot(domain);
  if (domain.empty() || domain.front() == '[') return false;
  for (char c : domain) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7f) return false;  // controls and spaces never name a host
  }
  return is_query_name(domain) && domain.find('.') != std::string_view::npos;
}

EvaluationPtr Checker::check(Request request, Callback done) {
  return start<EvaluationImpl>(now(), std::move(request), std::move(done));
}

}  // namespace mw::auth::spf
