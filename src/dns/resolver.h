// The asynchronous DNS resolver contract.
//
// Everything that queries DNS (SPF, DKIM keys, DMARC records, ARC, RBL-style Lua rules, the
// domain checker) talks to this interface, so tests can substitute an in-memory zone
// (dns/fake_resolver.h) for the real ldns/libevent resolver (dns/udp_resolver.h).
//
// Loop affinity: a Resolver belongs to one Dispatcher (one worker thread).
// Callbacks: always invoked later from the dispatcher, never from inside resolve(), exactly
// once, unless the request was cancelled first.
// Ownership: resolve() returns a handle; destroying the handle (or calling cancel()) before
// the answer arrives guarantees the callback is never invoked. A task keeps the handles of
// its outstanding lookups and drops them when it dies.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mw::dns {

enum class RrType : uint16_t {
  kA = 1,
  kNs = 2,
  kCname = 5,
  kSoa = 6,
  kPtr = 12,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
  kSpf = 99,
};
std::string_view rr_type_name(RrType t);  // "TXT"

// Outcome of a lookup. kNoError with no answers is NODATA.
enum class Rcode : uint8_t {
  kNoError,
  kNxDomain,
  kServFail,
  kRefused,
  kFormErr,
  kNotImp,
  kTimeout,    // no server answered within timeout x retransmits
  kNetError,   // socket errors, no usable server
  kBadName,    // the name cannot be encoded (too long, bad label)
  kBudget,     // the per-task lookup budget is exhausted (see BudgetResolver)
};
std::string_view rcode_name(Rcode r);  // "NXDOMAIN"
// True for outcomes that mean "try again later" (timeouts, SERVFAIL, network).
bool is_temporary(Rcode r);

struct Record {
  RrType type = RrType::kA;
  uint32_t ttl = 0;
  std::string name;        // owner name, lower-case, no trailing dot
  // A/AAAA: the address bytes (4 or 16 used) and its text form in `text`.
  std::array<uint8_t, 16> addr{};
  int family = 0;          // 4 or 6 for A/AAAA
  // TXT/SPF: the character-strings, in order; `text` is their concatenation.
  std::vector<std::string> strings;
  // MX: preference; `text` = exchange. PTR/CNAME/NS: `text` = target (no trailing dot).
  uint16_t preference = 0;
  std::string text;
};

struct Reply {
  Rcode rcode = Rcode::kNoError;
  std::vector<Record> answers;  // records of the asked type (CNAME chains followed)
  bool from_cache = false;
  bool truncated_retried = false;  // the UDP answer was truncated and TCP was used
};

// The name has no record of the asked type: NXDOMAIN, or NOERROR without answers (NODATA).
// False for failures (timeouts, SERVFAIL, budget...): they say nothing about the name. This
// is the "void lookup" of RFC 7208 4.6.4 and the non-existence test of RFC 7489/9091.
bool is_void(const Reply& r);
// NOERROR with at least one record of the asked type.
bool has_answers(const Reply& r);

using Callback = std::function<void(const Reply&)>;

class Request {
 public:
  virtual ~Request() = default;  // cancels when the answer has not arrived yet
  virtual void cancel() = 0;
};
using RequestPtr = std::unique_ptr<Request>;

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Look up `name` (UTF-8 names are converted to IDNA ASCII; a trailing dot is optional).
  virtual RequestPtr resolve(std::string_view name, RrType type, Callback cb) = 0;
  // False while every name server is known to be down (lookups would fail at once):
  // optional checks (DNS lists, HELO lookups) skip their lookups then. True by default.
  virtual bool available() const { return true; }
  // Whether NXDOMAIN and NODATA answers mean the record does not exist in the public DNS
  // (dns/public_probe.h): false when the name servers are isolated and deny every name.
  // Checks that score a missing record stay silent then. True by default.
  virtual bool trusts_negative_answers() const { return true; }
};

}  // namespace mw::dns
