// The outbound hold list: accounts whose mail gets [outbound] hold_action until an operator
// releases them or hold_ttl passes. It lives in the store, shared by every worker and host:
//
//   map  "ob:hold"    user -> JSON row {since, reasons: [...], by?, probability?, ip?,
//                     message_id?}; rules/outbound.lua adds detected accounts and checks the
//                     list (prefilter OUTBOUND_HOLD), operators add and release accounts
//                     (controller routes, `mailward hold`)
//   list "ob:events"  recent detections (JSON, newest first, capped at [outbound]
//                     event_rows), written by EventSink (events.h) for the dashboard
//   map  "ob:collectors"  H(recipient) -> "<accounts>:<confirmed>:<address>": addresses that
//                     got suspected test mail from at least [outbound] collector_min_accounts
//                     accounts (<confirmed>: detections), with the list "ob:collusers:<H>" of
//                     those accounts (rules/outbound.lua writes both, per-field expiry
//                     collector_ttl)
//   map  "ob:fp"      user -> JSON row {time, reason, recipients: [...]}: the operator's
//                     last false-positive mark of the account (mark_false_positive);
//                     rules/outbound.lua reads it when a detection fires: mail of that
//                     account to only those recipients is not acted on for [outbound]
//                     false_positive_period (doc/outbound.md, "False positives")
//
// Ownership: the functions return the store operation; keep it until its callback ran
// (destroying it cancels the operation and the callback). Loop affinity: the store's.
// Failure modes: store errors reach the callback.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "store/store.h"

namespace mw::outbound {

inline constexpr const char* kHoldMap = "ob:hold";
inline constexpr const char* kEventList = "ob:events";
inline constexpr const char* kFalsePositiveMap = "ob:fp";
inline constexpr const char* kCollectorMap = "ob:collectors";
inline constexpr const char* kCollectorUsersPrefix = "ob:collusers:";
// Recipients a false-positive mark keeps (the rules examine as many per message).
inline constexpr size_t kFalsePositiveRecipients = 50;
// Per held account, written by rules/outbound.lua while its mail is refused (doc/outbound.md,
// "Incidents"); release_account() deletes them, and a new hold (by an operator or by the
// rules) starts by deleting those a hold that expired left, so the next hold is a new
// incident:
//   "ob:refused:<user>"     messages refused while held (a counter)
//   "ob:refusedlog:<user>"  list of the refused messages up to and with the one that started
//                           the burst, newest first: JSON {time, recipients, reached, burst}
//   "ob:refrc:<user>"       distinct (hashed) recipients of refused mail within burst_window
//   "ob:burst:<user>"       set once the burst started; the rules then pushed the incident
//                           {user, detected, burst_start, recipients, by} to "ob:incidents"
inline constexpr const char* kRefusedPrefix = "ob:refused:";
inline constexpr const char* kRefusedLogPrefix = "ob:refusedlog:";
inline constexpr const char* kRefusedRecipientsPrefix = "ob:refrc:";
inline constexpr const char* kBurstPrefix = "ob:burst:";
inline constexpr const char* kIncidentList = "ob:incidents";

// Rows {user, ...} from the map's (user, JSON) fields; a value that is not a JSON object
// gives a row with the user only.
json::Value hold_rows(const std::vector<std::pair<std::string, std::string>>& fields);

// Every held account as hold_rows().
store::OpPtr list_holds(store::Store& store, std::function<void(Result<json::Value>)> cb);
// Hold `user` by an operator: {since: now, reasons: [reason], by: "operator"}, no expiry,
// after deleting the per-hold records an earlier hold left.
store::OpPtr hold_account(store::Store& store, std::string user, std::string reason, double now,
                          store::Done cb);
// Release `user` and delete its refused-while-held records above (the next hold is a new
// incident; the incidents already recorded stay).
store::OpPtr release_account(store::Store& store, std::string user, store::Done cb);
// The operator says the detection of `user` was wrong: release the account and write its
// "ob:fp" row {time: now, reason, recipients} with the recipients (lower-cased, at most
// kFalsePositiveRecipients) of its hold row, else of its newest detection event among the
// last `events` (none found: an empty list, and the mark relaxes nothing).
store::OpPtr mark_false_positive(store::Store& store, std::string user, std::string reason,
                                 double now, size_t events, store::Done cb);
// The collector records, most accounts first (then most confirmations, then the address), at
// most `limit`: [{address (null for a record written before addresses were kept), accounts,
// confirmed, users: [the accounts, each once, newest first]}]. One map read and one list
// read per collector shown.
store::OpPtr list_collectors(store::Store& store, size_t limit,
                             std::function<void(Result<json::Value>)> cb);
// The newest `count` detections, parsed (unreadable entries and a failed read: left out).
store::OpPtr recent_events(store::Store& store, size_t count,
                           std::function<void(json::Value)> cb);

}  // namespace mw::outbound
