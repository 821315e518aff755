#include "proto/milter/session.h"

#include <algorithm>
#include <exception>

namespace mw::proto::milter {

namespace {

// "{name}" -> "name"; "i" -> "i".
std::string_view bare_macro_name(std::string_view name) {
  if (name.size() >= 2 && name.front() == '{' && name.back() == '}') {
    name.remove_prefix(1);
    name.remove_suffix(1);
  }
  return name;
}

// Stages searched by Message::macro(), latest first.
constexpr char kMacroSearchOrder[] = {'E', 'N', 'T', 'R', 'M', 'H', 'C'};

// Stages whose macros belong to a message (cleared when a new message starts).
bool message_stage(char stage) { return stage != 'C' && stage != 'H'; }

// The commands an MTA sends macros for (libmilter's and Postfix's set: connect, HELO,
// MAIL, RCPT, DATA, end of headers, end of body, unknown command).
bool macro_stage(char stage) {
  for (char c : {'C', 'H', 'M', 'R', 'T', 'N', 'E', 'U'}) {
    if (stage == c) return true;
  }
  return false;
}


// LF (not preceded by CR) -> CRLF.
void append_crlf(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
}

// CRLF -> LF, lone CR -> LF (what the MTA expects inside header values).
std::string to_lf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string hex(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  bool started = false;
  for (int shift = 28; shift >= 0; shift -= 4) {
    uint32_t d = (v >> shift) & 0xf;
    if (d != 0 || started || shift == 0) {
      out.push_back(kDigits[d]);
      started = true;
    }
  }
  return out;
}

const char* command_name(char c) {
  switch (static_cast<Command>(c)) {
    case Command::kAbort: return "ABORT";
    case Command::kBody: return "BODY";
    case Command::kConnect: return "CONNECT";
    case Command::kMacro: return "MACRO";
    case Command::kBodyEob: return "BODYEOB";
    case Command::kHelo: return "HELO";
    case Command::kQuitNewConn: return "QUIT_NC";
    case Command::kHeader: return "HEADER";
    case Command::kMail: return "MAIL";
    case Command::kEoh: return "EOH";
    case Command::kOptneg: return "OPTNEG";
    case Command::kQuit: return "QUIT";
    case Command::kRcpt: return "RCPT";
    case Command::kData: return "DATA";
    case Command::kUnknown: return "UNKNOWN";
  }
  return "unrecognized";
}

}  // namespace

const std::string* Message::macro(std::string_view name) const {
  std::string_view want = bare_macro_name(name);
  auto find_in = [&](const MacroValues& list) -> const std::string* {
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      if (it->first == want) return &it->second;
    }
    return nullptr;
  };
  for (char stage : kMacroSearchOrder) {
    for (const auto& [s, list] : macros) {
      if (s != stage) continue;
      if (const std::string* v = find_in(list)) return v;
    }
  }
  for (const auto& [s, list] : macros) {  // stages outside the usual order
    if (std::find(std::begin(kMacroSearchOrder), std::end(kMacroSearchOrder), s) !=
        std::end(kMacroSearchOrder)) {
      continue;
    }
    if (const std::string* v = find_in(list)) return v;
  }
  return nullptr;
}

std::string Message::sender() const {
  std::string_view s = mail_from;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') {
    s.remove_prefix(1);
    s.remove_suffix(1);
  }
  return std::string(s);
}

Session::Session(const MilterOptions& limits, SessionOptions options, SessionSink& sink,
                 core::Logger& logger)
    : limits_(limits), options_(std::move(options)), sink_(sink), log_(logger, "milter"),
      decoder_(limits.max_frame_size) {}

Status Session::feed(std::string_view bytes, std::string& out) {
  if (failed_) return fail(ErrorCode::kInvalidInput, "milter session already failed");
  decoder_.append(bytes);
  while (!finished_) {
    auto frame = decoder_.next();
    if (!frame) {
      failed_ = true;
      return fail(frame.error());
    }
    if (!frame->has_value()) break;
    if ((*frame)->command == static_cast<char>(Command::kMacro) &&
        (*frame)->data.size() > limits_.max_macro_bytes + 2 * limits_.max_macros + 1) {
      // More than the connection may hold in one packet: refuse it before decoding.
      failed_ = true;
      over_limit_ = true;
      (void)encode_action(out, Action::tempfail());
      return fail(ErrorCode::kLimit, "macro packet of " + std::to_string((*frame)->data.size()) +
                                         " bytes is over max_macro_bytes");
    }
    auto decoded = decode(**frame);
    if (!decoded) {
      failed_ = true;
      return fail(decoded.error());
    }
    if (Status st = handle(*decoded, (*frame)->command, out); !st) {
      failed_ = true;
      return st;
    }
  }
  return {};
}

