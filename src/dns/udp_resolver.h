// UdpResolver: the production Resolver (dns/resolver.h), a stub resolver that asks the
// configured recursive name servers over UDP (TCP when a reply is truncated), on the
// worker's Dispatcher, with a per-worker answer cache.
//
// Behaviour:
//  - Names: UTF-8 names are converted to IDNA ASCII; names that cannot be encoded (too long,
//    empty or over-long labels, bad characters) answer kBadName without any query.
//  - Queries: every try uses a fresh connected UDP socket (random source port) and a random
//    16-bit ID, with RD and an EDNS0 OPT record (config.edns_payload; none when 0). A reply is
//    accepted only when its ID, question name (case-insensitively) and type match the try it
//    arrives on; anything else (wrong ID or question, undecodable bytes) is ignored and
//    counted, never an error. Late replies to an earlier try of the same lookup are accepted.
//  - Truncation: a reply with TC=1 makes the resolver ask the same server again over TCP
//    (not counted as a try); later tries of that lookup use TCP directly.
//  - EDNS fallback: FORMERR to a query with OPT is retried once without OPT (RFC 6891 6.2.2).
//  - Failover: servers are tried in turn, starting with the last one that answered; a try
//    ends after config.timeout seconds, or at once on SERVFAIL, REFUSED, NOTIMP, FORMERR or
//    a socket error. After config.retransmits tries in total the lookup ends with the error
//    of the last try that produced one (kServFail, kRefused, kNetError, ...) or, when every
//    try timed out, kTimeout.
//  - Dead servers: a server that refuses at the socket level, or lets 3 tries in a row time
//    out, is skipped for config.dead_time seconds (logged); when every server is skipped a
//    lookup ends at once with kNetError, so a DNS outage costs no waiting and no traffic.
//  - Answers: CNAME chains inside the answer section are followed; the records of the asked
//    type are returned (see dns/wire.h).
//  - Cache: positive answers for their smallest TTL (capped by config.max_ttl), NXDOMAIN and
//    NODATA for the SOA-derived negative TTL (capped by config.max_negative_ttl; not cached
//    without an SOA). SERVFAIL, timeouts and errors are never cached. Cached answers are
//    delivered from the dispatcher (posted), with from_cache = true and TTLs lowered to the
//    time left.
//  - Coalescing: a lookup for a (name, type) that is already in flight joins it; one query
//    answers every caller.
//
// Ownership: the resolver owns its sockets, timers, cache and in-flight lookups; callers own
// the RequestPtr handles. Destroying a handle (or cancel()) before the answer guarantees no
// callback; when the last caller of a lookup cancels, its sockets are closed. Destroying the
// resolver cancels everything: no callback runs afterwards, including posted cache hits.
// Handles may outlive the resolver (they become inert).
// Loop affinity: one Dispatcher (the one given to create()); use only from its thread.
// Reentrancy: callbacks may call resolve(), cancel other requests, or destroy the resolver.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"
#include "dns/cache.h"
#include "dns/name.h"
#include "dns/resolver.h"
#include "dns/resolver_config.h"

namespace mw::dns {

// Monotonic seconds (injectable for tests; defaults to Dispatcher::monotonic()).
using Clock = std::function<double()>;

struct ResolverStats {
  uint64_t lookups = 0;          // resolve() calls
  uint64_t cache_hits = 0;
  uint64_t coalesced = 0;        // lookups that joined one in flight
  uint64_t queries = 0;          // lookups that went to the network
  uint64_t udp_sent = 0;         // UDP tries sent
  uint64_t tcp_sent = 0;         // TCP tries started (after truncation)
  uint64_t timeouts = 0;         // tries that timed out
  uint64_t ignored = 0;          // datagrams ignored: wrong ID/question or undecodable
  uint64_t failed = 0;           // lookups that ended in a temporary error
  uint64_t bad_names = 0;
};

class UdpResolver final : public Resolver {
 public:
  // Build a resolver on `dispatcher`. `logger` receives debug lines (module "dns") and must
  // outlive the resolver, as must the dispatcher.
  // Result on failure: kInvalidInput (no name server, timeout <= 0, retransmits < 1,
  // edns_payload in 1..511), kInternal (ICU IDNA unavailable).
  static Result<std::unique_ptr<UdpResolver>> create(core::Dispatcher& dispatcher,
                                                     ResolverConfig config,
                                                     core::Logger& logger, Clock clock = {});
  ~UdpResolver() override;
  UdpResolver(const UdpResolver&) = delete;
  UdpResolver& operator=(const UdpResolver&) = delete;

  // See resolver.h and the behaviour above. Never calls `cb` from inside resolve().
  RequestPtr resolve(std::string_view name, RrType type, Callback cb) override;
  // False while every name server is marked dead (see "Dead servers" above).
  bool available() const override;

  const ResolverStats& stats() const { return stats_; }
  const ResolverConfig& config() const { return config_; }
  size_t cache_entries() const { return cache_.size(); }
  size_t in_flight() const { return inflight_.size(); }
  void clear_cache() { cache_.clear(); }

 private:
  class Query;
  class Handle;
  struct Waiter;

  UdpResolver(core::Dispatcher& dispatcher, ResolverConfig config, core::Logger& logger,
              Clock clock, NameEncoder encoder);
  void post_reply(std::shared_ptr<Waiter> waiter, Reply reply);
  // Called by a Query that has its final outcome: caches it, removes and destroys the query,
  // then runs the callbacks. Nothing of the resolver is touched after the first callback.
  void complete(Query* query, Reply reply, bool cacheable, uint32_t ttl);
  // The last waiter left: drop the query.
  void abandon(Query* query);
  uint16_t random_id();
  double now() const { return clock_(); }
  // Server health (see "Dead servers" above).
  bool server_alive(size_t server) const;
  void server_failed(size_t server, bool refused);
  void server_answered(size_t server);

  core::Dispatcher& dispatcher_;
  ResolverConfig config_;
  core::ModuleLog log_;
  Clock clock_;
  NameEncoder encoder_;
  AnswerCache cache_;
  std::unordered_map<std::string, std::unique_ptr<Query>> inflight_;  // key: name/type
  std::vector<uint8_t> scratch_;  // UDP receive buffer shared by all tries
  std::vector<uint16_t> ids_;     // random IDs drawn in batches from getrandom()
  size_t preferred_server_ = 0;   // the last server that answered
  struct Health {
    double dead_until = 0;  // skipped until then (resolver clock)
    int timeouts = 0;       // tries in a row without an answer
  };
  std::vector<Health> health_;    // per server
  ResolverStats stats_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // expires with the resolver
};

}  // namespace mw::dns
