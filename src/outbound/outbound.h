// Outbound protection: catch the credential-test mail a stolen account sends days before a
// phishing burst, hold the account, report it (THREAT.md).
//
// Who does what:
//   rules/outbound.lua, lualib/outbound/   the detection itself, in Lua: content signals
//       (ports, host names, AUTH methods...), per-user behaviour profiles in the store,
//       collector correlation, the verdict OUTBOUND_RECON and the defensive action, the hold
//       list check and rate limits (prefilter OUTBOUND_HOLD)
//   src/outbound/ (this folder)            what the rules need from C++: the [outbound]
//       options (this module), the credential verifier (credential.h: the decisive content
//       evidence) and where it looks (credential_scan.h), the keyed hashing of identifiers
//       (secret.h), the classifier model (model.h), the hold list (hold_list.h) and
//       detection events (events.h)
//   src/lua/outbound.cpp                   the `mailward_outbound` Lua module over these
//   src/server/controller_outbound.cpp     controller routes: holds, release, hold
//   src/app/{replay,train,hold}_cmd.cpp    replay recorded traffic, train the model, manage
//                                          the hold list from the command line
// (The anomalies, authentication and signing modules are scan modules of src/scan.)
//
// Privacy (THREAT.md): per-user profiles in the store are keyed by HMAC-SHA256 of recipients,
// IPs and user names with a secret, one per fleet (fleet_secret.h: [outbound] secret, else with
// the Redis store the fleet's one kept in Redis, else a random one kept in
// $DBDIR/outbound.secret, created on first start); only flagged submissions produce events
// with the user and recipients in clear, for the abuse desk. A password found in a message
// is registered with the task (Task::add_secret): events, logs, history, the dashboard and
// the controller show it masked ("Pa******"), the stored Subject included.
//
// Ownership: Settings is filled by the module's configure() in the process that loads the
// configuration and is read-only afterwards (shared by the engine and the Lua binding, also
// across fork). What changes per process (the open events file, webhook requests in flight)
// is an EventSink in that process's scan::Services (events.h).
// Failure modes: configure() fails for an unreadable or malformed model file, a secret that
// cannot be created, or a webhook that is not an http:// URL.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/json.h"
#include "outbound/credential_scan.h"
#include "outbound/model.h"
#include "scan/module.h"

namespace mw::outbound {

// Where detections go (besides the log).
struct EventOptions {
  std::string file;            // JSON lines, appended ("" = none)
  std::string webhook;         // http:// URL each event is POSTed to ("" = none)
  double webhook_timeout = 5;  // seconds per POST
  size_t rows = 1000;          // events kept in the store for the dashboard
};

struct Settings {
  bool configured = false;
  std::string secret;                  // key of the keyed hashes
  std::optional<LogisticModel> model;  // absent: only decisive records give OUTBOUND_RECON
  std::shared_ptr<const CandidateFilter> candidates;  // the credential candidate class
  ContentOptions content;              // what the credential verifier examines
  EventOptions events;
  json::Value config = json::Value::object();  // [outbound] for the rules, secret left out
};

// The module fills `settings` when it is configured; the Lua binding reads the same object.
// `expand` resolves $CONFDIR and $DBDIR in configured paths.
scan::ModulePtr make_module(std::shared_ptr<Settings> settings, scan::PathExpander expand);

}  // namespace mw::outbound