void Session::continue_unless(uint32_t no_reply_flag, std::string& out) {
  if ((protocol_ & no_reply_flag) == 0) append_frame(out, static_cast<char>(Reply::kContinue), {});
}

Status Session::on_optneg(const OptNeg& o, std::string& out) {
  if (o.version < kMinProtocolVersion) {
    return fail(ErrorCode::kUnsupported,
                "MTA speaks milter protocol version " + std::to_string(o.version) +
                    ", version 2 or later is needed");
  }
  version_ = std::min(o.version, kProtocolVersion);
  actions_ = options_.wanted_actions & o.actions;
  uint32_t protocol = o.protocol & (kAllNoReply | kHeaderLeadingSpace);
  if (!options_.macro_requests.empty() && (o.actions & kActSetSymList)) {
    actions_ |= kActSetSymList;
  }
  protocol_ = protocol;
  negotiated_ = true;
  reset_connection();
  encode_optneg(out, version_, actions_, protocol_, options_.macro_requests);
  log_.debug("negotiated milter version " + std::to_string(version_) + ", actions " +
             hex(actions_) + ", protocol " + hex(protocol_));
  return {};
}

Status Session::handle(const Decoded& command, char code, std::string& out) {
  if (const auto* o = std::get_if<OptNeg>(&command)) {
    if (awaiting_) return fail(ErrorCode::kInvalidInput, "OPTNEG while a verdict is pending");
    return on_optneg(*o, out);
  }
  if (const auto* marker = std::get_if<Marker>(&command)) {
    // ABORT, QUIT and QUIT_NC are valid at any time after negotiation.
    switch (marker->command) {
      case Command::kAbort:
        abandon_verdict();
        reset_message();
        return {};
      case Command::kQuit:
        abandon_verdict();
        finished_ = true;
        return {};
      case Command::kQuitNewConn:
        abandon_verdict();
        reset_connection();
        return {};
      default:
        break;
    }
  }
  if (!negotiated_) {
    return fail(ErrorCode::kInvalidInput,
                std::string("milter command ") + command_name(code) + " before OPTNEG");
  }
  if (awaiting_) {
    return fail(ErrorCode::kInvalidInput, std::string("milter command ") + command_name(code) +
                                              " while a verdict is pending");
  }

  if (const auto* m = std::get_if<Macros>(&command)) return set_macros(*m, out);
  if (const auto* c = std::get_if<Connect>(&command)) {
    MacroValues connect_macros;
    for (const auto& [stage, list] : msg_.macros) {
      if (stage == 'C') connect_macros = list;  // sent just before CONNECT
    }
    reset_connection();
    if (!connect_macros.empty()) msg_.macros.emplace_back('C', std::move(connect_macros));
    recount_macros();
    msg_.connect.hostname = std::string(c->hostname);
    msg_.connect.family = c->family;
    msg_.connect.port = c->port;
    msg_.connect.address = std::string(c->address);
    continue_unless(kNoReplyConnect, out);
    return {};
  }
  if (const auto* h = std::get_if<Helo>(&command)) {
    msg_.helo = std::string(h->name);
    continue_unless(kNoReplyHelo, out);
    return {};
  }
  if (const auto* m = std::get_if<Mail>(&command)) {
    std::vector<std::pair<char, MacroValues>> mail_macros;
    for (auto& [stage, list] : msg_.macros) {
      if (stage == 'M') mail_macros.emplace_back(stage, list);  // sent just before MAIL
    }
    reset_message();
    for (auto& entry : mail_macros) msg_.macros.push_back(std::move(entry));
    recount_macros();
    in_message_ = true;
    msg_.mail_from = std::string(m->address);
    for (auto a : m->args) {
      msg_.mail_args.emplace_back(a);
      reserve_for_size_arg(a);
    }
    continue_unless(kNoReplyMail, out);
    return {};
  }
  if (const auto* r = std::get_if<Rcpt>(&command)) {
    MacroSize add;  // the next recipient's macros: this one's now
    add.add(pending_rcpt_macros_);
    if (msg_.recipients.size() < limits_.max_recipients) {
      Recipient rcpt;
      rcpt.address = std::string(r->address);
      for (auto a : r->args) rcpt.args.emplace_back(a);
      // Each recipient keeps its macros while the recipients' macros stay under the caps.
      if (rcpt_macros_.bytes + add.bytes <= limits_.max_macro_bytes &&
          rcpt_macros_.pairs + add.pairs <= limits_.max_macros) {
        rcpt_macros_.bytes += add.bytes;
        rcpt_macros_.pairs += add.pairs;
        rcpt.macros = std::move(pending_rcpt_macros_);
      }
      msg_.recipients.push_back(std::move(rcpt));
    } else {
      ++msg_.recipients_dropped;
    }
    pending_rcpt_macros_.clear();
    held_macros_.remove(add);
    continue_unless(kNoReplyRcpt, out);
    return {};
  }
  if (const auto* h = std::get_if<Header>(&command)) {
    add_header(*h);
    continue_unless(kNoReplyHeader, out);
    return {};
  }
  if (const auto* b = std::get_if<Body>(&command)) {
    append_body(b->chunk);
    continue_unless(kNoReplyBody, out);
    return {};
  }
  if (const auto* e = std::get_if<BodyEob>(&command)) {
    if (!e->chunk.empty()) append_body(e->chunk);
    if (!eoh_seen_) end_headers();
    Message done = std::move(msg_);
    done.sequence = ++sequence_;
    done.exact_headers = (protocol_ & kHeaderLeadingSpace) != 0;
    done.actions = actions_;
    done.protocol = protocol_;
    // Keep the connection-level fields for the next message.
    msg_ = Message();
    msg_.connect = done.connect;
    msg_.helo = done.helo;
    for (const auto& [stage, list] : done.macros) {
      if (!message_stage(stage)) msg_.macros.emplace_back(stage, list);
    }
    in_message_ = false;
    eoh_seen_ = false;
    pending_rcpt_macros_.clear();
    rcpt_macros_ = {};
    recount_macros();
    awaiting_ = true;
    sink_.on_message(std::move(done));
    return {};
  }
  if (const auto* u = std::get_if<UnknownCommand>(&command)) {
    log_.debug("MTA reported an unknown SMTP command");
    (void)u;
    continue_unless(kNoReplyUnknown, out);
    return {};
  }
  if (const auto* marker = std::get_if<Marker>(&command)) {
    if (marker->command == Command::kData) {
      continue_unless(kNoReplyData, out);
    } else if (marker->command == Command::kEoh) {
      end_headers();
      continue_unless(kNoReplyEoh, out);
    }
    return {};
  }
  if (const auto* x = std::get_if<Unrecognized>(&command)) {
    log_.debug("ignoring unrecognized milter command " +
               hex(static_cast<unsigned char>(x->command)));
    return {};
  }
  return {};
}

