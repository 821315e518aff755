#include "dns/resolver.h"

namespace mw::dns {

std::string_view rr_type_name(RrType t) {
  switch (t) {
    case RrType::kA: return "A";
    case RrType::kNs: return "NS";
    case RrType::kCname: return "CNAME";
    case RrType::kSoa: return "SOA";
    case RrType::kPtr: return "PTR";
    case RrType::kMx: return "MX";
    case RrType::kTxt: return "TXT";
    case RrType::kAaaa: return "AAAA";
    case RrType::kSpf: return "SPF";
  }
  return "?";
}

std::string_view rcode_name(Rcode r) {
  switch (r) {
    case Rcode::kNoError: return "NOERROR";
    case Rcode::kNxDomain: return "NXDOMAIN";
    case Rcode::kServFail: return "SERVFAIL";
    case Rcode::kRefused: return "REFUSED";
    case Rcode::kFormErr: return "FORMERR";
    case Rcode::kNotImp: return "NOTIMP";
    case Rcode::kTimeout: return "TIMEOUT";
    case Rcode::kNetError: return "NETERROR";
    case Rcode::kBadName: return "BADNAME";
    case Rcode::kBudget: return "BUDGET";
  }
  return "?";
}

bool is_temporary(Rcode r) {
  switch (r) {
    case Rcode::kServFail:
    case Rcode::kTimeout:
    case Rcode::kNetError:
    case Rcode::kRefused:
      return true;
    default:
      return false;
  }
}

}  // namespace mw::dns
