// Milter protocol constants (Sendmail milter protocol, version 6), under our own names.
//
// Facts from the protocol as Sendmail 8.14+ and Postfix 2.6+ speak it (Debian libmilter-dev
// mfdef.h for the values; Postfix src/milter/milter8.c for the MTA behaviour noted here).
//
// Framing: a packet is a 32-bit big-endian length, then that many bytes: one command byte and
// its data. Strings in the data are NUL-terminated.
//
// Ownership/loop affinity/failure modes: constants only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mw::proto::milter {

// Highest protocol version we speak; MTAs offering less (2..5) are served at their version.
inline constexpr uint32_t kProtocolVersion = 6;
inline constexpr uint32_t kMinProtocolVersion = 2;

// MTA -> filter commands.
enum class Command : char {
  kAbort = 'A',      // abort the current message, keep the connection
  kBody = 'B',       // a body chunk (Postfix: at most 65535 bytes, lines end in CRLF)
  kConnect = 'C',    // hostname, family, port, address
  kMacro = 'D',      // command byte the macros belong to, then name/value pairs
  kBodyEob = 'E',    // end of body; the filter must answer with its verdict
  kHelo = 'H',       // HELO/EHLO argument
  kQuitNewConn = 'K',  // quit, a new connection follows on the same socket
  kHeader = 'L',     // header name, value
  kMail = 'M',       // MAIL FROM address, then ESMTP arguments
  kEoh = 'N',        // end of headers
  kOptneg = 'O',     // version, actions, protocol flags
  kQuit = 'Q',       // close the connection
  kRcpt = 'R',       // RCPT TO address, then ESMTP arguments
  kData = 'T',       // DATA command seen
  kUnknown = 'U',    // an SMTP command the MTA does not know
};

// Filter -> MTA replies.
enum class Reply : char {
  kAddRcpt = '+',        // add a recipient
  kDelRcpt = '-',        // remove a recipient
  kAddRcptArgs = '2',    // add a recipient with ESMTP arguments
  kShutdown = '4',       // 421: close the SMTP connection
  kAccept = 'a',         // accept the message (no further events for it)
  kReplaceBody = 'b',    // replace the body (may be sent in several chunks)
  kContinue = 'c',       // go on
  kDiscard = 'd',        // accept and silently drop
  kChangeFrom = 'e',     // change the envelope sender (ESMTP arguments optional)
  kConnFail = 'f',       // cause a connection failure
  kAddHeader = 'h',      // append a header
  kInsertHeader = 'i',   // insert a header at an index (0 = top)
  kSetSymList = 'l',     // (in OPTNEG only) macro list for a stage
  kChangeHeader = 'm',   // change (or, with an empty value, delete) the Nth header of a name
  kProgress = 'p',       // still working: the MTA restarts its timeout
  kQuarantine = 'q',     // put the message on hold with a reason (does not end the message)
  kReject = 'r',         // 5xx reject
  kSkip = 's',           // skip further events of this kind
  kTempfail = 't',       // 4xx temporary failure
  kReplyCode = 'y',      // reject or tempfail with an explicit SMTP reply
  kOptneg = 'O',         // negotiation reply
};

// Actions a filter may take (negotiated in OPTNEG, second word).
enum ActionFlags : uint32_t {
  kActAddHeaders = 0x01,     // add headers (h, i)
  kActChangeBody = 0x02,     // replace the body (b)
  kActAddRcpt = 0x04,        // add recipients (+)
  kActDelRcpt = 0x08,        // remove recipients (-)
  kActChangeHeaders = 0x10,  // change or delete headers (m)
  kActQuarantine = 0x20,     // quarantine (q)
  kActChangeFrom = 0x40,     // change the envelope sender (e)
  kActAddRcptArgs = 0x80,    // add recipients with ESMTP arguments (2)
  kActSetSymList = 0x100,    // ask for macro lists per stage in the OPTNEG reply
};

// Protocol flags (OPTNEG, third word): steps the MTA may leave out, stages the filter does
// not answer, and protocol variants.
enum ProtocolFlags : uint32_t {
  kNoConnect = 0x01,
  kNoHelo = 0x02,
  kNoMail = 0x04,
  kNoRcpt = 0x08,
  kNoBody = 0x10,
  kNoHeaders = 0x20,
  kNoEoh = 0x40,
  kNoReplyHeader = 0x80,      // the filter does not answer HEADER
  kNoUnknown = 0x100,
  kNoData = 0x200,
  kSkip = 0x400,              // the MTA understands the skip reply
  kRcptRejected = 0x800,      // the MTA also reports rejected recipients
  kNoReplyConnect = 0x1000,
  kNoReplyHelo = 0x2000,
  kNoReplyMail = 0x4000,
  kNoReplyRcpt = 0x8000,
  kNoReplyData = 0x10000,
  kNoReplyUnknown = 0x20000,
  kNoReplyEoh = 0x40000,
  kNoReplyBody = 0x80000,
  kHeaderLeadingSpace = 0x100000,  // header values keep the whitespace after the colon
  kMaxData256K = 0x10000000,
  kMaxData1M = 0x20000000,
};

// Every "no reply" flag: the stages we do not answer when the MTA allows it.
inline constexpr uint32_t kAllNoReply = kNoReplyHeader | kNoReplyConnect | kNoReplyHelo |
                                        kNoReplyMail | kNoReplyRcpt | kNoReplyData |
                                        kNoReplyUnknown | kNoReplyEoh | kNoReplyBody;

// Stages for macro lists (SETSYMLIST in the OPTNEG reply).
enum class MacroStage : uint32_t {
  kConnect = 0,
  kHelo = 1,
  kMail = 2,
  kRcpt = 3,
  kData = 4,
  kEndOfMessage = 5,
  kEndOfHeaders = 6,
};

// Body chunk size Postfix and libmilter use; replace-body replies are cut to it.
inline constexpr size_t kChunkSize = 65535;

}  // namespace mw::proto::milter
