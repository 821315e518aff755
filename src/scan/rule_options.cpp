#include "scan/rule_options.h"

namespace mw::scan {

namespace {

void declare_hfilter(core::Schema& s) {
  using core::OptType;
  s.section("hfilter", "HELO, reverse DNS and sender domain checks (rules/hfilter.lua)");
  s.add({"hfilter.enabled", OptType::kBool, "true", "Run the checks"});
  s.add({"hfilter.check_dns", OptType::kBool, "true",
         "Look the HELO name and the sender domains up (A, AAAA, MX) within the task's DNS "
         "lookup budget; a failed lookup never counts"});
  s.add({"hfilter.ptr_lookup", OptType::kBool, "true",
         "Look the client's reverse DNS up (PTR, then A/AAAA of the name) when neither the "
         "request nor our Received field says it"});
  s.add({"hfilter.own_names", OptType::kStringList, "[]",
         "Our own host names and domains: a client claiming one of them (or a subdomain) in "
         "its HELO gets HFILTER_HELO_OWN"});
  s.add({"hfilter.skip_authenticated", OptType::kBool, "true",
         "No HELO and host name checks for authenticated senders"});
}

}  // namespace

void declare_rule_options(core::Schema& s) { declare_hfilter(s); }

}  // namespace mw::scan