void Session::MacroSize::add(const MacroValues& list) {
  for (const auto& [name, value] : list) bytes += name.size() + value.size();
  pairs += list.size();
}

void Session::recount_macros() {
  held_macros_ = {};
  for (const auto& [stage, list] : msg_.macros) held_macros_.add(list);
  held_macros_.add(pending_rcpt_macros_);
}

Status Session::set_macros(const Macros& m, std::string& out) {
  if (m.stage == 0) return {};
  if (!macro_stage(m.stage)) {
    log_.debug("ignoring macros for a command that has none: " +
               hex(static_cast<unsigned char>(m.stage)));
    return {};
  }
  // What would be held with this stage's macros replaced by the new ones.
  const MacroSize& held = held_macros_;
  MacroSize replaced;
  for (const auto& [stage, existing] : msg_.macros) {
    if (stage == m.stage) replaced.add(existing);
  }
  if (m.stage == static_cast<char>(Command::kRcpt)) replaced.add(pending_rcpt_macros_);
  MacroSize incoming;
  for (const auto& [name, value] : m.pairs) {
    incoming.bytes += bare_macro_name(name).size() + value.size();
  }
  incoming.pairs = m.pairs.size();
  if (m.stage == static_cast<char>(Command::kRcpt)) {
    incoming.bytes *= 2;  // kept for the stage and for the next recipient
    incoming.pairs *= 2;
  }
  size_t bytes = held.bytes - replaced.bytes + incoming.bytes;
  size_t pairs = held.pairs - replaced.pairs + incoming.pairs;
  if (bytes > limits_.max_macro_bytes || pairs > limits_.max_macros) {
    over_limit_ = true;
    (void)encode_action(out, Action::tempfail());
    return fail(ErrorCode::kLimit, "MTA sent more macros than the connection may hold (" +
                                       std::to_string(bytes) + " bytes, " +
                                       std::to_string(pairs) +
                                       " pairs; max_macro_bytes / max_macros)");
  }
  held_macros_ = {bytes, pairs};
  MacroValues list;
  list.reserve(m.pairs.size());
  for (const auto& [name, value] : m.pairs) {
    list.emplace_back(std::string(bare_macro_name(name)), std::string(value));
  }
  if (m.stage == static_cast<char>(Command::kRcpt)) pending_rcpt_macros_ = list;
  for (auto& [stage, existing] : msg_.macros) {
    if (stage == m.stage) {
      existing = std::move(list);  // a stage's macros replace the earlier ones
      return {};
    }
  }
  msg_.macros.emplace_back(m.stage, std::move(list));
  return {};
}

