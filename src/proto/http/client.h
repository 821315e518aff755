// A small HTTP/1.1 client: one request to one server, on the worker's event loop, with a
// deadline. Used by the milter proxy's forward mode (POST /checkv2 to an upstream scanner)
// and the outbound event webhook.
//
//   UpstreamAddress   "127.0.0.1:11333", "[::1]:11333", "scanner.example:11333" (resolved
//                     once, when the proxy starts) or "/run/mailward.sock" (unix socket)
//   build_request_head  request line, Host, Content-Length, Connection: close, the caller's
//                     fields (CR, LF and NUL in values are replaced and names that are not
//                     tokens are left out, so a macro value cannot inject a field), blank line
//   ReplyParser       status line, fields, then a body framed by Content-Length, chunked
//                     transfer coding, or the end of the stream (read by the server's own
//                     BodyReader, body.h); bounded by max_reply_size
//   HttpExchange      connect, write, read, parse; the callback gets the reply or an error
//
// There is no connection reuse: every exchange opens its own connection and sends
// `Connection: close` (a milter front sends one request per message; the scanners do the
// heavy work).
//
// Ownership: an HttpExchange owns its socket and its events; destroying it cancels the
// request and its callback is then never called. The request body is shared (failover
// sends the same message to the next upstream without copying it again).
// Loop affinity: an HttpExchange belongs to the Dispatcher it was started on.
// Failure modes: every failure is an Error given to the callback: kIo (connect, read, write
// errors; the peer closed before a complete reply), kTimeout (deadline passed),
// kInvalidInput (a reply that is not HTTP/1.x), kLimit (reply over max_reply_size).
// The callback runs from the loop, never from start(); it may destroy the exchange.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/loop.h"
#include "core/result.h"
#include "proto/http/body.h"

namespace mw::proto::http {

struct UpstreamAddress {
  std::string text;  // as configured, for log lines
  std::string host;  // for the Host field ("localhost" for unix sockets)
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
};

// Parse and resolve "HOST:PORT", "[V6]:PORT", "HOST" (port `default_port`) or an absolute
// unix socket path. Blocking name resolution: call at start-up, not on the scan path.
// Fails with kInvalidInput for a malformed address or a name that does not resolve.
Result<UpstreamAddress> resolve_upstream(std::string_view text, uint16_t default_port);

// "http://host[:port][/path][?query]" split for the client: `authority` as resolve_upstream()
// takes it (port 80 when absent), `target` the request-target ("/" when the URL has no path).
// Fails (kInvalidInput) for another scheme, user information, an empty host or a target with
// spaces or control characters (nothing from a URL can break the request line).
struct HttpUrl {
  std::string authority;
  std::string target;
};
Result<HttpUrl> parse_http_url(std::string_view url);

using HttpFields = std::vector<std::pair<std::string, std::string>>;

// "POST <path> HTTP/1.1" with Host, Content-Length: <body_size> and Connection: close,
// then `fields` and the blank line that ends the head.
std::string build_request_head(std::string_view method, std::string_view path,
                               std::string_view host, const HttpFields& fields,
                               size_t body_size);

struct HttpReply {
  int status = 0;
  std::string reason;
  HttpFields fields;
  std::string body;

  // First field named `name` (any case), nullptr when absent.
  const std::string* field(std::string_view name) const;
};

// Incremental reply parser.
class ReplyParser {
 public:
  explicit ReplyParser(size_t max_reply_size) : max_(max_reply_size) {}

  // Consume bytes. Fails (and stays failed) on a malformed reply or one over the limit.
  Status feed(std::string_view bytes);
  // The peer closed its side: completes a body that runs to the end of the stream; a reply
  // cut short is an error.
  Status finish();
  bool complete() const { return state_ == State::kDone; }
  // REQUIRES: complete().
  HttpReply take() { return std::move(reply_); }

 private:
  enum class State { kHead, kBody, kTrailers, kDone, kFailed };
  Status parse_head(std::string_view head);
  Status step();
  Status failed(ErrorCode code, std::string message);

  size_t max_;
  State state_ = State::kHead;
  std::string buf_;  // bytes not yet consumed
  BodyReader body_;
  HttpReply reply_;
};

struct ExchangeOptions {
  double timeout = 20;                  // seconds for the whole exchange
  size_t max_reply_size = 16u << 20;    // status line + fields + body
};

class HttpExchange {
 public:
  using Callback = std::function<void(Result<HttpReply>)>;

  // Connect to `to` and send `head` (see build_request_head) and `body`.
  // REQUIRES: `dispatcher` outlives the exchange; `body` is not null.
  static std::unique_ptr<HttpExchange> start(core::Dispatcher& dispatcher,
                                             const UpstreamAddress& to, std::string head,
                                             std::shared_ptr<const std::string> body,
                                             ExchangeOptions options, Callback cb);
  virtual ~HttpExchange() = default;

 protected:
  HttpExchange() = default;
};
using HttpExchangePtr = std::unique_ptr<HttpExchange>;

}  // namespace mw::proto::http
