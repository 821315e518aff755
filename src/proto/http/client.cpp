#include "proto/http/client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "proto/http/headers.h"
#include "proto/net.h"

namespace mw::proto::http {


namespace {

constexpr size_t kReadChunk = 64 * 1024;

// Replace bytes that would end a field early (CR, LF, NUL) by a space.
std::string field_safe(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

bool parse_uint(std::string_view s, uint64_t& out, int base) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

// One line of `buf` from `pos` (without its CRLF or LF); npos when incomplete.
size_t line_end(std::string_view buf, size_t pos, size_t& next) {
  size_t lf = buf.find('\n', pos);
  if (lf == std::string_view::npos) return std::string_view::npos;
  next = lf + 1;
  return (lf > pos && buf[lf - 1] == '\r') ? lf - 1 : lf;
}

}  // namespace

// ---- addresses -------------------------------------------------------------------------------

Result<UpstreamAddress> resolve_upstream(std::string_view text, uint16_t default_port) {
  UpstreamAddress out;
  out.text = std::string(text);
  if (!text.empty() && text.front() == '/') {
    sockaddr_un sa{};
    if (text.size() >= sizeof(sa.sun_path)) {
      return fail(ErrorCode::kInvalidInput, "unix socket path too long: " + out.text);
    }
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, text.data(), text.size());
    std::memcpy(&out.addr, &sa, sizeof sa);
    out.addr_len = sizeof sa;
    out.host = "localhost";
    return out;
  }
  std::string host;
  std::string port = std::to_string(default_port);
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return fail(ErrorCode::kInvalidInput, "bad upstream address '" + out.text + "'");
    }
    host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || rest.size() < 2) {
        return fail(ErrorCode::kInvalidInput, "bad upstream address '" + out.text + "'");
      }
      port = std::string(rest.substr(1));
    }
    out.host = "[" + host + "]";
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon) {
      host = std::string(text.substr(0, colon));
      port = std::string(text.substr(colon + 1));
    } else {
      host = std::string(text);  // no port, or a bare IPv6 address
    }
    out.host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  }
  uint64_t port_num = 0;
  if (host.empty() || !parse_uint(port, port_num, 10) || port_num == 0 || port_num > 65535) {
    return fail(ErrorCode::kInvalidInput, "bad upstream address '" + out.text + "'");
  }
  if (port != std::to_string(default_port)) out.host += ":" + port;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return fail(ErrorCode::kInvalidInput,
                "cannot resolve upstream '" + out.text + "': " + gai_strerror(rc));
  }
  std::memcpy(&out.addr, res->ai_addr, res->ai_addrlen);
  out.addr_len = res->ai_addrlen;
  ::freeaddrinfo(res);
  return out;
}

Result<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || !iequals(url.substr(0, kScheme.size()), kScheme)) {
    return fail(ErrorCode::kInvalidInput, "not an http:// URL: " + std::string(url));
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t end = rest.find_first_of("/?");
  HttpUrl out;
  out.authority = std::string(rest.substr(0, end));
  std::string_view target = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  out.target = target.empty() || target.front() == '?' ? "/" + std::string(target)
                                                       : std::string(target);
  if (out.authority.empty() || out.authority.find('@') != std::string::npos) {
    return fail(ErrorCode::kInvalidInput, "bad host in URL " + std::string(url));
  }
  for (char c : out.authority + out.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return fail(ErrorCode::kInvalidInput, "bad character in URL " + std::string(url));
    }
  }
  return out;
}

// ---- request ---------------------------------------------------------------------------------

std::string build_request_head(std::string_view method, std::string_view path,
                               std::string_view host, const HttpFields& fields,
                               size_t body_size) {
  std::string out;
  out.reserve(256 + fields.size() * 48);
  out.append(method).append(" ").append(path).append(" HTTP/1.1\r\n");
  out.append("Host: ").append(field_safe(host)).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(body_size)).append("\r\n");
  out.append("Connection: close\r\n");
  for (const auto& [name, value] : fields) {
    std::string n = field_safe(name);
    if (n.empty() || !is_token(n)) continue;
    out.append(n).append(": ").append(field_safe(value)).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

const std::string* HttpReply::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) return &v;
  }
  return nullptr;
}

// ---- reply parser ----------------------------------------------------------------------------

Status ReplyParser::failed(ErrorCode code, std::string message) {
  state_ = State::kFailed;
  buf_.clear();
  return fail(code, std::move(message));
}

