#include "proto/http/body.h"

#include <algorithm>
#include <charconv>

#include "proto/http/headers.h"

namespace mw::proto::http {

size_t BodyReader::fail(int status, std::string reason) {
  state_ = State::kError;
  error_.status = status;
  error_.reason = std::move(reason);
  return 0;
}

void BodyReader::start(Framing framing, uint64_t length, uint64_t max_body) {
  error_ = ParseError();
  max_ = max_body;
  received_ = 0;
  left_ = 0;
  switch (framing) {
    case Framing::kLength:
      if (length > max_body) {
        fail(413, "request body too large");
        return;
      }
      left_ = length;
      state_ = length == 0 ? State::kComplete : State::kLength;
      break;
    case Framing::kToEof:
      state_ = State::kToEof;
      break;
    case Framing::kChunked:
      state_ = State::kChunkSize;
      break;
  }
}

bool BodyReader::add(std::string_view bytes, std::string& body) {
  if (received_ + bytes.size() > max_) {
    fail(413, "request body too large");
    return false;
  }
  body.append(bytes);
  received_ += bytes.size();
  return true;
}

size_t BodyReader::feed(std::string_view data, std::string& body) {
  return feed_steps(data, [&](std::string_view rest) -> std::optional<size_t> {
    size_t n = 0;
    switch (state_) {
      case State::kComplete:
      case State::kTrailers:
      case State::kError:
        return std::nullopt;
      case State::kToEof:
        if (!add(rest, body)) return std::nullopt;
        n = rest.size();
        break;
      case State::kLength:
      case State::kChunkData:
        n = static_cast<size_t>(std::min<uint64_t>(left_, rest.size()));
        if (!add(rest.substr(0, n), body)) return std::nullopt;
        left_ -= n;
        if (left_ == 0) state_ = state_ == State::kLength ? State::kComplete : State::kChunkEnd;
        break;
      case State::kChunkSize:
        n = feed_chunk_size(rest);
        break;
      case State::kChunkEnd:
        n = feed_chunk_end(rest);
        break;
    }
    if (n == 0) return std::nullopt;  // incomplete line (or an error)
    return n;
  });
}

size_t BodyReader::feed_chunk_size(std::string_view data) {
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) {
    if (data.size() > kMaxChunkLine) fail(400, "chunk size line too long");
    return 0;
  }
  size_t consumed = nl + 1;
  if (consumed > kMaxChunkLine) return fail(400, "chunk size line too long");
  std::string_view line = data.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos) return fail(400, "bare CR in request head");
  std::string_view size_text = trim_ows(line.substr(0, line.find(';')));
  if (size_text.empty() || size_text.size() > 16) return fail(400, "malformed chunk size");
  uint64_t size = 0;
  auto r = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
  if (r.ec != std::errc() || r.ptr != size_text.data() + size_text.size()) {
    return fail(400, "malformed chunk size");
  }
  if (size == 0) {
    state_ = State::kTrailers;
  } else if (size > max_ || received_ + size > max_) {
    return fail(413, "request body too large");
  } else {
    left_ = size;
    state_ = State::kChunkData;
  }
  return consumed;
}

size_t BodyReader::feed_chunk_end(std::string_view data) {
  if (data[0] == '\n') {
    state_ = State::kChunkSize;
    return 1;
  }
  if (data[0] != '\r') return fail(400, "malformed chunk: data longer than its size");
  if (data.size() < 2) return 0;
  if (data[1] != '\n') return fail(400, "malformed chunk: bad CRLF");
  state_ = State::kChunkSize;
  return 2;
}

bool BodyReader::finish() {
  if (state_ == State::kToEof) state_ = State::kComplete;
  return state_ == State::kComplete;
}

}  // namespace mw::proto::http
