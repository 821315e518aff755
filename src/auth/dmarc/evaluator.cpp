#include "auth/dmarc/evaluator.h"

#include <sys/random.h>

#include <chrono>
#include <utility>

#include "dns/job.h"

namespace mw::auth::dmarc {

namespace {

constexpr size_t kMaxName = 253;

// The From domain can be put behind "_dmarc." and sent as a query.
bool usable_domain(std::string_view d) {
  if (d.empty() || d.size() + 7 > kMaxName) return false;
  size_t label = 0;
  for (char c : d) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7f) return false;
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (++label > 63) {
      return false;
    }
  }
  return label > 0;
}

class EvaluationImpl final : public dns::BatchJob<Verdict> {
 public:
  EvaluationImpl(core::Dispatcher& dispatcher, dns::Resolver& resolver, const Options& options,
                 PslPtr psl, Input input, Callback done, uint32_t roll)
      : BatchJob(dispatcher, resolver, std::move(done)),
        psl_(std::move(psl)),
        options_(options),
        input_(std::move(input)),
        roll_(roll) {}

  void start();

 private:
  using Replies = std::vector<dns::Reply>;

  void lookup(const std::string& domain, bool org_level);
  void on_txt(const std::string& domain, bool org_level, const dns::Reply& reply);
  void discovered(Discovery d);
  void conclude(bool domain_exists);

  PslPtr psl_;
  const Options options_;
  const Input input_;
  const uint32_t roll_;

  std::string from_;
  std::string org_;
  Discovery discovery_;
};

void EvaluationImpl::start() {
  from_ = normalize_domain(input_.from_domain);
  if (!usable_domain(from_)) {
    Discovery d;
    d.problem = "From domain '" + from_ + "' is not a usable domain name";
    discovered(std::move(d));  // decided without DNS: delivered from the loop
    return;
  }
  org_ = psl_->organizational_domain(from_);
  batch_.set_deadline(options_.timeout, [this] {
    Discovery d;
    d.status = DiscoveryStatus::kTempError;
    d.problem = "DMARC evaluation exceeded its time limit";
    outcome_ = decide(input_, d, *psl_, true, roll_);
  });
  lookup(from_, false);
}

void EvaluationImpl::lookup(const std::string& domain, bool org_level) {
  batch_.resolve("_dmarc." + domain, dns::RrType::kTxt,
                 [this, domain, org_level](const dns::Reply& r) { on_txt(domain, org_level, r); });
}

void EvaluationImpl::on_txt(const std::string& domain, bool org_level, const dns::Reply& reply) {
  Discovery d;
  std::string name = "_dmarc." + domain;
  if (reply.rcode != dns::Rcode::kNoError && reply.rcode != dns::Rcode::kNxDomain &&
      reply.rcode != dns::Rcode::kBadName) {
    d.status = DiscoveryStatus::kTempError;
    d.problem = "DNS " + std::string(dns::rcode_name(reply.rcode)) + " looking up " + name;
    discovered(std::move(d));
    return;
  }
  std::vector<std::string> records;
  for (const auto& rec : reply.answers) {
    if (rec.type != dns::RrType::kTxt) continue;
    // dns::Record::text is the character-strings joined without separator.
    if (is_dmarc_record(rec.text)) records.push_back(rec.text);
  }
  if (records.size() > 1) {
    d.problem = std::to_string(records.size()) + " DMARC records at " + name +
                ": no DMARC processing (RFC 7489 6.6.3)";
    discovered(std::move(d));
    return;
  }
  if (records.empty()) {
    if (!org_level && !org_.empty() && org_ != domain) {
      lookup(org_, true);
      return;
    }
    d.problem = "no DMARC record for " + from_;
    discovered(std::move(d));
    return;
  }
  ParsedRecord parsed = parse_record(records.front());
  d.record_domain = domain;
  d.problems = parsed.problems;
  if (parsed.ok()) {
    d.status = DiscoveryStatus::kFound;
    d.record = std::move(parsed.record);
  } else {
    d.status = DiscoveryStatus::kPermError;
    d.problem = "unusable DMARC record at " + name + " (" +
                std::string(record_error_name(parsed.error)) + ")";
  }
  discovered(std::move(d));
}

void EvaluationImpl::discovered(Discovery d) {
  discovery_ = std::move(d);
  bool check = options_.check_nonexistent && needs_existence_check(discovery_, from_);
  if (check) {
    const Record& rec = *discovery_.record;
    Alignments al =
        check_alignment(input_, from_, rec.spf_alignment, rec.dkim_alignment, *psl_);
    check = !al.spf && !al.dkim;  // only a failing message needs the policy
  }
  if (!check) {
    conclude(true);
    return;
  }
  batch_.resolve_all(
      {{from_, dns::RrType::kA}, {from_, dns::RrType::kAaaa}, {from_, dns::RrType::kMx}},
      [this](Replies& r) {
        bool nonexistent = dns::is_void(r[0]) && dns::is_void(r[1]) && dns::is_void(r[2]);
        conclude(!nonexistent);
      });
}

void EvaluationImpl::conclude(bool domain_exists) {
  outcome_ = decide(input_, discovery_, *psl_, domain_exists, roll_);
  batch_.finish();  // cancels what is outstanding, then delivers outcome_
}

}  // namespace

Evaluator::Evaluator(core::Dispatcher& dispatcher, dns::Resolver& resolver, PslPtr psl,
                     Options options, RandomSource random)
    : JobStarter(dispatcher, resolver, std::move(options)),
      psl_(std::move(psl)),
      random_(std::move(random)) {
  if (!random_) {
    // The kernel's generator, one small read per draw: an Evaluator is made per message, so
    // seeding a generator here (std::random_device + mt19937) cost more than the draw.
    random_ = [](uint32_t bound) -> uint32_t {
      if (bound == 0) return 0;
      uint32_t v = 0;
      if (::getrandom(&v, sizeof v, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof v)) {
        v = static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      }
      return v % bound;  // bias below 1e-7 for pct's bound of 100
    };
  }
}

Evaluator::~Evaluator() = default;

EvaluationPtr Evaluator::evaluate(Input input, Callback done) {
  // The pct draw is taken now, so an evaluation never calls back into the Evaluator.
  uint32_t roll = random_(100) % 100;
  return start<EvaluationImpl>(psl_, std::move(input), std::move(done), roll);
}

Result<FromDomain> select_from_domain(const std::vector<std::string>& address_domains) {
  FromDomain out;
  for (const auto& d : address_domains) {
    std::string n = normalize_domain(d);
    if (n.empty()) continue;
    if (out.domain.empty()) {
      out.domain = std::move(n);
    } else if (n != out.domain) {
      out.multiple_domains = true;
    }
  }
  if (out.domain.empty()) return fail(ErrorCode::kNotFound, "no From address with a domain");
  return out;
}

}  // namespace mw::auth::dmarc
