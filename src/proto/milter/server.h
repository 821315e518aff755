// MilterServer: the milter protocol on a worker's event loop (Postfix smtpd_milters,
// Sendmail INPUT_MAIL_FILTER).
//
// Given listening sockets the master bound, it accepts MTA connections without blocking and
// runs one Session (session.h) per connection. At end of message the MilterHandler gets the
// envelope and the byte-exact message and answers, now or later, through a Replier with the
// list of actions to send (milter/codec.h Action). While the handler works the MTA gets a
// progress packet every progress_interval (Sendmail's default reply timeout is 10 s); after
// reply_timeout the MTA is told to tempfail and the Replier is cancelled.
//
// A connection is closed with a log line (never the worker) when the MTA sends a bad or
// oversize packet, stays silent longer than `timeout` inside a conversation, or sends QUIT.
// It is ended with a tempfail reply (and a log line) when it holds more macros than
// max_macro_bytes / max_macros, or when a conversation (from its first packet after connect
// or after the previous verdict, until end of body) takes longer than message_timeout -
// however often the MTA sends a byte. An MTA address with max_connections_per_ip open has
// further connections closed at once.
// An MTA that aborts the message (ABORT) or goes away cancels a pending verdict: the
// Replier's cancel callback runs and its send() does nothing.
//
// Drain: drain() stops accepting and closes each connection as soon as it is not inside a
// message (before MAIL FROM or after the verdict); conversations inside a message finish
// first. The MTA then treats later messages of that SMTP session per its
// milter_default_action and opens a new connection for the next session. stop() closes
// everything at once.
//
// Ownership: the server owns its connections, not the listening sockets nor the handler
// (which must outlive the server). A Replier may outlive its connection and the server.
// Loop affinity: everything runs on the Dispatcher's thread.
// Failure modes: start() fails (kInvalidInput) for an fd that is not a listening socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"
#include "proto/milter/codec.h"
#include "proto/milter/session.h"
#include "proto/connection_set.h"
#include "proto/options.h"
#include "proto/reply_channel.h"

namespace mw::proto::milter {

// The channel back to the MTA for one message's verdict. send() takes the verdict:
// modifications, then one final action (accept is added when none is given). It is
// cancelled when the MTA no longer waits for it (ABORT, QUIT, connection lost, reply
// timeout).
using Replier = ReplyChannel<std::vector<Action>>;
// Destroying a Replier that has not sent (and is not cancelled) makes the server answer
// tempfail, so that the MTA is never left waiting.
using ReplierPtr = std::unique_ptr<Replier>;

class MilterHandler {
 public:
  virtual ~MilterHandler() = default;
  // A complete message. Answer through `replier`, now or later. REQUIRES: no throw.
  virtual void on_message(Message&& message, ReplierPtr replier) = 0;
};

struct MilterServerStats {
  uint64_t connections_accepted = 0;
  uint64_t messages = 0;         // messages handed to the handler
  uint64_t aborted = 0;          // verdicts cancelled (ABORT, QUIT, lost connection)
  uint64_t protocol_errors = 0;  // connections closed for a protocol error
  uint64_t limit_errors = 0;     // connections ended with tempfail over a limit (macros)
  uint64_t timeouts = 0;         // MTA silence or handler over reply_timeout
};

// start(), drain() (a message in progress is finished), stop(): ConnectionServer.
class MilterServer final : public ConnectionServer {
 public:
  MilterServer(core::Dispatcher& dispatcher, core::Logger& logger, MilterHandler& handler,
               MilterOptions options, SessionOptions session_options = {});
  ~MilterServer();

  const MilterServerStats& stats() const;

  class Impl;

 private:
  ConnectionSet& connections() const override;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mw::proto::milter
