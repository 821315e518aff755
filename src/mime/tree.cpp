// MIME structure builder (see tree.h).
#include "mime/tree.h"

#include <cstring>

#include "mime/decode.h"
#include "mime/headers.h"
#include "mime/part_headers.h"

namespace mw::mime {

namespace {

bool has_param(const Vec<std::pair<string_view, string_view>>& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.first == name) return true;
  }
  return false;
}

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

size_t TreeBuilder::parse(Part* part, size_t pos) {
  MaybeDelim d = parse_part(part, pos, /*digest_child=*/false);
  return d ? d->crlf_begin : buf_.size();
}

bool TreeBuilder::stop_line(const void* self, std::string_view line) {
  bool close = false;
  return static_cast<const TreeBuilder*>(self)->match(line, &close) >= 0;
}

long TreeBuilder::match(std::string_view line, bool* close) const {
  if (line.size() < 2 || line[0] != '-' || line[1] != '-') return -1;
  std::string_view rest = line.substr(2);
  for (size_t i = stack_.size(); i-- > 0;) {
    std::string_view b = stack_[i];
    if (rest.size() < b.size() || rest.compare(0, b.size(), b) != 0) continue;
    std::string_view tail = rest.substr(b.size());
    if (tail.size() >= 2 && tail[0] == '-' && tail[1] == '-') {
      *close = true;
      return static_cast<long>(i);
    }
    if (is_blank(tail)) {
      *close = false;
      return static_cast<long>(i);
    }
  }
  return -1;
}

TreeBuilder::MaybeDelim TreeBuilder::find_delimiter(size_t from) {
  if (stack_.empty()) return std::nullopt;
  const size_t n = buf_.size();
  const char* data = buf_.data();
  size_t p = from;
  while (p < n) {
    if (data[p] == '-' && p + 1 < n && data[p + 1] == '-') {
      size_t le = next_line(buf_, p);
      std::string_view line = buf_.substr(p, le - p);
      size_t lb = line_break_len(line);
      bool close = false;
      long level = match(line.substr(0, line.size() - lb), &close);
      if (level >= 0) {
        if (lb == 2) {
          ++ctx_.crlf;
        } else if (lb == 1) {
          ++ctx_.lf;
        }
        size_t cb = p;
        if (p > from) {  // the line break before the delimiter line belongs to it
          cb = p - 1;
          if (cb > from && data[cb - 1] == '\r') --cb;
        }
        return Delim{cb, p, le, static_cast<size_t>(level), close};
      }
      p = le;
      continue;
    }
    const void* nl = std::memchr(data + p, '\n', n - p);
    if (nl == nullptr) break;
    p = static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
  }
  return std::nullopt;
}

void TreeBuilder::set_span(Part* part, size_t start, size_t body, size_t end) {
  if (body > end) body = end;
  part->raw = buf_.substr(start, end - start);
  part->raw_body = buf_.substr(body, end - body);
}

TreeBuilder::MaybeDelim TreeBuilder::parse_part(Part* part, size_t pos, bool digest_child) {
  LineStop stop;
  if (!stack_.empty()) stop = LineStop{&TreeBuilder::stop_line, this};
  HeaderBlock hb = split_header_block(buf_, pos, ctx_.limits.max_headers, stop, part->headers);
  ctx_.lf += hb.lf;
  ctx_.crlf += hb.crlf;
  bool is_root = part == ctx_.msg.root;
  if (is_root) {
    ctx_.root_lf = hb.lf;
    ctx_.root_crlf = hb.crlf;
  }
  if (hb.truncated) part->anomalies.set(Anomaly::kHeadersTruncated);
  if (is_root && hb.fields == 0) {
    part->anomalies.set(Anomaly::kNoHeaders);
  } else if (hb.bad_line) {
    part->anomalies.set(Anomaly::kBadHeaderLine);
  }
  part->raw_headers = buf_.substr(pos, hb.end - pos);
  part->header_separator = hb.separator;
  interpret_part_headers(ctx_, *part, digest_child);

  const ContentType& ct = part->content_type;
  bool multipart = ct.type == "multipart";
  bool message = is_encapsulated_message(ct);
  if ((multipart || message) && part->depth >= ctx_.max_depth) {
    part->anomalies.set(Anomaly::kMimeTooDeep);
    return finish_leaf(part, pos, hb.body);
  }
  if (multipart) {
    if (!has_param(ct.params, "boundary")) {
      part->anomalies.set(Anomaly::kMissingBoundary);
      return finish_leaf(part, pos, hb.body);
    }
    return parse_multipart(part, pos, hb.body);
  }
  if (message) return parse_message(part, pos, hb.body);
  return finish_leaf(part, pos, hb.body);
}

