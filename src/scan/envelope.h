// The envelope of a message: what the MTA knows besides the message itself.
// Filled by the protocol layer (HTTP request headers, milter macros) or the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"

namespace mw::scan {

enum TaskFlags : uint32_t {
  kTaskPassAll = 1u << 0,    // run every filter (no early stop at the reject threshold)
  kTaskNoLog = 1u << 1,      // do not log or record history
  kTaskSkip = 1u << 2,       // accept without scanning
  kTaskMilter = 1u << 3,     // the request comes from a milter front
  kTaskExtUrls = 1u << 4,    // reply with URL objects instead of host names
  kTaskGroups = 1u << 5,     // reply with group scores
  kTaskProfile = 1u << 6,    // reply with per-symbol timings
  kTaskBodyBlock = 1u << 7,  // the MTA accepts a rewritten body
  kTaskNoStat = 1u << 8,
};

struct Envelope {
  std::string ip;                  // client IP as text, empty when unknown
  bool ip_from_received = false;   // ip (and maybe helo/hostname) came from the Received
                                   // chain, not the request (scan/received_chain.h)
  std::string helo;
  std::string hostname;            // verified reverse DNS name ("" or "unknown" when none)
  std::string from;                // MAIL FROM without angle brackets ("" = null sender)
  bool has_from = false;           // a MAIL FROM was given (possibly the null sender)
  std::vector<std::string> rcpts;  // RCPT TO, without angle brackets
  std::string user;                // SASL authenticated user ("" = not authenticated)
  std::string queue_id;
  std::string deliver_to;
  std::string mta_name;            // MTA-Name: {daemon_name}, else j (Rspamd's reading)
  std::string mta_host;            // the MTA's host name (milter macro j), "" when unknown
  std::string log_tag;
  std::string settings_id;         // Settings-ID: a named profile
  std::string settings_json;       // Settings: inline JSON
  uint32_t flags = 0;              // TaskFlags
  double time = 0;                 // message time (epoch seconds); 0 = now
  // Every request header as received (name, value), for Lua get_request_header.
  std::vector<std::pair<std::string, std::string>> request_headers;

  bool authenticated() const { return !user.empty(); }
  const std::string* request_header(std::string_view name) const;
};

// An envelope described in JSON (replay events, rule tests): {"ip", "helo", "hostname",
// "from", "rcpt": "a" | ["a", ...], "user", "settings_id", "settings" (JSON text), "time",
// "headers": {name: value}, "pass_all": true}; every key is optional, others are ignored.
// Addresses are taken as given (no angle brackets). Values of the wrong type count as empty.
Envelope envelope_from_json(const json::Value& v);

}  // namespace mw::scan
