// FakeResolver: an in-memory zone behind the Resolver interface, for unit tests and for the
// conformance suites (RFC 7208 SPF suite, ARC suite, DKIM material) that ship their own
// "zone data". Answers are delivered from the dispatcher like real ones.
//
// Ownership: owns its zone. Loop affinity: the Dispatcher given at construction.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/loop.h"
#include "dns/resolver.h"

namespace mw::dns {

class FakeResolver final : public Resolver {
 public:
  explicit FakeResolver(core::Dispatcher& dispatcher) : dispatcher_(dispatcher) {}

  // Add a record (name is case-insensitive, trailing dot optional).
  void add(Record rec);
  void add_a(std::string_view name, std::string_view ip);     // v4 or v6 text form
  void add_txt(std::string_view name, std::vector<std::string> strings);
  void add_txt(std::string_view name, std::string_view text) { add_txt(name, std::vector<std::string>{std::string(text)}); }
  void add_mx(std::string_view name, uint16_t pref, std::string_view exchange) {
    add_target(name, RrType::kMx, exchange, pref);
  }
  void add_ptr(std::string_view name, std::string_view target) {
    add_target(name, RrType::kPtr, target);
  }
  void add_cname(std::string_view name, std::string_view target) {
    add_target(name, RrType::kCname, target);
  }
  // Force an outcome for (name, type): e.g. kTimeout, kServFail, kNxDomain.
  void set_rcode(std::string_view name, RrType type, Rcode rcode);
  // Names that exist with no records of any type (NODATA rather than NXDOMAIN).
  void add_empty_name(std::string_view name);

  RequestPtr resolve(std::string_view name, RrType type, Callback cb) override;

  // Every query made, in order, as "name/TYPE".
  const std::vector<std::string>& queries() const { return queries_; }
  void clear_queries() { queries_.clear(); }

 private:
  Reply answer(const std::string& name, RrType type, int depth) const;
  // A record whose data is a name (MX exchange, PTR, CNAME target).
  void add_target(std::string_view name, RrType type, std::string_view target,
                  uint16_t preference = 0);

  core::Dispatcher& dispatcher_;
  std::multimap<std::string, Record> records_;
  std::map<std::pair<std::string, RrType>, Rcode> forced_;
  std::vector<std::string> empty_names_;
  std::vector<std::string> queries_;
};

// Lower-case a DNS name and strip one trailing dot.
std::string normalize_name(std::string_view name);

}  // namespace mw::dns
