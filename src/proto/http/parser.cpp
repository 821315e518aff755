#include "proto/http/parser.h"

#include <algorithm>
#include <charconv>
#include <exception>

namespace mw::proto::http {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "1.1" -> (1, 1). Exactly one digit on each side (RFC 9112 HTTP-version).
bool parse_version(std::string_view v, int& major, int& minor) {
  if (v.size() != 3 || !is_digit(v[0]) || v[1] != '.' || !is_digit(v[2])) return false;
  major = v[0] - '0';
  minor = v[2] - '0';
  return true;
}

// Split on runs of SP / HTAB.
std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Decimal Content-Length; false when not 1*DIGIT or overflowing.
bool parse_length(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

bool RequestParser::fail(int status, std::string reason) {
  state_ = State::kError;
  error_.status = status;
  error_.reason = std::move(reason);
  return false;
}

void RequestParser::reset() {
  state_ = State::kHead;
  request_ = Request();
  error_ = ParseError();
  started_ = false;
  head_done_ = false;
  seen_request_line_ = false;
  expect_continue_ = false;
  head_bytes_ = 0;
  field_count_ = 0;
  body_ = BodyReader();
  fold_ok_ = false;
}

Request RequestParser::take() {
  Request out = std::move(request_);
  reset();
  return out;
}

size_t RequestParser::feed(std::string_view data) {
  return feed_steps(data, [&](std::string_view rest) -> std::optional<size_t> {
    size_t n = 0;
    switch (state_) {
      case State::kComplete:
      case State::kError:
        return std::nullopt;
      case State::kBody:
        n = body_.feed(rest, request_.body);
        if (body_.failed()) {
          fail(body_.error().status, body_.error().reason);
          return std::nullopt;
        }
        if (body_.at_trailers()) {
          state_ = State::kTrailers;
        } else if (body_.complete()) {
          state_ = State::kComplete;
        } else if (n == 0) {
          return std::nullopt;  // an incomplete chunk line
        }
        break;
      case State::kHead:
      case State::kTrailers:
        n = feed_line_state(rest);
        if (n == 0) return std::nullopt;  // incomplete line (or an error)
        break;
    }
    return n;
  });
}

size_t RequestParser::feed_line_state(std::string_view data) {
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) {
    // An incomplete line: enforce the limits on what is buffered so far.
    if (!seen_request_line_ && state_ == State::kHead) {
      // +1: the buffered part may already hold the CR of the line end.
      if (data.size() > limits_.max_request_line + 1) fail(414, "request line too long");
    } else if (head_bytes_ + data.size() > limits_.max_header_size) {
      fail(431, "request header block too large");
    }
    return 0;
  }
  std::string_view line = data.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t consumed = nl + 1;
  // Limits first, then the syntax: the outcome must not depend on how the bytes arrived
  // (the incomplete-line checks above see the same limits before the line end exists).
  if (!seen_request_line_ && state_ == State::kHead && line.size() > limits_.max_request_line) {
    fail(414, "request line too long");
    return 0;
  }
  head_bytes_ += consumed;
  if (head_bytes_ > limits_.max_header_size) {
    fail(431, "request header block too large");
    return 0;
  }
  if (line.find('\r') != std::string_view::npos) {
    fail(400, "bare CR in request head");
    return 0;
  }
  return on_head_line(line) ? consumed : 0;
}

bool RequestParser::on_head_line(std::string_view line) {
  if (state_ == State::kTrailers) {
    if (line.empty()) {
      state_ = State::kComplete;
      return true;
    }
    return on_field_line(line, request_.trailers);
  }
  if (!seen_request_line_) {
    if (line.empty()) return true;  // tolerated; still counted against the head limit
    started_ = true;
    return on_request_line(line);
  }
  if (line.empty()) return finish_head();
  return on_field_line(line, request_.headers);
}

bool RequestParser::on_request_line(std::string_view line) {
  seen_request_line_ = true;
  auto words = split_words(line);
  if (words.size() == 2) {
    // Legacy: COMMAND RSPAMC/x.y or COMMAND SPAMC/x.y
    std::string_view proto = words[1];
    size_t slash = proto.find('/');
    std::string_view name = proto.substr(0, slash);
    if (slash == std::string_view::npos || !is_token(words[0])) {
      return fail(400, "malformed request line");
    }
    if (iequals(name, "RSPAMC")) {
      request_.protocol = Protocol::kRspamc;
    } else if (iequals(name, "SPAMC")) {
      request_.protocol = Protocol::kSpamc;
    } else {
      return fail(400, "malformed request line");
    }
    if (!parse_version(proto.substr(slash + 1), request_.version_major,
                       request_.version_minor)) {
      return fail(400, "malformed legacy protocol version");
    }
    request_.method = std::string(words[0]);
    for (auto& c : request_.method) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    request_.path = "/" + to_lower(words[0]);
    return true;
  }
  if (words.size() != 3) return fail(400, "malformed request line");
  if (!is_token(words[0])) return fail(400, "malformed request method");
  std::string_view version = words[2];
  if (version.size() < 5 || version.substr(0, 5) != "HTTP/") {
    return fail(400, "malformed HTTP version");
  }
  if (!parse_version(version.substr(5), request_.version_major, request_.version_minor)) {
    return fail(400, "malformed HTTP version");
  }
  if (request_.version_major != 1) return fail(505, "HTTP version not supported");
  request_.method = std::string(words[0]);
  request_.target = std::string(words[1]);
  if (!parse_target(words[1], request_)) return fail(400, "malformed request target");
  return true;
}

bool RequestParser::on_field_line(std::string_view line, HeaderMap& target) {
  if (line.front() == ' ' || line.front() == '\t') {
    // obs-fold (RFC 9112 section 5.2): the line continues the previous field's value.
    if (!fold_ok_) return fail(400, "continuation line without a header field");
    std::string_view more = trim_ows(line);
    if (more.find('\0') != std::string_view::npos) return fail(400, "NUL in header value");
    if (!more.empty()) target.append_to_last(std::string(" ").append(more));
    return true;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail(400, "header line without a colon");
  std::string_view name = line.substr(0, colon);
  if (!is_token(name)) return fail(400, "malformed header field name");
  std::string_view value = trim_ows(line.substr(colon + 1));
  if (value.find('\0') != std::string_view::npos) return fail(400, "NUL in header value");
  if (++field_count_ > limits_.max_headers) return fail(431, "too many header fields");
  target.add(std::string(name), std::string(value));
  fold_ok_ = true;
  return true;
}

bool RequestParser::finish_head() {
  head_done_ = true;
  fold_ok_ = false;
  Request& r = request_;
  uint64_t length = 0;
  bool has_length = false;
  for (auto value : r.headers.find_all("Content-Length")) {
    auto items = split_list(value);
    if (items.empty()) return fail(400, "malformed Content-Length");
    for (auto item : items) {
      uint64_t v = 0;
      if (!parse_length(item, v)) return fail(400, "malformed Content-Length");
      if (has_length && v != length) return fail(400, "conflicting Content-Length values");
      length = v;
      has_length = true;
    }
  }

  if (r.legacy()) {
    r.keep_alive = false;  // legacy clients read the reply until the connection closes
    if (has_length) return start_body(BodyReader::Framing::kLength, length);
    if (r.method == "PING" || r.method == "SKIP") {
      state_ = State::kComplete;
      return true;
    }
    return start_body(BodyReader::Framing::kToEof, 0);
  }

  if (r.version_minor == 0) {
    r.keep_alive = r.headers.has_token("Connection", "keep-alive");
  } else {
    r.keep_alive = !r.headers.has_token("Connection", "close");
  }

  bool chunked = false;
  auto te_fields = r.headers.find_all("Transfer-Encoding");
  if (!te_fields.empty()) {
    std::vector<std::string_view> codings;
    for (auto f : te_fields) {
      for (auto item : split_list(f)) codings.push_back(item);
    }
    if (codings.empty() || !iequals(codings.back(), "chunked")) {
      return fail(400, "request body length cannot be determined (Transfer-Encoding)");
    }
    if (codings.size() != 1) return fail(501, "unsupported transfer coding");
    if (has_length) return fail(400, "both Transfer-Encoding and Content-Length");
    chunked = true;
  }

  if (const std::string* expect = r.headers.find("Expect")) {
    if (!iequals(trim_ows(*expect), "100-continue")) return fail(417, "unsupported expectation");
    expect_continue_ = r.version_minor >= 1 && (chunked || length > 0);
  }

  if (chunked) return start_body(BodyReader::Framing::kChunked, 0);
  if (has_length && length > 0) return start_body(BodyReader::Framing::kLength, length);
  state_ = State::kComplete;
  return true;
}

bool RequestParser::start_body(BodyReader::Framing framing, uint64_t length) {
  body_.start(framing, length, limits_.max_body_size);
  if (body_.failed()) return fail(body_.error().status, body_.error().reason);
  if (framing == BodyReader::Framing::kLength && length <= limits_.max_body_size) {
    reserve_body(length);
  }
  state_ = body_.complete() ? State::kComplete : State::kBody;
  return true;
}

void RequestParser::reserve_body(uint64_t length) {
  // Growing a large string piece by piece costs a copy and fresh pages per doubling;
  // reserving the announced length (already checked against max_body_size) avoids both.
  // Reserved pages are only committed as the body arrives.
  try {
    request_.body.reserve(static_cast<size_t>(length));
  } catch (const std::exception&) {
    // No reservation: the body grows as it arrives.
  }
}

void RequestParser::finish() {
  switch (state_) {
    case State::kHead:
      if (started_) fail(400, "connection closed inside the request head");
      break;
    case State::kBody:
      if (body_.finish()) {
        state_ = State::kComplete;
      } else {
        fail(400, "connection closed inside the request body");
      }
      break;
    case State::kTrailers:
      fail(400, "connection closed inside the request body");
      break;
    case State::kComplete:
    case State::kError:
      break;
  }
}

}  // namespace mw::proto::http
