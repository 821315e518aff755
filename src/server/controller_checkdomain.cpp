#include "server/controller_checkdomain.h"

#include <sys/time.h>

#include <algorithm>


namespace mw::server {

namespace http = proto::http;

namespace {

double wall_clock() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

}  // namespace

DomainCheckService::DomainCheckService(scan::Services& services, auth::dmarc::PslPtr psl,
                                       const ControllerOptions& options)
    : services_(services),
      psl_(std::move(psl)),
      ttl_(options.checkdomain_cache_ttl),
      max_entries_(options.checkdomain_cache_entries),
      max_inflight_(options.checkdomain_max_inflight) {}

DomainCheckService::~DomainCheckService() = default;

void DomainCheckService::attach(Controller& controller) {
  controller.add_route({"checkdomain", {}, Access::kRead, false,
                        [this](http::Request&& req, http::ResponderPtr r, Access) {
                          handle(std::move(req), std::move(r));
                        }});
}

void DomainCheckService::evict(double now) {
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.expires <= now ? cache_.erase(it) : std::next(it);
  }
  while (!cache_.empty() && cache_.size() >= max_entries_) {
    auto oldest = std::min_element(cache_.begin(), cache_.end(), [](const auto& a, const auto& b) {
      return a.second.inserted < b.second.inserted;
    });
    cache_.erase(oldest);
  }
}

void DomainCheckService::handle(http::Request&& req, http::ResponderPtr r) {
  if (req.method != "GET" && req.method != "HEAD") {
    r->send(http::Response::error(405, "use GET"));
    return;
  }
  std::string raw_domain;
  std::vector<std::string> selectors;
  for (const auto& [k, v] : req.query) {
    if (k == "domain") raw_domain = v;
    if (k != "selector") continue;
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      auto sel = auth::check::normalize_selector(std::string_view(v).substr(start, comma - start));
      if (!sel) {
        r->send(http::Response::error(400, sel.error().message));
        return;
      }
      if (std::find(selectors.begin(), selectors.end(), *sel) == selectors.end()) {
        selectors.push_back(*sel);
      }
      start = comma + 1;
    }
  }
  if (raw_domain.empty()) {
    r->send(http::Response::error(400, "give the domain to check: /checkdomain?domain=example.com"));
    return;
  }
  auto domain = auth::check::normalize_domain(raw_domain);
  if (!domain) {
    r->send(http::Response::error(400, domain.error().message));
    return;
  }
  if (selectors.size() > auth::check::kMaxSelectors) {
    r->send(http::Response::error(
        400, "at most " + std::to_string(auth::check::kMaxSelectors) + " selectors"));
    return;
  }
  std::sort(selectors.begin(), selectors.end());
  std::string key = *domain;
  for (const auto& s : selectors) key += " " + s;

  double now = services_.dispatcher().monotonic();
  auto hit = cache_.find(key);
  if (hit != cache_.end() && hit->second.expires > now) {
    json::Value v = hit->second.report;
    v.set("cached", true);
    r->send(controller_json(v));
    return;
  }
  auto responder = std::shared_ptr<http::Responder>(std::move(r));
  auto flying = flights_.find(key);
  if (flying != flights_.end()) {
    flying->second->waiting.push_back(std::move(responder));
    return;
  }
  dns::Resolver* resolver = services_.resolver();
  if (resolver == nullptr) {
    responder->send(http::Response::error(503, "no DNS resolver"));
    return;
  }
  if (flights_.size() >= max_inflight_) {
    responder->send(http::Response::error(503, "too many domain checks in progress"));
    return;
  }
  auto flight = std::make_unique<Flight>();
  Flight* f = flight.get();
  f->waiting.push_back(std::move(responder));
  flights_.emplace(key, std::move(flight));
  double checked_at = wall_clock();
  f->check = auth::check::check_domain(
      services_.dispatcher(), *resolver, *domain, selectors, psl_.get(), {},
      [this, key, checked_at](auth::check::DomainReport report) {
        finish(key, std::move(report), checked_at);
      });
}

void DomainCheckService::finish(const std::string& key, auth::check::DomainReport report,
                                double checked_at) {
  auto it = flights_.find(key);
  if (it == flights_.end()) return;
  std::unique_ptr<Flight> flight = std::move(it->second);
  flights_.erase(it);
  json::Value v = report.to_json();
  v.set("checked_at", checked_at);
  if (!report.dns_failed && ttl_ > 0 && max_entries_ > 0) {
    double now = services_.dispatcher().monotonic();
    evict(now);
    cache_[key] = Cached{now + ttl_, now, v};
  }
  v.set("cached", false);
  for (auto& w : flight->waiting) {
    if (!w->cancelled()) w->send(controller_json(v));
  }
  // The check's handle dies after its callback has returned (check_domain allows both).
  services_.dispatcher().post([held = std::shared_ptr<Flight>(std::move(flight))] {});
}

}  // namespace mw::server
