// What rules and modules add to a scan's reply besides symbols and the action: the "milter"
// block (header changes and envelope changes for the MTA), DKIM signatures and the signing
// reports, and free-form reply fields.
//
// The milter block is typed. Rules give it in Rspamd's JSON forms (Lua set_milter_reply, an
// upstream's /checkv2 reply in the milter proxy's forward mode); merge_json() reads every form
// once, and the renderers (reply.h, server/milter_actions.h) only see the typed value:
//
//   add_headers     {Name: {value, order} | "value" | [...]}, or an array of such objects
//                   (order: absent or -1 appends, N >= 0 inserts at index N (0 = top), other
//                   negative values count from the end)
//   remove_headers  {Name: N | [N, ...]}, or an array of such objects (0 = every occurrence,
//                   N = the Nth, -N = the Nth from the end)
//   change_from     "addr"           add_rcpt, del_rcpt   "addr" | ["addr", ...]
//   reject          "discard" | "quarantine" (how to carry out a reject)
//   no_action       true: accept and only say the action in a header
//   spam_header     "Name" | {Name: value}
// Keys not listed are kept as they are (`other`) and rendered back into the JSON reply.
// Values of the wrong type are ignored, as the milter proxy always did. Rendered back to JSON
// the block takes its canonical form: add_headers as {Name: {value, order?}} (an array when a
// name repeats), remove_headers as {Name: N | [N, ...]}, add_rcpt/del_rcpt as arrays.
//
// Ownership: plain values. Loop affinity: none. Failure modes: none (bad input is skipped).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace mw::scan {

struct HeaderAdd {
  std::string name;
  std::string value;
  std::optional<int64_t> order;  // absent: append (as -1)
};

struct HeaderRemove {
  std::string name;
  int64_t index = 0;  // 0 every occurrence, N > 0 the Nth, N < 0 the Nth from the end
};

struct MilterBlock {
  std::vector<HeaderAdd> add_headers;
  std::vector<HeaderRemove> remove_headers;
  std::optional<std::string> change_from;
  std::vector<std::string> add_rcpt;
  std::vector<std::string> del_rcpt;
  std::string reject;                // "", "discard" or "quarantine"
  bool no_action = false;
  std::string spam_header;           // header name for spam ("": the proxy's own)
  std::string spam_header_value;     // its value ("": "Yes")
  json::Value other = json::Value::object();  // keys this build does not interpret

  bool empty() const;
  // Merge a block in any of the forms above: a key present in `block` replaces the same key
  // here, except that add_headers and remove_headers replace per header name (the entries of
  // a name given again are replaced where they stood; new names are appended).
  void merge_json(const json::Value& block);
  // Set one header to add, replacing the entries of the same name (as merge_json does).
  void put_header(HeaderAdd add);
};

// A DKIM signing or ARC sealing report ("dkim-signing", "arc-sealing" in the reply).
struct SigningReport {
  struct Signature {
    std::string domain;
    std::string selector;
    std::string algorithm;  // "rsa-sha256" or "ed25519-sha256"
  };
  std::string status;  // "signed" or "skipped"; empty: no report
  std::string reason;  // why it was skipped
  std::vector<Signature> signatures;  // DKIM: one per signature made
  int64_t instance = 0;               // ARC: the instance of the new set
  std::string cv;                     // ARC: the chain validation status sealed
  std::string domain;                 // ARC: the sealing domain

  bool empty() const { return status.empty(); }
};

struct ReplyAdditions {
  MilterBlock milter;
  std::vector<std::string> dkim_signatures;  // DKIM-Signature values, in signing order
  SigningReport dkim_signing;
  SigningReport arc_sealing;
  // Other top-level reply fields rules set (e.g. "outbound_features"), in order.
  json::Value fields = json::Value::object();

  // A top-level reply field from a rule: "dkim-signature" (a string or an array of strings)
  // goes to dkim_signatures, anything else to `fields`.
  void set_field(std::string_view name, json::Value value);
};

// JSON forms of the typed parts (the reply renderers and the forward-mode parser use them).
json::Value milter_block_json(const MilterBlock& block);
json::Value signing_report_json(const SigningReport& report);
SigningReport signing_report_from_json(const json::Value& v);

}  // namespace mw::scan
