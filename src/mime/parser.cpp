// Parser: raw bytes to Message (see parser.h). The MIME structure comes from tree.cpp; this
// file decodes leaf bodies, classifies them, converts text parts to UTF-8, fills the top-level
// fields and collects URLs and e-mail addresses.
#include "mime/parser.h"

#include <algorithm>
#include <cstring>
#include <exception>

#include "core/ascii.h"
#include "mime/address.h"
#include "mime/charset.h"
#include "mime/context.h"
#include "mime/date.h"
#include "mime/decode.h"
#include "mime/html.h"
#include "mime/received.h"
#include "mime/rfc2047.h"
#include "mime/sniff.h"
#include "mime/tree.h"
#include "mime/urls.h"

namespace mw::mime {

struct Parser::Impl {
  CharsetConverter conv;
  HeaderDecoder decoder{conv};
  UrlExtractor urls;

  Message* parse(core::Arena& arena, std::string_view raw, const Limits& limits);
};

namespace {

// Fields RFC 5322 section 3.6 allows at most once.
constexpr std::string_view kUniqueFields[] = {"From",       "Sender",      "Reply-To",  "To",
                                              "Cc",         "Bcc",         "Subject",   "Date",
                                              "Message-ID", "In-Reply-To", "References"};
// Fields whose URLs are worth having (RFC 2369 list commands).
constexpr std::string_view kUrlFields[] = {"List-Unsubscribe", "List-Subscribe", "List-Help",
                                           "List-Post",        "List-Archive",   "List-Owner"};

// Everything after the MIME structure is known.
class MessageBuilder {
 public:
  MessageBuilder(ParseContext& ctx, Parser::Impl& impl) : ctx_(ctx), impl_(impl), msg_(ctx.msg) {}

  void run() {
    // Embedded (uuencoded) parts are appended while walking: iterate over the MIME parts only.
    const size_t mime_parts = msg_.parts.size();
    for (size_t i = 0; i < mime_parts; ++i) {
      Part* p = msg_.parts[i];
      if (p->is_multipart || p->is_message) {
        if (p->decoded.data() == nullptr) p->decoded = p->raw_body;
        continue;
      }
      process_leaf(p);
    }
    fill_fields();
    extract_urls();
    for (Part* p : msg_.parts) msg_.anomalies.merge(p->anomalies);
  }

 private:
  bool room() const { return msg_.urls.size() + msg_.emails.size() < ctx_.limits.max_urls; }

  void process_leaf(Part* p) {
    p->decoded = decode_body(ctx_.arena, p->raw_body, p->encoding, p->anomalies);
    p->sniffed_type = sniff_type(p->decoded);
    const ContentType& ct = p->content_type;
    // A multipart we could not split is shown to the rules as text.
    bool text_type = ct.type == "text" || ct.type == "multipart";
    p->is_attachment = p->disposition == "attachment" || !p->filename.empty() || !text_type;
    p->is_text = text_type && !p->is_attachment;
    if (p->is_text) make_text_part(p);
  }

  void make_text_part(Part* p) {
    const ContentType& ct = p->content_type;
    std::string_view bytes = p->decoded.substr(0, ctx_.limits.max_text_size);
    Converted c = impl_.conv.to_utf8(ctx_.arena, bytes, ct.charset);
    bool declared = !trim_fws(ct.charset).empty();
    if (declared && (c.declared_unknown || c.detected)) p->anomalies.set(Anomaly::kBadCharset);
    if (!declared && !core::is_ascii(bytes)) p->anomalies.set(Anomaly::kMissingCharset);
    if (declared && c.claimed_utf8_invalid) p->anomalies.set(Anomaly::kInvalidUtf8);
    if (contains_byte(c.utf8, 0)) {
      p->anomalies.set(Anomaly::kNulBytes);
    }
    TextPart tp;
    tp.part = p;
    tp.is_html = ct.type == "text" && ct.subtype == "html";
    tp.charset_declared = ct.charset;
    tp.charset_used = ctx_.arena.dup(c.charset_used);
    tp.charset_detected = c.detected;
    tp.utf8 = c.utf8;
    if (tp.is_html) {
      HtmlText ht = html_to_text(ctx_.arena, tp.utf8, ctx_.limits.max_text_size);
      tp.text = ht.text;
      tp.html = ht.info;
      if (ht.info != nullptr && ht.info->unbalanced) p->anomalies.set(Anomaly::kHtmlUnbalanced);
    } else {
      tp.text = tp.utf8;
    }
    tp.lines = static_cast<uint32_t>(count_byte(tp.text, '\n'));
    if (!tp.text.empty() && tp.text.back() != '\n') ++tp.lines;
    tp.non_ascii_chars = static_cast<uint32_t>(count_utf8_leads(tp.text));
    msg_.text_parts.push_back(tp);
    if (!tp.is_html) carve_uuencoded(p);
  }