TreeBuilder::MaybeDelim TreeBuilder::finish_leaf(Part* part, size_t start, size_t body) {
  MaybeDelim d = find_delimiter(body);
  set_span(part, start, body, d ? d->crlf_begin : buf_.size());
  return d;
}

TreeBuilder::MaybeDelim TreeBuilder::parse_multipart(Part* part, size_t start, size_t body) {
  std::string_view boundary = part->content_type.boundary;
  for (std::string_view b : stack_) {
    if (b == boundary) {
      part->anomalies.set(Anomaly::kDuplicateBoundary);
      break;
    }
  }
  stack_.push_back(boundary);
  const size_t level = stack_.size() - 1;
  MaybeDelim d = find_delimiter(body);
  if (!d || d->level != level) {
    // Our boundary never shows up before the end (or before an outer delimiter).
    stack_.pop_back();
    part->anomalies.set(Anomaly::kBoundaryNotFound);
    set_span(part, start, body, d ? d->crlf_begin : buf_.size());
    return d;
  }
  part->is_multipart = true;
  part->preamble = buf_.substr(body, d->crlf_begin - body);
  const bool digest = part->content_type.subtype == "digest";
  Delim cur = *d;
  for (;;) {
    part->delimiters.push_back(buf_.substr(cur.crlf_begin, cur.line_end - cur.crlf_begin));
    if (cur.close) break;
    Part* child = ctx_.new_part(part);
    if (child == nullptr) {
      // Part limit: skip to our close delimiter (or an outer one) without making parts.
      part->anomalies.set(Anomaly::kTooManyParts);
      size_t skip = cur.line_end;
      MaybeDelim n = find_delimiter(skip);
      while (n && n->level == level && !n->close) n = find_delimiter(n->line_end);
      stack_.pop_back();
      MaybeDelim e = n;
      if (n && n->level == level) {
        e = find_delimiter(n->line_end);
      } else {
        part->anomalies.set(Anomaly::kUnclosedMultipart);
      }
      size_t end = e ? e->crlf_begin : buf_.size();
      part->epilogue = buf_.substr(skip, end - skip);
      set_span(part, start, body, end);
      return e;
    }
    MaybeDelim cd = parse_part(child, cur.line_end, digest);
    if (cd && cd->level == level) {
      cur = *cd;
      continue;
    }
    // The end of the input or an outer delimiter: this multipart was never closed.
    stack_.pop_back();
    part->anomalies.set(Anomaly::kUnclosedMultipart);
    set_span(part, start, body, cd ? cd->crlf_begin : buf_.size());
    return cd;
  }
  stack_.pop_back();
  MaybeDelim e = find_delimiter(cur.line_end);
  size_t end = e ? e->crlf_begin : buf_.size();
  part->epilogue = buf_.substr(cur.line_end, end - cur.line_end);
  set_span(part, start, body, end);
  return e;
}

TreeBuilder::MaybeDelim TreeBuilder::parse_message(Part* part, size_t start, size_t body) {
  TransferEncoding enc = part->encoding;
  bool encoded = enc == TransferEncoding::kBase64 || enc == TransferEncoding::kQuotedPrintable ||
                 enc == TransferEncoding::kUuencode;
  if (encoded) {
    // Not allowed by RFC 2046, but sent: decode, then parse the result on its own.
    MaybeDelim d = finish_leaf(part, start, body);
    if (ctx_.encoded_messages >= kMaxEncodedMessages) return d;  // stays a leaf
    ++ctx_.encoded_messages;
    part->decoded = decode_body(ctx_.arena, part->raw_body, enc, part->anomalies);
    Part* child = ctx_.new_part(part);
    if (child == nullptr) {
      part->anomalies.set(Anomaly::kTooManyParts);
      return d;
    }
    part->is_message = true;
    TreeBuilder sub(ctx_, part->decoded);
    sub.parse(child, 0);
    return d;
  }
  Part* child = ctx_.new_part(part);
  if (child == nullptr) {
    part->anomalies.set(Anomaly::kTooManyParts);
    return finish_leaf(part, start, body);
  }
  part->is_message = true;
  MaybeDelim d = parse_part(child, body, /*digest_child=*/false);
  set_span(part, start, body, d ? d->crlf_begin : buf_.size());
  part->decoded = part->raw_body;
  return d;
}

}  // namespace mw::mime
