// Domain checks on the controller:
//
//   GET /checkdomain?domain=example.com[&selector=s1[&selector=s2|,s2]...]
//
// answers the report of `mailward check-domain --json` (auth/check/domain_check.h: SPF
// tree and lookup counts, void lookups, DMARC record and policy advice, DKIM keys of the
// selectors), plus "cached" (this reply came from the cache) and "checked_at" (epoch
// seconds of the DNS walk). A read route (Access::kRead): it changes no state.
//
// Replies: 200 the report (also when some lookup failed: "dns_failed": true); 400 with a
// message saying why for a missing or malformed domain or selector; 503 without a DNS
// resolver or when [controller] checkdomain_max_inflight checks already run.
//
// Cache: complete reports are kept [controller] checkdomain_cache_ttl seconds, at most
// checkdomain_cache_entries of them (the oldest go first), keyed by domain and selectors;
// reports with DNS failures are not kept. Concurrent requests for the same key share one
// DNS walk.
//
// Ownership: owns its cache and the checks in flight; borrows the services (resolver) which
// outlive it. Loop affinity: the controller's loop.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auth/check/domain_check.h"
#include "auth/dmarc/org_domain.h"
#include "scan/engine.h"
#include "server/controller.h"

namespace mw::server {

class DomainCheckService {
 public:
  // `psl` (may be null: a subdomain's inherited DMARC record is then not looked for) finds
  // organisational domains.
  DomainCheckService(scan::Services& services, auth::dmarc::PslPtr psl,
                     const ControllerOptions& options);
  ~DomainCheckService();

  // Add the route to `controller`. REQUIRES: the service outlives the controller's routes.
  void attach(Controller& controller);

 private:
  struct Cached {
    double expires = 0;   // monotonic seconds
    double inserted = 0;  // monotonic seconds (eviction order)
    json::Value report;
  };
  struct Flight {
    auth::check::CheckPtr check;
    std::vector<std::shared_ptr<proto::http::Responder>> waiting;
  };
  void handle(proto::http::Request&& request, proto::http::ResponderPtr responder);
  void finish(const std::string& key, auth::check::DomainReport report, double checked_at);
  void evict(double now);

  scan::Services& services_;
  auth::dmarc::PslPtr psl_;
  double ttl_;
  size_t max_entries_;
  size_t max_inflight_;
  std::map<std::string, Cached> cache_;
  std::map<std::string, std::unique_ptr<Flight>> flights_;
};

}  // namespace mw::server
