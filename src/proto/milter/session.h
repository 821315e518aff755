// Milter session: the filter side of one MTA conversation, as a state machine without I/O.
//
// Bytes from the MTA go in (feed), replies for the MTA come out (appended to a string). The
// session
//   - negotiates: version min(MTA, 6) (versions 2..5 are served too), only the actions the
//     options want and the MTA offers, the "no reply" flag for every stage the MTA lets us
//     skip (stages it does not let us skip are answered with "continue"), and
//     kHeaderLeadingSpace when offered;
//   - collects macros per stage (names kept without braces: `{auth_authen}` and `i` are
//     found as "auth_authen" and "i"), the connect information, HELO, MAIL FROM with its
//     ESMTP arguments, the recipients (each with the macros sent for it), the headers and
//     the body, re-assembled byte for byte;
//   - at end of body hands a Message to the SessionSink and waits for reply();
//   - handles ABORT (drop the message, keep the connection), QUIT and QUIT_NC.
//
// Macros are taken only for the commands that have them (C, H, M, R, T, N, E, U; other
// stage bytes are ignored). What one connection holds for the stages (every stage's set and
// the next recipient's) is capped by max_macro_bytes (names and values) and max_macros
// (pairs): a packet that would go over ends the session with a tempfail reply and a kLimit
// error. The recipients' own copies have the same caps of their own: a recipient whose
// macros would go over is kept without them.
//
// Header bytes (what `simple` DKIM canonicalization sees). Postfix (milter8.c) and Sendmail
// send a header as the name (with any whitespace before the colon removed) and the value
// after the colon; without kHeaderLeadingSpace both remove ONE space (not a tab) after the
// colon, with it they send the value exactly as it was. Folded lines arrive joined by a bare
// LF (Postfix keeps message lines without CR). The session negotiates kHeaderLeadingSpace
// whenever it is offered and rebuilds each field as
//     name ":" value CRLF                 (value exactly as sent, LF turned into CRLF)
// and, only when the MTA does not offer the flag, as name ": " value CRLF (the usual single
// space restored; a field that had no space or a tab there cannot be recovered). Body chunks
// are kept as sent (Postfix sends lines with CRLF). Header values in add/insert/change
// replies get the leading space the MTA then expects and LF line breaks.
//
// Ownership: the session owns the message being collected; the Message handed to the sink
// is the sink's. Loop affinity: none (the server drives it from the loop).
// Failure modes: feed() fails on a protocol error (bad or oversize packet, a command before
// OPTNEG, an MTA version below 2, a command other than ABORT/QUIT while a verdict is
// pending), and with kLimit over the macro caps (a tempfail is in `out`); the connection
// must then be closed. Limits degrade: a message over
// max_message_size is cut and flagged `truncated`, recipients over max_recipients are counted
// in `recipients_dropped`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/log.h"
#include "core/result.h"
#include "proto/milter/codec.h"
#include "proto/options.h"

namespace mw::proto::milter {

// Macro name (without braces) and value, in the order the MTA sent them.
using MacroValues = std::vector<std::pair<std::string, std::string>>;

struct ConnectInfo {
  std::string hostname;  // as the MTA resolved it ("unknown" or "[192.0.2.1]" when it did not)
  char family = 'U';     // '4', '6', 'L' (unix socket), 'U' (unknown)
  uint16_t port = 0;
  std::string address;   // client IP text (or socket path for 'L')
};

struct Recipient {
  std::string address;            // as sent, usually "<user@example.org>"
  std::vector<std::string> args;  // ESMTP arguments
  MacroValues macros;              // macros the MTA sent for this RCPT
};

struct HeaderEntry {
  std::string name;
  std::string value;  // as the MTA sent it
};

struct Message {
  uint64_t sequence = 0;          // messages on this connection, from 1
  ConnectInfo connect;
  std::string helo;
  std::string mail_from;          // as sent, usually "<user@example.org>" ("<>" = null)
  std::vector<std::string> mail_args;
  std::vector<Recipient> recipients;
  size_t recipients_dropped = 0;  // RCPTs over max_recipients
  std::vector<std::pair<char, MacroValues>> macros;  // per stage command ('C', 'H', 'M', ...)
  std::vector<HeaderEntry> headers;
  std::string data;               // the message: header fields, blank line, body
  size_t body_offset = 0;         // where the body starts in `data`
  bool truncated = false;         // cut at max_message_size
  bool exact_headers = false;     // kHeaderLeadingSpace was negotiated: headers byte-exact
  uint32_t actions = 0;           // negotiated action flags
  uint32_t protocol = 0;          // negotiated protocol flags

