// Milter codec: packet framing, decoding of MTA commands, encoding of filter replies.
//
// Decoding is lenient where the protocol is loose in practice (rspamd-compat.md 2, issues
// with "invalid macro command" and Sendmail's IPv6 connect format): a string that misses its
// final NUL at the end of a packet is taken as it is, a macro name without a value gets an
// empty value, a CONNECT without port/address is accepted, unknown command bytes decode to
// Unrecognized (the session ignores them). Only what makes the conversation impossible is
// an error: a packet of length 0, a packet over the configured maximum, an OPTNEG shorter
// than its three words.
//
// Ownership: decoded commands are views into the packet; they are valid until the next
// FrameDecoder::append() (copy what you keep). Encoders append to a caller's string.
// Loop affinity: none.
// Failure modes: FrameDecoder::next() and decode() return kInvalidInput (malformed) or
// kLimit (oversize packet): the connection must be closed. encode_action() returns
// kInvalidInput for a reply the MTA would refuse (bad SMTP code, empty header name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"
#include "proto/milter/protocol.h"

namespace mw::proto::milter {

struct Frame {
  char command = 0;
  std::string_view data;
};

class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_size) : max_frame_(max_frame_size) {}

  void append(std::string_view bytes);
  // The next complete packet, std::nullopt when more bytes are needed. The frame's data
  // stays valid until the next append().
  Result<std::optional<Frame>> next();
  // Bytes received and not yet returned as frames.
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  size_t max_frame_;
  std::string buf_;
  size_t pos_ = 0;
};

// ---- decoded MTA commands (views into the frame) -------------------------------------------

struct OptNeg {
  uint32_t version = 0;
  uint32_t actions = 0;
  uint32_t protocol = 0;
};

struct Connect {
  std::string_view hostname;
  char family = 'U';  // '4', '6', 'L' (unix socket), 'U' (unknown)
  uint16_t port = 0;
  std::string_view address;  // IPv4/IPv6 text (Sendmail's "IPv6:" prefix removed), or path
};

struct Helo {
  std::string_view name;
};

// MAIL and RCPT: the address as sent (usually in angle brackets), then ESMTP arguments.
struct Mail {
  std::string_view address;
  std::vector<std::string_view> args;
};
struct Rcpt {
  std::string_view address;
  std::vector<std::string_view> args;
};

struct Header {
  std::string_view name;
  std::string_view value;  // as the MTA sent it (see session.h for what that is)
};

struct Body {
  std::string_view chunk;
};

// End of body. libmilter accepts data with it; that data is a last body chunk.
struct BodyEob {
  std::string_view chunk;
};

struct Macros {
  char stage = 0;  // the command the macros belong to ('C', 'H', 'M', 'R', 'T', 'N', 'E')
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
};

struct UnknownCommand {
  std::string_view line;  // the SMTP command the MTA did not recognise
};

// DATA, EOH, ABORT, QUIT, QUIT_NC: no data of interest.
struct Marker {
  Command command = Command::kAbort;
};

// A command byte this codec does not know.
struct Unrecognized {
  char command = 0;
};

using Decoded = std::variant<OptNeg, Connect, Helo, Mail, Rcpt, Header, Body, BodyEob, Macros,
                             UnknownCommand, Marker, Unrecognized>;

Result<Decoded> decode(const Frame& frame);

// ---- filter replies -------------------------------------------------------------------------

// Append one packet: length, command byte, data.
void append_frame(std::string& out, char command, std::string_view data);

struct MacroList {
  MacroStage stage = MacroStage::kConnect;
  std::string names;  // space-separated, e.g. "{client_addr} {auth_authen} i"
};

// The OPTNEG reply; macro lists only when kActSetSymList is among `actions`.
void encode_optneg(std::string& out, uint32_t version, uint32_t actions, uint32_t protocol,
                   const std::vector<MacroList>& macro_lists = {});

// A verdict or modification for the MTA at end of message.
struct Action {
  enum class Kind {
    kAccept,
    kContinue,
    kDiscard,
    kReject,
    kTempfail,
    kReplyCode,     // code + enhanced status + text (multi-line when the text has newlines)
    kQuarantine,    // text = reason; does not end the message
    kAddHeader,     // name, value
    kInsertHeader,  // index (0 = top), name, value
    kChangeHeader,  // index (1 = first of that name), name, value (empty value = delete)
    kChangeFrom,    // text = address, args = ESMTP arguments (may be empty)
    kAddRcpt,       // text = address, args = ESMTP arguments (may be empty)
    kDelRcpt,       // text = address
    kReplaceBody,   // text = the new body
    kProgress,
  };
  Kind kind = Kind::kAccept;
  std::string name;
  std::string value;
  std::string text;
  std::string args;
  uint32_t index = 0;
  int code = 0;
  std::string enhanced;

  static Action accept() { return {Kind::kAccept}; }
  static Action continue_() { return {Kind::kContinue}; }
  static Action discard() { return {Kind::kDiscard}; }
  static Action reject() { return {Kind::kReject}; }
  static Action tempfail() { return {Kind::kTempfail}; }
  // "554 5.7.1 text". `enhanced` may be empty. Multi-line when `text` has line breaks.
  static Action reply_code(int code, std::string enhanced, std::string text);
  static Action quarantine(std::string reason);
  static Action add_header(std::string name, std::string value);
  static Action insert_header(uint32_t index, std::string name, std::string value);
  static Action change_header(std::string name, uint32_t index, std::string value);
  static Action delete_header(std::string name, uint32_t index) {
    return change_header(std::move(name), index, {});
  }
  static Action change_from(std::string address, std::string args = {});
  static Action add_rcpt(std::string address, std::string args = {});
  static Action del_rcpt(std::string address);
  static Action replace_body(std::string body);
  static Action progress() { return {Kind::kProgress}; }

  // Ends the message: accept, continue, discard, reject, tempfail, reply code.
  bool terminal() const;
  // The OPTNEG action flag the MTA must have granted (0 when none is needed).
  uint32_t required_flag() const;
};

// Encode an action as one or more packets (a body replacement is cut into kChunkSize
// pieces). Header names must be non-empty tokens without ':'; reply codes 4xx/5xx with an
// enhanced code whose class matches; '%' in reply text is doubled (Sendmail treats the text
// as a format string; Postfix turns "%%" back into "%"). Control characters in text become
// spaces; at most 32 reply lines are kept.
Status encode_action(std::string& out, const Action& action);

}  // namespace mw::proto::milter
