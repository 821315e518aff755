#include "dns/resolver.h"

#include "core/enum_names.h"

namespace mw::dns {

namespace {

constexpr core::SparseEnumNames<RrType, 9> kRrTypeNames{
    {{RrType::kA, "A"},     {RrType::kNs, "NS"},  {RrType::kCname, "CNAME"},
     {RrType::kSoa, "SOA"}, {RrType::kPtr, "PTR"}, {RrType::kMx, "MX"},
     {RrType::kTxt, "TXT"}, {RrType::kAaaa, "AAAA"}, {RrType::kSpf, "SPF"}},
    "?"};
constexpr auto kRcodeNames =
    core::EnumNames<Rcode, Rcode::kBudget>{"NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED",
                                           "FORMERR", "NOTIMP",   "TIMEOUT",  "NETERROR",
                                           "BADNAME", "BUDGET"}
        .with_fallback("?");

}  // namespace

std::string_view rr_type_name(RrType t) { return kRrTypeNames.name(t); }

std::string_view rcode_name(Rcode r) { return kRcodeNames.name(r); }

bool is_void(const Reply& r) {
  return r.rcode == Rcode::kNxDomain || (r.rcode == Rcode::kNoError && r.answers.empty());
}

bool has_answers(const Reply& r) { return r.rcode == Rcode::kNoError && !r.answers.empty(); }

bool is_temporary(Rcode r) {
  return core::is_one_of(r, {Rcode::kServFail, Rcode::kTimeout, Rcode::kNetError, Rcode::kRefused});
}

}  // namespace mw::dns
