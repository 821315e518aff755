// Part header interpretation (see part_headers.h).
#include "mime/part_headers.h"

#include "mime/content_type.h"
#include "mime/decode.h"

namespace mw::mime {

namespace {

void note_flags(Part& part, Header* h, const TextFlags& f) {
  if (f.eight_bit) part.anomalies.set(Anomaly::kEightBitHeader);
  if (f.broken_encoding) part.anomalies.set(Anomaly::kBadEncodedWord);
  if (h != nullptr) {
    h->had_encoded_words = h->had_encoded_words || f.had_encoded_words;
    h->broken_encoding = h->broken_encoding || f.broken_encoding;
  }
}

}  // namespace

bool is_encapsulated_message(const ContentType& ct) {
  return ct.type == "message" &&
         (ct.subtype == "rfc822" || ct.subtype == "global" || ct.subtype == "news");
}

void interpret_part_headers(ParseContext& ctx, Part& part, bool digest_child) {
  const size_t max_len = ctx.limits.max_header_length;
  Header* ct_header = nullptr;
  Header* cte_header = nullptr;
  Header* cd_header = nullptr;
  // The first of each MIME field counts; a second one (MUAs disagree about which wins) is
  // recorded as DUPLICATE_HEADER.
  auto first = [&](Header& h, std::string_view name, Header*& slot) {
    if (!iequals(h.name, name)) return;
    if (slot != nullptr) {
      part.anomalies.set(Anomaly::kDuplicateHeader);
      return;
    }
    slot = &h;
  };
  for (Header& h : part.headers) {
    if (h.raw_field.size() > max_len) part.anomalies.set(Anomaly::kHeaderTooLong);
    if (h.name.size() < 12 || !istarts_with(h.name, "content-")) continue;
    first(h, "Content-Type", ct_header);
    first(h, "Content-Transfer-Encoding", cte_header);
    first(h, "Content-Disposition", cd_header);
  }
  auto cut = [&](const Header& h) { return h.raw_value.substr(0, max_len); };

  ContentType& ct = part.content_type;
  if (digest_child) {
    ct.type = "message";
    ct.subtype = "rfc822";
  }
  if (ct_header != nullptr) {
    TextFlags f;
    std::string_view type, subtype;
    if (parse_mime_value(ctx.arena, ctx.decoder, cut(*ct_header), {}, &type, &subtype, ct.params,
                         &f)) {
      ct.type = type;
      ct.subtype = subtype;
      ct.declared = true;
    }
    ct.charset = find_param(ct.params, "charset");
    ct.boundary = find_param(ct.params, "boundary");
    ct.name = find_param(ct.params, "name");
    note_flags(part, ct_header, f);
  }
  std::string_view hint = ct.charset;

  for (Header& h : part.headers) {
    TextFlags f;
    h.value = ctx.decoder.unstructured(ctx.arena, cut(h), hint, &f);
    note_flags(part, &h, f);
  }

  if (cte_header != nullptr) {
    part.encoding = parse_transfer_encoding(cut(*cte_header));
    if (part.encoding == TransferEncoding::kUnknown) {
      part.anomalies.set(Anomaly::kUnknownTransferEncoding);
    }
  }
  if (cd_header != nullptr) {
    TextFlags f;
    std::string_view disposition, unused;
    Vec<Param> params(&ctx.arena);
    parse_mime_value(ctx.arena, ctx.decoder, cut(*cd_header), hint, &disposition, &unused, params,
                     &f);
    part.disposition = disposition;
    part.filename = find_param(params, "filename");
    note_flags(part, cd_header, f);
  }
  if (part.filename.empty()) part.filename = ct.name;
}

}  // namespace mw::mime
