#include "proto/milter/codec.h"

#include <algorithm>

#include "core/enum_names.h"

namespace mw::proto::milter {

namespace {

constexpr size_t kMaxReplyLines = 32;
// RFC 5321 section 4.5.3.1.5: a reply line is at most 512 octets with code and CRLF; this
// leaves room for "554-5.7.1 " and the line break.
constexpr size_t kMaxReplyLineText = 480;

uint32_t read_be32(std::string_view s) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[0])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[3]));
}

void put_be32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xff));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

// NUL-terminated strings; a last string without its NUL is taken as it is.
std::vector<std::string_view> split_strings(std::string_view data) {
  std::vector<std::string_view> out;
  while (!data.empty()) {
    size_t nul = data.find('\0');
    out.push_back(data.substr(0, nul));
    if (nul == std::string_view::npos) break;
    data.remove_prefix(nul + 1);
  }
  return out;
}

// First string (up to NUL or end) and the rest after its NUL.
std::string_view take_string(std::string_view& data) {
  size_t nul = data.find('\0');
  std::string_view s = data.substr(0, nul);
  data = nul == std::string_view::npos ? std::string_view() : data.substr(nul + 1);
  return s;
}

Connect decode_connect(std::string_view data) {
  Connect c;
  c.hostname = take_string(data);
  if (data.empty()) return c;  // no family: unknown
  c.family = data[0];
  data.remove_prefix(1);
  if (c.family == 'U') return c;
  if (data.size() >= 2) {
    c.port = static_cast<uint16_t>((static_cast<unsigned char>(data[0]) << 8) |
                                   static_cast<unsigned char>(data[1]));
    data.remove_prefix(2);
  } else {
    data = {};
  }
  c.address = take_string(data);
  // Sendmail writes IPv6 client addresses as "IPv6:2001:db8::1".
  constexpr std::string_view kPrefix = "IPv6:";
  if (c.address.size() > kPrefix.size()) {
    bool prefixed = true;
    for (size_t i = 0; i < kPrefix.size(); ++i) {
      char a = c.address[i];
      char b = kPrefix[i];
      if ((a | 0x20) != (b | 0x20)) prefixed = false;
    }
    if (prefixed) c.address.remove_prefix(kPrefix.size());
  }
  return c;
}

template <typename T>
T decode_envelope(std::string_view data) {
  T e;
  auto parts = split_strings(data);
  if (!parts.empty()) {
    e.address = parts[0];
    e.args.assign(parts.begin() + 1, parts.end());
    // Drop empty trailing arguments some MTAs leave (double NUL at the end).
    while (!e.args.empty() && e.args.back().empty()) e.args.pop_back();
  }
  return e;
}

bool is_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ':') return false;
  }
  return true;
}

// Text for the wire: no NUL (it would end the string), no CR/LF (callers split lines first),
// other control characters become spaces.
std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    out.push_back((u < 0x20 && c != '\t') || u == 0x7f ? ' ' : c);
  }
  return out;
}

// A header value for the wire: NUL removed, line breaks kept (the MTA folds with them).
std::string clean_value(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '\0') out.push_back(c);
  }
  return out;
}

void append_cstr(std::string& data, std::string_view s) {
  data.append(s);
  data.push_back('\0');
}

Status encode_reply_code(std::string& out, const Action& a) {
  if (a.code < 400 || a.code > 599) {
    return fail(ErrorCode::kInvalidInput, "SMTP reply code must be 4xx or 5xx");
  }
  std::string code = std::to_string(a.code);
  std::string enhanced = a.enhanced;
  if (!enhanced.empty()) {
    // class.subject.detail with the class matching the reply code's first digit
    bool ok = enhanced[0] == code[0] && enhanced.size() >= 5 && enhanced[1] == '.';
    int dots = 0;
    for (char c : enhanced) {
      if (c == '.') {
        ++dots;
      } else if (c < '0' || c > '9') {
        ok = false;
      }
    }
    if (!ok || dots != 2 || enhanced.back() == '.' ||
        enhanced.find("..") != std::string::npos) {
      return fail(ErrorCode::kInvalidInput, "malformed enhanced status code '" + enhanced + "'");
    }
  }
  // Split the text into lines at CRLF, CR or LF.
  std::vector<std::string_view> raw;
  std::string_view text = a.text;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    raw.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  raw.push_back(text.substr(start));
  while (raw.size() > 1 && raw.back().empty()) raw.pop_back();
  if (raw.size() > kMaxReplyLines) raw.resize(kMaxReplyLines);
  std::vector<std::string> lines;
  for (auto line : raw) {
    std::string escaped;
    for (char c : clean_text(line)) {
      escaped.push_back(c);
      if (c == '%') escaped.push_back('%');
    }
    if (escaped.size() > kMaxReplyLineText) {
      escaped.resize(kMaxReplyLineText);
      // Do not leave half of a "%%" pair at the cut.
      size_t percents = 0;
      while (percents < escaped.size() && escaped[escaped.size() - 1 - percents] == '%') {
        ++percents;
      }
      if (percents % 2 == 1) escaped.pop_back();
    }
    lines.push_back(std::move(escaped));
  }
  std::string data;
  for (size_t i = 0; i < lines.size(); ++i) {
    bool last = i + 1 == lines.size();
    data.append(code);
    data.push_back(last ? ' ' : '-');
    if (!enhanced.empty()) {
      data.append(enhanced);
      if (!lines[i].empty()) data.push_back(' ');
    }
    data.append(lines[i]);
    if (!last) data.append("\r\n");
  }
  data.push_back('\0');
  append_frame(out, static_cast<char>(Reply::kReplyCode), data);
  return {};
}

}  // namespace