  // uuencoded files inside a plain text body become embedded attachment parts.
  void carve_uuencoded(Part* text) {
    std::string_view body = text->decoded;
    size_t from = 0;
    UuBlock block;
    while (find_uu_block(body, from, &block)) {
      from = block.end > from ? block.end : from + 1;
      text->anomalies.set(Anomaly::kUuencodeFound);
      Part* up = ctx_.new_part(nullptr);
      if (up == nullptr) {
        text->anomalies.set(Anomaly::kTooManyParts);
        return;
      }
      up->parent = text;
      up->depth = text->depth + 1;
      up->is_embedded = true;
      up->encoding = TransferEncoding::kUuencode;
      up->raw = body.substr(block.begin, block.end - block.begin);
      up->raw_body = up->raw;
      std::string_view lines = body.substr(block.data_begin, block.data_end - block.data_begin);
      char* out = static_cast<char*>(ctx_.arena.alloc(uu_decoded_max(lines.size()), 1));
      bool bad = false;
      up->decoded = std::string_view(out, uu_decode(lines, out, &bad));
      TextFlags f;
      std::string name;
      ctx_.decoder.append_raw_text(name, block.name, text->content_type.charset, &f);
      up->filename = ctx_.arena.dup(name);
      up->content_type.type = "application";
      up->content_type.subtype = "octet-stream";
      up->disposition = "attachment";
      up->is_attachment = true;
      up->sniffed_type = sniff_type(up->decoded);
    }
  }

  void fill_fields() {
    Part* root = msg_.root;
    std::string_view hint = root->content_type.charset;
    const size_t max_len = ctx_.limits.max_header_length;
    bool have_subject = false, have_id = false, have_date = false;
    for (const Header& h : root->headers) {
      std::string_view name = h.name;
      std::string_view raw = h.raw_value.substr(0, max_len);
      Vec<Address>* list = nullptr;
      if (iequals(name, "From")) {
        list = &msg_.from;
      } else if (iequals(name, "To")) {
        list = &msg_.to;
      } else if (iequals(name, "Cc")) {
        list = &msg_.cc;
      } else if (iequals(name, "Bcc")) {
        list = &msg_.bcc;
      } else if (iequals(name, "Reply-To")) {
        list = &msg_.reply_to;
      } else if (iequals(name, "Sender")) {
        list = &msg_.sender;
      } else if (!have_subject && iequals(name, "Subject")) {
        msg_.subject = h.value;
        have_subject = true;
      } else if (!have_id && iequals(name, "Message-ID")) {
        Vec<std::string_view> ids(&ctx_.arena);
        parse_message_ids(ctx_.arena, raw, ids);
        if (!ids.empty()) msg_.message_id = ids.front();
        have_id = true;
      } else if (!have_date && iequals(name, "Date")) {
        have_date = true;
        if (auto dt = parse_date(h.value)) {
          msg_.date = static_cast<time_t>(to_unix_time(*dt));
          msg_.date_valid = true;
        }
      } else if (iequals(name, "Received") &&
                 msg_.received.size() < ctx_.limits.max_received) {
        msg_.received.push_back(parse_received(ctx_.arena, h.value));
      }
      if (list != nullptr) {
        TextFlags f;
        parse_address_list(ctx_.arena, ctx_.decoder, raw, hint, *list, nullptr, &f);
        if (f.broken_encoding) root->anomalies.set(Anomaly::kBadEncodedWord);
      }
    }
    for (std::string_view name : kUniqueFields) {
      if (msg_.header_count(name) > 1) {
        root->anomalies.set(Anomaly::kDuplicateHeader);
        break;
      }
    }
  }

  void add_email(std::string_view addr, Origin origin, int32_t part, std::string_view header) {
    if (!room()) return;
    Address a;
    fill_address(ctx_.arena, addr, &a);
    if (!a.valid) return;
    EmailRef e;
    e.addr = a.addr;
    e.user = a.local;
    e.domain = a.domain;
    e.origin = origin;
    e.part_index = part;
    e.header_name = header;
    msg_.emails.push_back(e);
  }

