#include "loadgen_http.h"

#include <algorithm>
#include <charconv>

#include "core/ascii.h"

namespace mw::bench {

namespace {

constexpr size_t kMaxLine = 8 * 1024;  // chunk-size and trailer lines

using core::iequals;

// Header values: OWS on both sides and the CR of a CRLF line.
std::string_view trim(std::string_view s) {
  return core::trim_if(s, [](char c) { return core::is_wsp(c) || c == '\r'; });
}

// True if the comma-separated header value contains `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

ResponseParser::ResponseParser(size_t max_head, size_t max_body)
    : max_head_(max_head), max_body_(max_body) {}

void ResponseParser::reset() {
  phase_ = Phase::kHead;
  started_ = false;
  head_.clear();
  line_.clear();
  remaining_ = 0;
  excess_ = 0;
  response_ = HttpResponse{};
  error_.clear();
}

ResponseParser::State ResponseParser::fail(std::string message) {
  phase_ = Phase::kError;
  error_ = std::move(message);
  return State::kError;
}

ResponseParser::State ResponseParser::parse_head(std::string_view head) {
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  // "HTTP/1.x SSS reason"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
      status_line[8] != ' ') {
    return fail("bad status line: " + std::string(status_line.substr(0, 80)));
  }
  bool http10 = status_line[7] == '0';
  int status = 0;
  auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || ptr != status_line.data() + 12 || status < 100 || status > 999) {
    return fail("bad status code: " + std::string(status_line.substr(0, 80)));
  }
  response_.status = status;
  response_.reason = std::string(trim(status_line.substr(12)));
  response_.keep_alive = !http10;

  bool chunked = false;
  bool have_length = false;
  uint64_t length = 0;
  std::string_view rest = head.substr(eol + 2);
  while (!rest.empty()) {
    size_t end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail("bad header line: " + std::string(line.substr(0, 80)));
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Content-Length")) {
      uint64_t n = 0;
      auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (e != std::errc() || p != value.data() + value.size() || value.empty() ||
          (have_length && n != length)) {
        return fail("bad Content-Length: " + std::string(value.substr(0, 40)));
      }
      have_length = true;
      length = n;
    } else if (iequals(name, "Transfer-Encoding")) {
      chunked = has_token(value, "chunked");
    } else if (iequals(name, "Connection")) {
      if (has_token(value, "close")) response_.keep_alive = false;
      if (has_token(value, "keep-alive") && http10) response_.keep_alive = true;
    } else if (iequals(name, "Compression") || iequals(name, "Content-Encoding")) {
      if (has_token(value, "zstd")) response_.zstd = true;
    }
  }

  if (status < 200) {
    // An interim response (100 Continue): the real one follows.
    response_ = HttpResponse{};
    phase_ = Phase::kHead;
    return State::kNeedMore;
  }
  if (chunked) {
    phase_ = Phase::kChunkSize;
  } else if (have_length) {
    if (length > max_body_) {
      return fail("response body of " + std::to_string(length) + " bytes exceeds the limit");
    }
    response_.body.reserve(length);
    remaining_ = length;
    phase_ = length == 0 ? Phase::kDone : Phase::kLengthBody;
  } else if (status == 204 || status == 304) {
    phase_ = Phase::kDone;
  } else {
    response_.keep_alive = false;
    phase_ = Phase::kEofBody;
  }
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::on_chunk_size_line(std::string_view line) {
  line = trim(line.substr(0, line.find(';')));
  uint64_t size = 0;
  auto [p, e] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
  if (line.empty() || e != std::errc() || p != line.data() + line.size()) {
    return fail("bad chunk size: " + std::string(line.substr(0, 40)));
  }
  if (size > max_body_ || response_.body.size() + size > max_body_) {
    return fail("chunked response body exceeds the limit");
  }
  remaining_ = size;
  phase_ = size == 0 ? Phase::kTrailer : Phase::kChunkData;
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::consume_body(std::string_view data) {
  while (!data.empty()) {
    switch (phase_) {
      case Phase::kLengthBody:
      case Phase::kChunkData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
        response_.body.append(data.data(), take);
        remaining_ -= take;
        data.remove_prefix(take);
        if (remaining_ == 0) {
          phase_ = phase_ == Phase::kLengthBody ? Phase::kDone : Phase::kChunkCrlf;
        }
        break;
      }
      case Phase::kEofBody:
        if (response_.body.size() + data.size() > max_body_) {
          return fail("response body exceeds the limit");
        }
        response_.body.append(data);
        data = {};
        break;
      case Phase::kChunkSize:
      case Phase::kChunkCrlf:
      case Phase::kTrailer: {
        size_t nl = data.find('\n');
        size_t take = nl == std::string_view::npos ? data.size() : nl + 1;
        if (line_.size() + take > kMaxLine) return fail("chunk framing line too long");
        line_.append(data.data(), take);
        data.remove_prefix(take);
        if (nl == std::string_view::npos) break;
        std::string_view line(line_);
        line.remove_suffix(1);  // '\n'
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        State s = State::kNeedMore;
        if (phase_ == Phase::kChunkSize) {
          s = on_chunk_size_line(line);
        } else if (phase_ == Phase::kChunkCrlf) {
          if (!line.empty()) s = fail("missing CRLF after chunk data");
          phase_ = s == State::kError ? Phase::kError : Phase::kChunkSize;
        } else if (line.empty()) {
          phase_ = Phase::kDone;  // end of the trailer section
        }
        line_.clear();
        if (s == State::kError) return s;
        break;
      }
      case Phase::kDone:
        excess_ += data.size();
        return State::kDone;
      case Phase::kHead:
      case Phase::kError:
        return State::kError;
    }
  }
  return phase_ == Phase::kDone ? State::kDone : State::kNeedMore;
}

ResponseParser::State ResponseParser::feed(std::string_view data) {
  if (!data.empty()) started_ = true;
  while (phase_ == Phase::kHead) {
    if (data.empty()) return State::kNeedMore;
    size_t old = head_.size();
    head_.append(data);
    size_t pos = head_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
    if (pos == std::string::npos) {
      if (head_.size() > max_head_) return fail("response head exceeds the limit");
      return State::kNeedMore;
    }
    size_t head_end = pos + 4;
    data.remove_prefix(head_end - old);
    head_.resize(head_end);
    std::string head = std::move(head_);
    head_.clear();
    if (parse_head(head) == State::kError) return State::kError;
  }
  if (phase_ == Phase::kError) return State::kError;
  if (phase_ == Phase::kDone) {
    excess_ += data.size();
    return State::kDone;
  }
  return consume_body(data);
}

ResponseParser::State ResponseParser::finish() {
  switch (phase_) {
    case Phase::kDone:
      return State::kDone;
    case Phase::kEofBody:
      phase_ = Phase::kDone;
      return State::kDone;
    case Phase::kError:
      return State::kError;
    case Phase::kHead:
      return fail(started_ ? "connection closed inside the response head"
                           : "connection closed before any response");
    default:
      return fail("connection closed inside the response body");
  }
}

std::string build_request_head(const RequestHeadOptions& opts, size_t body_size) {
  std::string head;
  head.reserve(160 + opts.extra_headers.size() * 48);
  head += "POST ";
  head += opts.path;
  head += " HTTP/1.1\r\nHost: ";
  head += opts.host;
  head += "\r\nUser-Agent: mailward-loadgen\r\nContent-Length: ";
  head += std::to_string(body_size);
  head += "\r\n";
  if (opts.zstd) head += "Compression: zstd\r\n";
  head += opts.keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  for (const auto& h : opts.extra_headers) {
    head += h;
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

}  // namespace mw::bench