Status ReplyParser::parse_head(std::string_view head) {
  size_t next = 0;
  size_t end = line_end(head, 0, next);
  std::string_view status_line = head.substr(0, end);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
      status_line[8] != ' ') {
    return failed(ErrorCode::kInvalidInput, "not an HTTP/1.x reply");
  }
  uint64_t code = 0;
  if (!parse_uint(status_line.substr(9, 3), code, 10) || code < 100 || code > 999 ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    return failed(ErrorCode::kInvalidInput, "bad HTTP status line");
  }
  HttpReply reply;
  reply.status = static_cast<int>(code);
  if (status_line.size() > 13) reply.reason = std::string(status_line.substr(13));
  size_t pos = next;
  while (pos < head.size()) {
    end = line_end(head, pos, next);
    if (end == std::string_view::npos) break;
    std::string_view line = head.substr(pos, end - pos);
    pos = next;
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !reply.fields.empty()) {
      reply.fields.back().second += " ";
      reply.fields.back().second += std::string(trim_ows(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return failed(ErrorCode::kInvalidInput, "bad HTTP header line in reply");
    }
    reply.fields.emplace_back(std::string(line.substr(0, colon)),
                              std::string(trim_ows(line.substr(colon + 1))));
  }
  if (reply.status >= 100 && reply.status < 200) {
    return {};  // interim reply (100 Continue): the real one follows
  }
  reply_ = std::move(reply);
  if (reply_.status == 204 || reply_.status == 304) {
    state_ = State::kDone;
    return {};
  }
  const std::string* te = reply_.field("Transfer-Encoding");
  if (te != nullptr && !iequals(trim_ows(*te), "identity")) {
    if (!iequals(trim_ows(*te), "chunked")) {
      return failed(ErrorCode::kInvalidInput, "unsupported transfer coding in reply: " + *te);
    }
    body_.start(BodyReader::Framing::kChunked, 0, max_);
  } else if (const std::string* cl = reply_.field("Content-Length")) {
    uint64_t len = 0;
    if (!parse_uint(trim_ows(*cl), len, 10)) {
      return failed(ErrorCode::kInvalidInput, "bad Content-Length in reply");
    }
    if (len > max_) {
      return failed(ErrorCode::kLimit, "reply body of " + std::to_string(len) +
                                           " bytes is over the limit");
    }
    if (len > 0) reply_.body.reserve(static_cast<size_t>(len));
    body_.start(BodyReader::Framing::kLength, len, max_);
  } else {
    body_.start(BodyReader::Framing::kToEof, 0, max_);
  }
  state_ = body_.complete() ? State::kDone : State::kBody;
  return {};
}

Status ReplyParser::step() {
  while (true) {
    switch (state_) {
      case State::kHead: {
        size_t crlf = buf_.find("\r\n\r\n");
        size_t lf = buf_.find("\n\n");
        size_t end = std::string::npos;
        size_t skip = 0;
        if (crlf != std::string::npos && (lf == std::string::npos || crlf < lf)) {
          end = crlf;
          skip = 4;
        } else if (lf != std::string::npos) {
          end = lf;
          skip = 2;
        }
        if (end == std::string::npos) {
          if (buf_.size() > max_) return failed(ErrorCode::kLimit, "reply head over the limit");
          return {};
        }
        std::string head = buf_.substr(0, end + skip / 2);
        buf_.erase(0, end + skip);
        MW_TRY(parse_head(head));
        break;
      }
      case State::kBody: {
        size_t used = body_.feed(buf_, reply_.body);
        buf_.erase(0, used);
        if (body_.failed()) {
          const ParseError& e = body_.error();
          return e.status == 413 ? failed(ErrorCode::kLimit, "reply body over the limit")
                                 : failed(ErrorCode::kInvalidInput, "bad reply body: " + e.reason);
        }
        if (body_.at_trailers()) {
          state_ = State::kTrailers;
        } else if (body_.complete()) {
          state_ = State::kDone;
        } else {
          return {};  // more bytes needed
        }
        break;
      }
      case State::kTrailers: {
        size_t next = 0;
        size_t end = line_end(buf_, 0, next);
        if (end == std::string::npos) {
          if (buf_.size() > max_) return failed(ErrorCode::kLimit, "reply trailers over the limit");
          return {};
        }
        buf_.erase(0, next);
        if (end == 0) state_ = State::kDone;  // trailer fields themselves are ignored
        break;
      }
      case State::kDone:
        return {};
      case State::kFailed:
        return fail(ErrorCode::kInvalidInput, "reply parser failed earlier");
    }
  }
}

Status ReplyParser::feed(std::string_view bytes) {
  if (state_ == State::kFailed) return fail(ErrorCode::kInvalidInput, "reply parser failed earlier");
  if (state_ == State::kDone) return {};  // bytes after the reply are ignored
  buf_.append(bytes);
  return step();
}

Status ReplyParser::finish() {
  if (state_ == State::kFailed) return fail(ErrorCode::kInvalidInput, "reply parser failed earlier");
  if (state_ == State::kBody && body_.finish()) state_ = State::kDone;
  if (state_ != State::kDone) {
    return failed(ErrorCode::kIo, "connection closed before the reply was complete");
  }
  return {};
}