  // One HTML attribute URL (href, src, action).
  void add_html_url(std::string_view s, Origin origin, int32_t part, std::string_view anchor) {
    if (s.empty() || !room()) return;
    if (istarts_with(s, "mailto:")) {
      std::string_view addr = s.substr(7);
      addr = addr.substr(0, addr.find('?'));
      add_email(trim_fws(addr), origin, part, {});
    }
    Url u;
    if (!room() || !impl_.urls.parse(ctx_.arena, s, u)) return;
    u.origin = origin;
    u.part_index = part;
    u.anchor_text = anchor;
    msg_.urls.push_back(u);
  }

  void extract_urls() {
    const uint32_t limit = ctx_.limits.max_urls;
    UrlExtractor& ux = impl_.urls;
    if (!msg_.subject.empty()) {
      ux.extract(ctx_.arena, msg_.subject, Origin::kSubject, -1, msg_.urls, msg_.emails, limit);
    }
    for (const TextPart& tp : msg_.text_parts) {
      auto idx = static_cast<int32_t>(tp.part->index);
      Origin origin = tp.is_html ? Origin::kHtmlText : Origin::kText;
      ux.extract(ctx_.arena, tp.text, origin, idx, msg_.urls, msg_.emails, limit);
      if (tp.html == nullptr) continue;
      for (const HtmlLink& l : tp.html->links) add_html_url(l.href, Origin::kHtmlHref, idx, l.text);
      for (std::string_view src : tp.html->images) add_html_url(src, Origin::kHtmlImage, idx, {});
      for (const HtmlForm& f : tp.html->forms) add_html_url(f.action, Origin::kHtmlForm, idx, {});
    }
    for (const Header& h : msg_.root->headers) {
      bool wanted = false;
      for (std::string_view name : kUrlFields) wanted = wanted || iequals(h.name, name);
      if (!wanted) continue;
      size_t u0 = msg_.urls.size(), e0 = msg_.emails.size();
      ux.extract(ctx_.arena, h.value, Origin::kHeader, -1, msg_.urls, msg_.emails, limit);
      for (size_t i = u0; i < msg_.urls.size(); ++i) msg_.urls[i].header_name = h.name;
      for (size_t i = e0; i < msg_.emails.size(); ++i) msg_.emails[i].header_name = h.name;
    }
    for (const Address& a : msg_.reply_to) add_email(a.addr, Origin::kHeader, -1, "Reply-To");
  }

  ParseContext& ctx_;
  Parser::Impl& impl_;
  Message& msg_;
};

}  // namespace

Message* Parser::Impl::parse(core::Arena& arena, std::string_view raw, const Limits& limits) {
  Message* msg = arena_new<Message>(arena, &arena);
  msg->raw = raw;
  std::string_view buf = raw;
  bool truncated = raw.size() > limits.max_message_size;
  if (truncated) buf = raw.substr(0, limits.max_message_size);
  size_t pos = 0;
  if (buf.starts_with("From ")) {  // mbox envelope line
    pos = next_line(buf, 0);
    msg->mbox_from = buf.substr(0, pos);
  }
  ParseContext ctx(arena, limits, decoder, *msg);
  Part* root = ctx.new_part(nullptr);
  msg->root = root;
  TreeBuilder tree(ctx, buf);
  tree.parse(root, pos);

  if (truncated) root->anomalies.set(Anomaly::kMessageTruncated);
  msg->crlf = ctx.root_lf == 0;
  if (ctx.root_lf > 0) root->anomalies.set(Anomaly::kBareLf);
  if (ctx.lf > 0 && ctx.crlf > 0) root->anomalies.set(Anomaly::kMixedLineEndings);
  MessageBuilder(ctx, *this).run();
  return msg;
}

Parser::Parser() : impl_(std::make_unique<Impl>()) {}
Parser::~Parser() = default;

Result<Message*> Parser::parse(core::Arena& arena, std::string_view raw, const Limits& limits) {
  try {
    return impl_->parse(arena, raw, limits);
  } catch (const std::bad_alloc&) {
    return fail(ErrorCode::kLimit, "mime: per-message memory cap reached while parsing");
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("mime: ") + e.what());
  }
}

}  // namespace mw::mime
