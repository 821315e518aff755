// FakeDnsServer: an in-process DNS server for the resolver tests.
//
// It listens on 127.0.0.1 on a free port, UDP and TCP on the same port, driven by the test's
// Dispatcher, and answers from a small zone of master-file records built with ldns. It acts
// like a recursive server: CNAMEs are followed inside the zone and the chain is put in the
// answer section; negative answers carry the zone's SOA (when one was added) in the authority
// section. UDP replies larger than the client's advertised size (512 without EDNS) are
// truncated (TC=1, no records), as real servers do. TCP replies are written in two pieces a
// few milliseconds apart so that clients must reassemble partial reads.
//
// Per-name behaviours inject faults (drop, SERVFAIL, wrong ID first, garbage first, ...).
// Every query received is recorded. With MW_DNS_CAPTURE_DIR set in the environment every
// reply sent is also written there (reply-<n>.bin), to seed the fuzz corpus.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "dns/ldns_ptr.h"

namespace mw::dns::testing {

enum class Behavior {
  kAnswer,               // answer from the zone
  kDrop,                 // never answer
  kServFail,
  kRefused,
  kNotImp,
  kTruncateUdp,          // UDP: TC=1 and no records; TCP: the real answer
  kFormErrOnEdns,        // FORMERR when the query has an OPT record, else the real answer
  kWrongIdThenAnswer,    // first a copy of the answer with another ID, then the answer
  kWrongIdOnly,          // only the copy with another ID
  kWrongQuestionThenAnswer,  // first an answer to another name (same ID), then the answer
  kGarbageThenAnswer,    // first undecodable bytes, then the answer
  kDelay,                // the answer after delay() seconds
};

struct SeenQuery {
  std::string name;  // lower-case, no trailing dot, as on the wire
  uint16_t type = 0;
  uint16_t id = 0;
  bool tcp = false;
  bool edns = false;
  uint16_t edns_size = 0;
  bool rd = false;
};

class FakeDnsServer {
 public:
  explicit FakeDnsServer(core::Dispatcher& dispatcher);
  ~FakeDnsServer();
  FakeDnsServer(const FakeDnsServer&) = delete;
  FakeDnsServer& operator=(const FakeDnsServer&) = delete;

  bool ok() const { return udp_fd_ >= 0 && tcp_fd_ >= 0; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Add a record in master-file syntax ("a.test. 300 IN A 192.0.2.1"). False if ldns refuses.
  bool add(const std::string& rr);
  // Behaviour for queries of `name` (any type; case-insensitive, no trailing dot).
  void set_behavior(const std::string& name, Behavior b) { behaviors_[lower(name)] = b; }
  void set_default_behavior(Behavior b) { default_behavior_ = b; }
  void set_delay(double seconds) { delay_ = seconds; }

  const std::vector<SeenQuery>& seen() const { return seen_; }
  int count(const std::string& name) const;  // queries seen for a name (UDP and TCP)
  int udp_count() const;
  int tcp_count() const;
  void clear_seen() { seen_.clear(); }

 private:
  struct Conn;
  static std::string lower(std::string s);
  void on_udp();
  void on_accept();
  void on_tcp(Conn& conn);
  void close_conn(Conn& conn);
  // Replies to send for one query, in order.
  std::vector<std::vector<uint8_t>> handle(const uint8_t* data, size_t size, bool tcp);
  LdnsPktPtr build_answer(const ldns_pkt* query, size_t limit, bool tcp);
  std::vector<uint8_t> to_wire(const ldns_pkt* pkt, bool record = true);
  void capture(const std::vector<uint8_t>& bytes);

  core::Dispatcher& dispatcher_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  uint16_t port_ = 0;
  core::FdEventPtr udp_event_;
  core::FdEventPtr accept_event_;
  std::list<std::unique_ptr<Conn>> conns_;
  std::list<core::TimerPtr> timers_;  // delayed sends
  std::vector<LdnsRrPtr> zone_;
  std::map<std::string, Behavior> behaviors_;
  Behavior default_behavior_ = Behavior::kAnswer;
  double delay_ = 0.1;
  std::vector<SeenQuery> seen_;
  std::string capture_dir_;
  int captured_ = 0;
};

}  // namespace mw::dns::testing