// ---- framing --------------------------------------------------------------------------------

void FrameDecoder::append(std::string_view bytes) {
  if (pos_ > 0 && (pos_ == buf_.size() || pos_ >= 64 * 1024)) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

Result<std::optional<Frame>> FrameDecoder::next() {
  std::string_view avail = std::string_view(buf_).substr(pos_);
  if (avail.size() < 4) return std::optional<Frame>();
  uint32_t len = read_be32(avail);
  if (len == 0) return fail(ErrorCode::kInvalidInput, "milter packet of length 0");
  if (len > max_frame_) {
    return fail(ErrorCode::kLimit, "milter packet of " + std::to_string(len) +
                                       " bytes exceeds the limit of " +
                                       std::to_string(max_frame_));
  }
  if (avail.size() - 4 < len) return std::optional<Frame>();
  Frame f;
  f.command = avail[4];
  f.data = avail.substr(5, len - 1);
  pos_ += 4 + static_cast<size_t>(len);
  return std::optional<Frame>(f);
}

// ---- decoding -------------------------------------------------------------------------------

Result<Decoded> decode(const Frame& frame) {
  std::string_view data = frame.data;
  switch (static_cast<Command>(frame.command)) {
    case Command::kOptneg: {
      if (data.size() < 12) return fail(ErrorCode::kInvalidInput, "short OPTNEG packet");
      OptNeg o;
      o.version = read_be32(data);
      o.actions = read_be32(data.substr(4));
      o.protocol = read_be32(data.substr(8));
      return Decoded(o);
    }
    case Command::kConnect:
      return Decoded(decode_connect(data));
    case Command::kHelo: {
      Helo h;
      h.name = take_string(data);
      return Decoded(h);
    }
    case Command::kMail:
      return Decoded(decode_envelope<Mail>(data));
    case Command::kRcpt:
      return Decoded(decode_envelope<Rcpt>(data));
    case Command::kHeader: {
      Header h;
      h.name = take_string(data);
      h.value = take_string(data);
      return Decoded(h);
    }
    case Command::kBody:
      return Decoded(Body{data});
    case Command::kBodyEob:
      return Decoded(BodyEob{data});
    case Command::kMacro: {
      Macros m;
      if (data.empty()) return Decoded(m);
      m.stage = data[0];
      data.remove_prefix(1);
      auto parts = split_strings(data);
      for (size_t i = 0; i < parts.size(); i += 2) {
        if (parts[i].empty()) continue;  // a stray NUL, not a macro
        m.pairs.emplace_back(parts[i], i + 1 < parts.size() ? parts[i + 1] : std::string_view());
      }
      return Decoded(std::move(m));
    }
    case Command::kUnknown: {
      UnknownCommand u;
      u.line = take_string(data);
      return Decoded(u);
    }
    case Command::kData:
    case Command::kEoh:
    case Command::kAbort:
    case Command::kQuit:
    case Command::kQuitNewConn:
      return Decoded(Marker{static_cast<Command>(frame.command)});
  }
  return Decoded(Unrecognized{frame.command});
}

// ---- encoding -------------------------------------------------------------------------------

void append_frame(std::string& out, char command, std::string_view data) {
  put_be32(out, static_cast<uint32_t>(data.size() + 1));
  out.push_back(command);
  out.append(data);
}

void encode_optneg(std::string& out, uint32_t version, uint32_t actions, uint32_t protocol,
                   const std::vector<MacroList>& macro_lists) {
  std::string data;
  put_be32(data, version);
  put_be32(data, actions);
  put_be32(data, protocol);
  if (actions & kActSetSymList) {
    for (const auto& m : macro_lists) {
      put_be32(data, static_cast<uint32_t>(m.stage));
      append_cstr(data, clean_text(m.names));
    }
  }
  append_frame(out, static_cast<char>(Reply::kOptneg), data);
}

Action Action::reply_code(int code, std::string enhanced, std::string text) {
  return {.kind = Kind::kReplyCode, .text = std::move(text), .code = code,
          .enhanced = std::move(enhanced)};
}

Action Action::quarantine(std::string reason) {
  return {.kind = Kind::kQuarantine, .text = std::move(reason)};
}

Action Action::add_header(std::string name, std::string value) {
  return {.kind = Kind::kAddHeader, .name = std::move(name), .value = std::move(value)};
}

Action Action::insert_header(uint32_t index, std::string name, std::string value) {
  return {.kind = Kind::kInsertHeader, .name = std::move(name), .value = std::move(value),
          .index = index};
}

Action Action::change_header(std::string name, uint32_t index, std::string value) {
  return {.kind = Kind::kChangeHeader, .name = std::move(name), .value = std::move(value),
          .index = index};
}

Action Action::change_from(std::string address, std::string args) {
  return {.kind = Kind::kChangeFrom, .text = std::move(address), .args = std::move(args)};
}

Action Action::add_rcpt(std::string address, std::string args) {
  return {.kind = Kind::kAddRcpt, .text = std::move(address), .args = std::move(args)};
}

Action Action::del_rcpt(std::string address) {
  return {.kind = Kind::kDelRcpt, .text = std::move(address)};
}

Action Action::replace_body(std::string body) {
  return {.kind = Kind::kReplaceBody, .text = std::move(body)};
}

bool Action::terminal() const {
  return core::is_one_of(kind, {Kind::kAccept, Kind::kContinue, Kind::kDiscard, Kind::kReject,
                                Kind::kTempfail, Kind::kReplyCode});
}

uint32_t Action::required_flag() const {
  switch (kind) {
    case Kind::kQuarantine: return kActQuarantine;
    case Kind::kAddHeader:
    case Kind::kInsertHeader: return kActAddHeaders;
    case Kind::kChangeHeader: return kActChangeHeaders;
    case Kind::kChangeFrom: return kActChangeFrom;
    case Kind::kAddRcpt: return args.empty() ? kActAddRcpt : kActAddRcptArgs;
    case Kind::kDelRcpt: return kActDelRcpt;
    case Kind::kReplaceBody: return kActChangeBody;
    default: return 0;
  }
}

Status encode_action(std::string& out, const Action& a) {
  using Kind = Action::Kind;
  auto simple = [&](Reply r) {
    append_frame(out, static_cast<char>(r), {});
    return Status();
  };
  switch (a.kind) {
    case Kind::kAccept: return simple(Reply::kAccept);
    case Kind::kContinue: return simple(Reply::kContinue);
    case Kind::kDiscard: return simple(Reply::kDiscard);
    case Kind::kReject: return simple(Reply::kReject);
    case Kind::kTempfail: return simple(Reply::kTempfail);
    case Kind::kProgress: return simple(Reply::kProgress);
    case Kind::kReplyCode: return encode_reply_code(out, a);
    case Kind::kQuarantine: {
      std::string data;
      append_cstr(data, clean_text(a.text.empty() ? std::string_view("quarantined") : a.text));
      append_frame(out, static_cast<char>(Reply::kQuarantine), data);
      return {};
    }
    case Kind::kAddHeader:
    case Kind::kInsertHeader:
    case Kind::kChangeHeader: {
      if (!is_header_name(a.name)) {
        return fail(ErrorCode::kInvalidInput, "bad header name '" + a.name + "'");
      }
      std::string data;
      if (a.kind != Kind::kAddHeader) put_be32(data, a.index);
      append_cstr(data, a.name);
      append_cstr(data, clean_value(a.value));
      Reply r = a.kind == Kind::kAddHeader      ? Reply::kAddHeader
                : a.kind == Kind::kInsertHeader ? Reply::kInsertHeader
                                                : Reply::kChangeHeader;
      append_frame(out, static_cast<char>(r), data);
      return {};
    }
    case Kind::kChangeFrom:
    case Kind::kAddRcpt: {
      if (a.text.empty()) return fail(ErrorCode::kInvalidInput, "empty address");
      std::string data;
      append_cstr(data, clean_text(a.text));
      if (!a.args.empty()) append_cstr(data, clean_text(a.args));
      Reply r = a.kind == Kind::kChangeFrom ? Reply::kChangeFrom
                : a.args.empty()            ? Reply::kAddRcpt
                                            : Reply::kAddRcptArgs;
      append_frame(out, static_cast<char>(r), data);
      return {};
    }
    case Kind::kDelRcpt: {
      if (a.text.empty()) return fail(ErrorCode::kInvalidInput, "empty address");
      std::string data;
      append_cstr(data, clean_text(a.text));
      append_frame(out, static_cast<char>(Reply::kDelRcpt), data);
      return {};
    }
    case Kind::kReplaceBody: {
      std::string_view body = a.text;
      if (body.empty()) {
        append_frame(out, static_cast<char>(Reply::kReplaceBody), {});
        return {};
      }
      while (!body.empty()) {
        size_t n = std::min(body.size(), kChunkSize);
        append_frame(out, static_cast<char>(Reply::kReplaceBody), body.substr(0, n));
        body.remove_prefix(n);
      }
      return {};
    }
  }
  return fail(ErrorCode::kInvalidInput, "unknown milter action");
}

}  // namespace mw::proto::milter