void Session::reserve_for_size_arg(std::string_view arg) {
  // ESMTP SIZE=<n> (RFC 1870) announces the message size: reserve it (capped by
  // max_message_size) so that a large message does not grow by repeated copies.
  if (arg.size() <= 5 || (arg.substr(0, 5) != "SIZE=" && arg.substr(0, 5) != "size=")) return;
  uint64_t size = 0;
  for (char c : arg.substr(5)) {
    if (c < '0' || c > '9' || size > (1ull << 40)) return;
    size = size * 10 + static_cast<uint64_t>(c - '0');
  }
  size = std::min<uint64_t>(size + size / 16 + 1024, limits_.max_message_size);
  try {
    msg_.data.reserve(static_cast<size_t>(size));
  } catch (const std::exception&) {
    // No reservation: the message grows as it arrives.
  }
}

void Session::append_data(std::string_view bytes) {
  if (msg_.truncated) return;
  size_t room = limits_.max_message_size > msg_.data.size()
                    ? static_cast<size_t>(limits_.max_message_size - msg_.data.size())
                    : 0;
  if (bytes.size() > room) {
    msg_.data.append(bytes.substr(0, room));
    msg_.truncated = true;
    return;
  }
  msg_.data.append(bytes);
}

void Session::add_header(const Header& h) {
  if (eoh_seen_ || msg_.truncated) {
    // A header after the end of headers would land in the body; keep the bytes exact by
    // not inventing a position for it.
    if (!msg_.truncated) log_.debug("header after end of headers ignored");
    return;
  }
  std::string line;
  line.reserve(h.name.size() + h.value.size() + 4);
  line.append(h.name);
  line.push_back(':');
  if ((protocol_ & kHeaderLeadingSpace) == 0) line.push_back(' ');
  append_crlf(line, h.value);
  line.append("\r\n");
  size_t before = msg_.data.size();
  append_data(line);
  if (msg_.data.size() - before == line.size()) {
    msg_.headers.push_back({std::string(h.name), std::string(h.value)});
  }
}

void Session::end_headers() {
  if (eoh_seen_) return;
  eoh_seen_ = true;
  append_data("\r\n");
  msg_.body_offset = msg_.data.size();
}

void Session::append_body(std::string_view chunk) {
  if (!eoh_seen_) end_headers();
  append_data(chunk);
}

void Session::abandon_verdict() {
  if (!awaiting_) return;
  awaiting_ = false;
  sink_.on_abort();
}

void Session::reset_message() {
  // Keep the connection-level fields and macros; forget the message.
  Message next;
  next.connect = std::move(msg_.connect);
  next.helo = std::move(msg_.helo);
  for (auto& [stage, list] : msg_.macros) {
    if (!message_stage(stage)) next.macros.emplace_back(stage, std::move(list));
  }
  msg_ = std::move(next);
  in_message_ = false;
  eoh_seen_ = false;
  pending_rcpt_macros_.clear();
  rcpt_macros_ = {};
  recount_macros();
}

void Session::reset_connection() {
  msg_ = Message();
  in_message_ = false;
  eoh_seen_ = false;
  pending_rcpt_macros_.clear();
  rcpt_macros_ = {};
  held_macros_ = {};
}

Action Session::adapt(const Action& a) const {
  using Kind = Action::Kind;
  if (a.kind != Kind::kAddHeader && a.kind != Kind::kInsertHeader &&
      a.kind != Kind::kChangeHeader) {
    return a;
  }
  Action out = a;
  out.value = to_lf(a.value);
  bool deleting = a.kind == Kind::kChangeHeader && a.value.empty();
  if ((protocol_ & kHeaderLeadingSpace) && !deleting && !out.value.empty() &&
      out.value.front() != ' ' && out.value.front() != '\t') {
    out.value.insert(out.value.begin(), ' ');
  }
  return out;
}

bool Session::reply(const std::vector<Action>& actions, std::string& out) {
  if (!awaiting_) return false;
  awaiting_ = false;
  bool final_sent = false;
  for (const Action& a : actions) {
    uint32_t need = a.required_flag();
    if (need != 0 && (actions_ & need) != need) {
      log_.warn("milter action dropped: the MTA did not grant it (needs " + hex(need) + ")");
      continue;
    }
    Status st = encode_action(out, adapt(a));
    if (!st) {
      log_.warn("milter action dropped: " + st.error().message);
      if (a.terminal()) {
        (void)encode_action(out, Action::tempfail());
        final_sent = true;
        break;
      }
      continue;
    }
    if (a.terminal()) {
      final_sent = true;
      break;  // nothing may follow the verdict
    }
  }
  if (!final_sent) (void)encode_action(out, Action::accept());
  return true;
}

void Session::progress(std::string& out) {
  if (awaiting_) (void)encode_action(out, Action::progress());
}

}  // namespace mw::proto::milter