  // Latest value of a macro ("i", "{i}", "auth_authen", "{auth_authen}"), looking at the
  // end-of-message stage first and the connect stage last; nullptr when never sent.
  const std::string* macro(std::string_view name) const;
  // MAIL FROM without angle brackets ("" for the null sender).
  std::string sender() const;
};

class SessionSink {
 public:
  virtual ~SessionSink() = default;
  // End of body: the message is complete. Answer with Session::reply(), now or later.
  virtual void on_message(Message&& message) = 0;
  // The MTA abandoned the message whose verdict is pending (ABORT, QUIT, QUIT_NC).
  virtual void on_abort() = 0;
};

struct SessionOptions {
  // Actions asked for in negotiation (granted = wanted & offered).
  uint32_t wanted_actions = kActAddHeaders | kActChangeHeaders | kActChangeBody | kActAddRcpt |
                            kActDelRcpt | kActQuarantine | kActChangeFrom;
  // Macro lists to ask for (only when the MTA offers kActSetSymList).
  std::vector<MacroList> macro_requests;
};

class Session {
 public:
  Session(const MilterOptions& limits, SessionOptions options, SessionSink& sink,
          core::Logger& logger);

  // Process bytes from the MTA; replies are appended to `out`. On error the connection must
  // be closed (the session stays failed).
  Status feed(std::string_view bytes, std::string& out);

  // The verdict for the pending message. Modifications the MTA did not grant are dropped
  // with a warning; a header value gets the leading space the MTA expects; an action that
  // cannot be encoded is dropped (a final one becomes tempfail); without a final action
  // `accept` is added. Returns false (and writes nothing) when no verdict is pending (the
  // MTA aborted the message meanwhile).
  bool reply(const std::vector<Action>& actions, std::string& out);
  // A progress packet while a verdict is pending (nothing otherwise).
  void progress(std::string& out);

  bool negotiated() const { return negotiated_; }
  bool awaiting_reply() const { return awaiting_; }
  // QUIT was received: flush the output and close.
  bool finished() const { return finished_; }
  // A message is under way (MAIL seen, verdict not yet given).
  bool in_message() const { return in_message_ || awaiting_; }
  // The session ended over the macro caps (a tempfail was sent).
  bool over_limit() const { return over_limit_; }
  // Part of a packet has arrived and waits for the rest.
  bool mid_packet() const { return decoder_.buffered() > 0; }
  uint32_t actions() const { return actions_; }
  uint32_t protocol() const { return protocol_; }
  uint32_t version() const { return version_; }

 private:
  Status handle(const Decoded& command, char code, std::string& out);
  Status on_optneg(const OptNeg& o, std::string& out);
  void continue_unless(uint32_t no_reply_flag, std::string& out);
  struct MacroSize {
    size_t bytes = 0;
    size_t pairs = 0;
    void add(const MacroValues& list);
    void remove(const MacroSize& other) {
      bytes -= other.bytes;
      pairs -= other.pairs;
    }
  };
  // Store a stage's macros; over max_macro_bytes / max_macros: a tempfail in `out` and kLimit.
  Status set_macros(const Macros& m, std::string& out);
  // Count held_macros_ again (after msg_.macros changed other than through set_macros).
  void recount_macros();
  void add_header(const Header& h);
  void append_body(std::string_view chunk);
  void end_headers();
  // The MTA no longer wants a verdict (ABORT, QUIT): if one is pending, sink_.on_abort().
  void abandon_verdict();
  void reset_message();
  void reset_connection();
  void append_data(std::string_view bytes);
  void reserve_for_size_arg(std::string_view arg);
  Action adapt(const Action& a) const;

  MilterOptions limits_;
  SessionOptions options_;
  SessionSink& sink_;
  core::ModuleLog log_;
  FrameDecoder decoder_;
  bool failed_ = false;
  bool over_limit_ = false;
  bool negotiated_ = false;
  bool awaiting_ = false;
  bool finished_ = false;
  bool in_message_ = false;
  bool eoh_seen_ = false;
  uint32_t version_ = 0;
  uint32_t actions_ = 0;
  uint32_t protocol_ = 0;
  uint64_t sequence_ = 0;
  Message msg_;              // connection fields persist across messages
  MacroValues pending_rcpt_macros_;
  MacroSize held_macros_;    // msg_.macros and pending_rcpt_macros_: a running total
  MacroSize rcpt_macros_;    // held by msg_.recipients
};

}  // namespace mw::proto::milter
