#include "proto/http/response.h"

#include <cstdio>

#include "core/json.h"
#include "core/time_format.h"

namespace mw::proto::http {

namespace {

void append_header_value(std::string& out, std::string_view value) {
  // A header value never carries a line break onto the wire (response splitting).
  for (char c : value) out.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
}

bool body_allowed(int status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

Response Response::json(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::text(std::string body, int status) {
  Response r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

Response Response::error(int status, std::string_view message) {
  json::Value v = json::Value::object();
  v.set("error", message);
  v.set("error_domain", "protocol-error");
  Response r;
  r.status = status;
  r.body = json::write(v);
  return r;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string http_date(std::time_t t) { return core::utc_datetime(static_cast<int64_t>(t), "GMT"); }

std::string serialize_response(const Response& r, const ReplyContext& ctx) {
  bool with_body = body_allowed(r.status) || (r.status == 204 && r.body_with_204);
  std::string out;
  out.reserve(256 + (with_body && !ctx.head_request ? r.body.size() : 0));
  out.append("HTTP/1.1 ");
  int status = (r.status >= 100 && r.status <= 999) ? r.status : 500;
  out.append(std::to_string(status));
  out.push_back(' ');
  append_header_value(out, r.reason.empty() ? reason_phrase(status) : std::string_view(r.reason));
  out.append("\r\nServer: ");
  append_header_value(out, ctx.server);
  out.append("\r\nDate: ");
  out.append(ctx.date);
  if (with_body) {
    out.append("\r\nContent-Length: ");
    out.append(std::to_string(r.body.size()));
  }
  out.append(ctx.keep_alive ? "\r\nConnection: keep-alive" : "\r\nConnection: close");
  if (with_body && !r.content_type.empty()) {
    out.append("\r\nContent-Type: ");
    append_header_value(out, r.content_type);
  }
  if (ctx.compressed) out.append("\r\nCompression: zstd\r\nContent-Encoding: zstd");
  for (const auto& f : r.headers) {
    if (!is_token(f.name)) continue;
    out.append("\r\n");
    out.append(f.name);
    out.append(": ");
    append_header_value(out, f.value);
  }
  out.append("\r\n\r\n");
  if (with_body && !ctx.head_request) out.append(r.body);
  return out;
}

}  // namespace mw::proto::http
