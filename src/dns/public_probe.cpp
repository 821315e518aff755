#include "dns/public_probe.h"

namespace mw::dns {

PublicProbe::PublicProbe(core::Dispatcher& dispatcher, core::Logger& logger,
                         std::unique_ptr<Resolver> inner, std::string probe_name,
                         double interval)
    : log_(logger, "dns"),
      inner_(std::move(inner)),
      name_(std::move(probe_name)),
      interval_(interval),
      trusted_(name_.empty()) {
  if (name_.empty()) return;
  timer_ = dispatcher.create_timer([this] { probe(); });
  probe();
}

PublicProbe::~PublicProbe() = default;

void PublicProbe::probe() {
  pending_ = inner_->resolve(name_, RrType::kSoa, [this](const Reply& r) { answered(r); });
  timer_->enable(interval_);
}

void PublicProbe::answered(const Reply& r) {
  if (has_answers(r)) {
    if (!trusted_ && reported_) {
      log_.info("the name servers see the public DNS again: missing-record checks are on");
    }
    trusted_ = true;
    reported_ = false;
    return;
  }
  if (!is_void(r)) return;  // a failure says nothing about what the servers can see
  trusted_ = false;
  if (!reported_) {
    log_.warn("the name servers say \"" + name_ + "\" does not exist (" +
              std::string(rcode_name(r.rcode)) +
              "): they cannot see the public DNS, so checks that score missing records "
              "(no MX/A, no reverse DNS) are off (options.dns.probe_name)");
    reported_ = true;
  }
}

}  // namespace mw::dns