// ---- exchange --------------------------------------------------------------------------------

namespace {

class HttpExchangeImpl final : public HttpExchange {
 public:
  HttpExchangeImpl(core::Dispatcher& d, std::string head, std::shared_ptr<const std::string> body,
                   ExchangeOptions options, Callback cb)
      : dispatcher_(d), head_(std::move(head)), body_(std::move(body)), options_(options),
        cb_(std::move(cb)), parser_(options.max_reply_size) {}

  void begin(const UpstreamAddress& to) {
    deadline_ = dispatcher_.create_timer([this] {
      complete(fail(ErrorCode::kTimeout, "no reply within " + format_seconds(options_.timeout)));
    });
    deadline_->enable(options_.timeout);
    int fd = ::socket(to.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      fail_soon(std::string("socket: ") + std::strerror(errno));
      return;
    }
    fd_.reset(fd);
    int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&to.addr), to.addr_len);
    if (rc != 0 && errno != EINPROGRESS) {
      fail_soon(std::string("connect: ") + std::strerror(errno));
      return;
    }
    event_ = dispatcher_.create_fd_event(fd, core::kWrite,
                                         [this](uint32_t ev) { on_events(ev); });
  }

 private:
  static std::string format_seconds(double s) {
    std::string t = std::to_string(s);
    while (!t.empty() && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t + "s";
  }

  // An error found inside start(): reported from the loop (the callback never runs from
  // start()), through a timer so that destroying the exchange first cancels it.
  void fail_soon(std::string message) {
    pending_error_ = std::move(message);
    fd_.reset();
    deadline_ = dispatcher_.create_timer([this] {
      complete(fail(ErrorCode::kIo, pending_error_));
    });
    deadline_->enable(0);
  }

  void on_events(uint32_t events) {
    if (!connected_) {
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        complete(fail(ErrorCode::kIo, std::string("connect: ") + std::strerror(err)));
        return;
      }
      connected_ = true;
    }
    size_t total = head_.size() + body_->size();
    if ((events & core::kWrite) && written_ < total) {
      while (written_ < total) {
        std::string_view rest = written_ < head_.size()
                                    ? std::string_view(head_).substr(written_)
                                    : std::string_view(*body_).substr(written_ - head_.size());
        proto::IoResult r = proto::write_some(fd_.get(), rest);
        if (r.status == proto::IoStatus::kOk) {
          written_ += r.bytes;
          continue;
        }
        if (r.status == proto::IoStatus::kWouldBlock) break;
        complete(fail(ErrorCode::kIo, std::string("write: ") + std::strerror(r.error)));
        return;
      }
      if (written_ == total) event_->set_events(core::kRead);
      return;
    }
    if (!(events & core::kRead)) return;
    for (int i = 0; i < 16; ++i) {
      std::string chunk;
      proto::IoResult r = proto::read_some(fd_.get(), chunk, kReadChunk);
      if (r.status == proto::IoStatus::kWouldBlock) return;
      if (r.status == proto::IoStatus::kError) {
        complete(fail(ErrorCode::kIo, std::string("read: ") + std::strerror(r.error)));
        return;
      }
      if (r.status == proto::IoStatus::kEof) {
        Status st = parser_.finish();
        if (!st) {
          complete(fail(st.error()));
        } else {
          complete(parser_.take());
        }
        return;
      }
      Status st = parser_.feed(chunk);
      if (!st) {
        complete(fail(st.error()));
        return;
      }
      if (parser_.complete()) {
        complete(parser_.take());
        return;
      }
    }
  }

  // Report the outcome once; the callback may destroy this exchange, so nothing of `this`
  // is touched after it runs.
  void complete(Result<HttpReply> result) {
    if (done_) return;
    done_ = true;
    event_.reset();
    fd_.reset();
    if (deadline_) deadline_->disable();
    Callback cb = std::move(cb_);
    cb_ = nullptr;
    if (cb) cb(std::move(result));
  }

  core::Dispatcher& dispatcher_;
  std::string head_;
  std::shared_ptr<const std::string> body_;
  ExchangeOptions options_;
  Callback cb_;
  ReplyParser parser_;
  proto::UniqueFd fd_;
  core::FdEventPtr event_;
  core::TimerPtr deadline_;
  std::string pending_error_;
  size_t written_ = 0;
  bool connected_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<HttpExchange> HttpExchange::start(core::Dispatcher& dispatcher,
                                                  const UpstreamAddress& to, std::string head,
                                                  std::shared_ptr<const std::string> body,
                                                  ExchangeOptions options, Callback cb) {
  auto ex = std::make_unique<HttpExchangeImpl>(dispatcher, std::move(head), std::move(body),
                                               options, std::move(cb));
  ex->begin(to);
  return ex;
}

}  // namespace mw::proto::http
