// HTML to visible text: a single-pass, lenient tokenizer. See html.h for what is kept.
//
// Structure: the input is cut at '<' (memchr); text between tags goes through emit_text()
// into a Sink that collapses whitespace; markup() handles one tag, comment or declaration
// and returns where text resumes. A bounded stack of open elements (kMaxDepth) tracks
// hidden/dropped/pre context, implied end tags, anchors and forms. Every step advances
// the input pointer or pops the stack, so the work is linear in the input size.
// Tokenizer rules follow the WHATWG HTML Living Standard, section 13.2.5 (tokenization),
// simplified where mail rendering does not need the full tree construction.
#include "mime/html.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "mime/html_entities.h"
#include "mime/html_tokens.h"
#include "mime/strutil.h"

namespace mw::mime {
namespace {

using namespace detail;  // NOLINT: the tokenizer helpers are this file's vocabulary

// ---------------------------------------------------------------------------------------
// Text sink: collapses whitespace and breaks, bounded by max bytes.

class Sink {
 public:
  explicit Sink(size_t max) : max_(max) {}

  void word(const char* p, size_t n) {
    if (full_ || n == 0) return;
    size_t sep = 0;
    if (!out_.empty()) sep = pending_ == kPara ? 2 : (pending_ != kNone ? 1 : 0);
    if (out_.size() + sep + n > max_) {
      full_ = true;
      if (out_.size() + sep >= max_) return;
      size_t room = max_ - out_.size() - sep;
      while (room > 0 && (static_cast<unsigned char>(p[room]) & 0xC0) == 0x80) --room;
      if (room == 0) return;
      n = room;
    }
    if (sep != 0) {
      static constexpr char kSep[] = {'\0', ' ', '\t', '\n', '\n'};
      out_.push_back(kSep[pending_]);
      if (sep == 2) out_.push_back('\n');
    }
    out_.append(p, n);
    word_bytes_ += n;
    pending_ = kNone;
  }
  void brk(Brk b) {
    if (!out_.empty() && pending_ < b) pending_ = b;
  }
  // <br>: a line break, or a blank line when one is already pending.
  void line_break() {
    if (out_.empty()) return;
    pending_ = pending_ >= kLine ? kPara : kLine;
  }
  size_t size() const { return out_.size(); }
  size_t word_bytes() const { return word_bytes_; }  // bytes of text, separators not counted
  bool full() const { return full_; }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
  size_t word_bytes_ = 0;
  size_t max_;
  Brk pending_ = kNone;
  bool full_ = false;
};

// ---------------------------------------------------------------------------------------
// The converter

constexpr size_t kMaxDepth = 256;
constexpr uint8_t kFlagHidden = 1;
constexpr uint8_t kFlagDrop = 2;
constexpr uint8_t kFlagPre = 4;
constexpr char kReplacement[] = "\xEF\xBF\xBD";

// What is known about the colours of the text at some point: the text colour (kNoColor: the
// default, or set by a stylesheet), the background (white by default), and whether a
// stylesheet or an image may paint the background (then the contrast is not judged).
struct Paint {
  int32_t fg = kNoColor;
  int32_t bg = kWhite;
  bool bg_unknown = false;
};

struct OpenElement {
  uint32_t hash;  // FNV-1a of the lower-cased name (elements not in kTags)
  uint8_t id;
  uint8_t flags;
  Paint paint;
};

struct LinkSpan {
  size_t link;
  size_t begin;
  size_t end;
};

class Converter {
 public:
  Converter(core::Arena& arena, std::string_view html, const HtmlLimits& limits)
      : arena_(arena), begin_(html.data()), end_(html.data() + html.size()), limits_(limits),
        info_(arena.make<HtmlInfo>(&arena)), visible_(limits.max_text),
        hidden_(limits.max_text) {}

  HtmlText run();

 private:
  Sink* sink_for(uint8_t flags) {
    if (flags & kFlagDrop) return nullptr;
    return (flags & kFlagHidden) ? &hidden_ : &visible_;
  }
  void brk(uint8_t flags, Brk b) {
    if (Sink* s = sink_for(flags)) s->brk(b);
  }

  void emit_text(const char* p, const char* e, bool references, uint8_t flags);
  // emit_text, counting what lands in the visible text while its colour matches the background.
  void emit(const char* p, const char* e, bool references, uint8_t flags);
  Paint paint_for(uint8_t id, const Attrs& attrs) const;
  const char* markup(const char* lt);
  const char* comment(const char* p);
  const char* bogus_comment(const char* p);
  const char* start_tag(const char* lt);
  const char* end_tag(const char* lt);
  const char* special_content(const char* p, uint8_t id, uint8_t flags);
  void handle_start(uint8_t id, uint32_t hash, const Attrs& attrs, bool self_closing,
                    const char*& resume);
  void handle_end(uint8_t id, uint32_t hash);
  bool close_element(uint8_t id, uint32_t hash);
  void implied_end_tags(uint8_t id, uint16_t props);
  void push(uint8_t id, uint32_t hash, uint8_t flags, const Paint& paint);
  void pop();
  uint8_t top_id() const { return depth_ ? stack_[depth_ - 1].id : 0; }
  void finish();

  std::string_view attr(std::string_view raw) { return trim_ws(decode_entities(arena_, raw)); }
  void start_link(std::string_view href);
  void finish_link();
  void add_image(std::string_view src);
  void add_password();

  core::Arena& arena_;
  const char* begin_;
  const char* end_;
  HtmlLimits limits_;
  HtmlInfo* info_;
  Sink visible_;
  Sink hidden_;
  std::array<OpenElement, kMaxDepth> stack_{};
  size_t depth_ = 0;
  size_t overflow_ = 0;  // elements opened past kMaxDepth (not tracked)
  std::array<uint32_t, kTagCount + 1> open_count_{};
  uint8_t flags_ = 0;     // flags of the current element (top of the stack)
  Paint paint_;           // colours of the current element
  size_t low_contrast_ = 0;
  long current_form_ = -1;
  long open_link_ = -1;
  size_t link_begin_ = 0;
  std::vector<LinkSpan> spans_;
  bool unbalanced_ = false;
};

HtmlText Converter::run() {
  const char* p = begin_;
  while (p < end_) {
    const void* lt = std::memchr(p, '<', static_cast<size_t>(end_ - p));
    const char* stop = lt ? static_cast<const char*>(lt) : end_;
    if (stop > p) emit(p, stop, true, flags_);
    if (lt == nullptr) break;
    p = markup(stop);
  }
  finish();

  HtmlText out;
  out.info = info_;
  if (visible_.size() != 0) out.text = arena_.dup(visible_.str());
  if (hidden_.size() != 0) out.hidden_text = arena_.dup(hidden_.str());
  out.truncated = visible_.full() || hidden_.full();
  for (const LinkSpan& s : spans_) {
    if (s.begin >= out.text.size()) continue;
    std::string_view t = trim_ws(out.text.substr(s.begin, std::min(s.end, out.text.size()) -
                                                        s.begin));
    if (t.find_first_of("\t\n") != std::string_view::npos) {
      std::string collapsed;
      collapsed.reserve(t.size());
      for (char c : t) {
        bool ws = c == '\t' || c == '\n';
        if (!ws) collapsed.push_back(c);
        else if (!collapsed.empty() && collapsed.back() != ' ') collapsed.push_back(' ');
      }
      t = arena_.dup(collapsed);
    }
    info_->links[s.link].text = t;
  }
  info_->unbalanced = unbalanced_;
  info_->hidden_bytes = static_cast<uint32_t>(hidden_.size());
  info_->low_contrast_bytes = static_cast<uint32_t>(low_contrast_);
  return out;
}

void Converter::emit(const char* p, const char* e, bool references, uint8_t flags) {
  const bool judged = paint_.fg != kNoColor && !paint_.bg_unknown &&
                      colors_close(paint_.fg, paint_.bg) && sink_for(flags) == &visible_;
  const size_t before = visible_.word_bytes();
  emit_text(p, e, references, flags);
  if (judged) low_contrast_ += visible_.word_bytes() - before;
}

// The colours inside a new element: inherited, then what its attributes and inline style say.
// A class or id (a stylesheet may paint the element) or a background image makes the
// background unknown unless an inline style gives its colour; links get the browser's colour.
Paint Converter::paint_for(uint8_t id, const Attrs& attrs) const {
  Paint p = paint_;
  if (attrs.has_class || attrs.background.data()) p.bg_unknown = true;
  if (attrs.has_class || id == kTagA) p.fg = kNoColor;
  if (attrs.bgcolor.data() && !attrs.has_class) {
    int32_t c = parse_color(attrs.bgcolor);
    if (c != kNoColor) {
      p.bg = c;
      p.bg_unknown = false;
    }
  }
  std::string_view fg_attr = attrs.color.data() ? attrs.color : (id == kTagBody ? attrs.text : "");
  if (!fg_attr.empty()) {
    int32_t c = parse_color(fg_attr);
    if (c != kNoColor) p.fg = c;
  }
  if (attrs.style.data()) {
    StyleColors sc = style_colors(decode_entities(arena_, attrs.style));
    if (sc.background != kNoColor) {
      p.bg = sc.background;
      p.bg_unknown = false;
    }
    if (sc.background_image) p.bg_unknown = true;
    if (sc.color != kNoColor) p.fg = sc.color;
  }
  return p;
}

void Converter::emit_text(const char* p, const char* e, bool references, uint8_t flags) {
  Sink* s = sink_for(flags);
  if (s == nullptr) return;
  const bool pre = (flags & kFlagPre) != 0;
  const auto* ue = reinterpret_cast<const unsigned char*>(e);
  while (p < e) {
    const char* q = p;
    while (q < e) {
      auto c = static_cast<unsigned char>(*q);
      if (kWordByte[c]) {
        ++q;
        continue;
      }
      if (c < 0x80) break;
      size_t n = detail::utf8_sequence_length(reinterpret_cast<const unsigned char*>(q), ue);
      if (n == 0 || (c == 0xC2 && static_cast<unsigned char>(q[1]) == 0xA0)) break;
      q += n;
    }
    if (q > p) {
      s->word(p, static_cast<size_t>(q - p));
      p = q;
      if (p >= e) break;
    }
    auto c = static_cast<unsigned char>(*p);
    if (is_tag_ws(c)) {
      if (!pre) {
        while (p < e && is_tag_ws(static_cast<unsigned char>(*p))) ++p;
        s->brk(kSpace);
        continue;
      }
      for (; p < e && is_tag_ws(static_cast<unsigned char>(*p)); ++p) {
        if (*p == '\n' || (*p == '\r' && !(p + 1 < e && p[1] == '\n'))) s->line_break();
        else s->brk(kSpace);
      }
      continue;
    }
    if (c == '&') {
      detail::CharRef r;
      if (references) r = detail::decode_char_ref(p, e, false);
      if (r.consumed == 0) {
        s->word(p, 1);
        ++p;
        continue;
      }
      p += r.consumed;
      uint32_t cp = r.first_cp;
      if (cp == '\n' && pre) s->line_break();
      else if (cp < 0x80 && is_tag_ws(static_cast<unsigned char>(cp))) s->brk(kSpace);
      else if (cp == 0xA0) s->brk(kSpace);
      else if (cp >= 0x20 && cp != 0x7F) s->word(r.utf8, r.len);
      continue;
    }
    if (c >= 0x80) {
      if (c == 0xC2 && p + 1 < e && static_cast<unsigned char>(p[1]) == 0xA0) {
        s->brk(kSpace);
        p += 2;
      } else {
        s->word(kReplacement, 3);  // invalid UTF-8 byte
        ++p;
      }
      continue;
    }
    ++p;  // C0 control or DEL: not rendered
  }
}

const char* Converter::markup(const char* lt) {
  const char* n = lt + 1;
  if (n >= end_) {
    emit(lt, end_, false, flags_);
    return end_;
  }
  auto c = static_cast<unsigned char>(*n);
  if (is_alpha(c)) return start_tag(lt);
  if (c == '/') {
    if (n + 1 >= end_) {
      emit(lt, end_, false, flags_);
      return end_;
    }
    if (is_alpha(n[1])) return end_tag(lt);
    if (n[1] == '>') return n + 2;  // "</>" is ignored
    return bogus_comment(n + 1);
  }
  if (c == '!') {
    if (end_ - n >= 3 && n[1] == '-' && n[2] == '-') return comment(n + 3);
    return bogus_comment(n + 1);
  }
  if (c == '?') return bogus_comment(n + 1);
  emit(lt, n, false, flags_);  // a lone '<' is text
  return n;
}

// p: just after "<!--". Ends at "-->" or "--!>"; "<!-->" and "<!--->" are empty comments.
const char* Converter::comment(const char* p) {
  if (p < end_ && *p == '>') return p + 1;
  if (end_ - p >= 2 && p[0] == '-' && p[1] == '>') return p + 2;
  const char* s = p;
  for (;;) {
    const void* found = std::memchr(s, '>', static_cast<size_t>(end_ - s));
    if (found == nullptr) {
      unbalanced_ = true;  // an unterminated comment hides the rest, as in a browser
      return end_;
    }
    const char* gt = static_cast<const char*>(found);
    if (gt - p >= 2 && gt[-1] == '-' && gt[-2] == '-') return gt + 1;
    if (gt - p >= 3 && gt[-1] == '!' && gt[-2] == '-' && gt[-3] == '-') return gt + 1;
    s = gt + 1;
  }
}

// <!DOCTYPE>, <![CDATA[...]]>, <?...>, "</ " ...: everything up to the first '>'.
const char* Converter::bogus_comment(const char* p) {
  const void* gt = std::memchr(p, '>', static_cast<size_t>(end_ - p));
  if (gt == nullptr) {
    unbalanced_ = true;
    return end_;
  }
  return static_cast<const char*>(gt) + 1;
}

const char* Converter::start_tag(const char* lt) {
  TagName name = read_tag_name(lt + 1, end_);
  Attrs attrs;
  bool self_closing = false;
  const char* after = parse_attributes(name.end, end_, &attrs, &self_closing);
  if (after == nullptr) {
    unbalanced_ = true;  // input ends inside the tag
    return end_;
  }
  ++info_->tags;
  const char* resume = after;
  handle_start(name.id, name.hash, attrs, self_closing, resume);
  return resume;
}

const char* Converter::end_tag(const char* lt) {
  TagName name = read_tag_name(lt + 2, end_);
  bool self_closing = false;
  const char* after = parse_attributes(name.end, end_, nullptr, &self_closing);
  if (after == nullptr) {
    unbalanced_ = true;
    return end_;
  }
  ++info_->tags;
  handle_end(name.id, name.hash);
  return after;
}

void Converter::implied_end_tags(uint8_t id, uint16_t props) {
  if ((props & kClosesP) && top_id() == kTagP) pop();
  auto top_is = [this](std::initializer_list<uint8_t> ids) {
    uint8_t t = top_id();
    return t != 0 && std::find(ids.begin(), ids.end(), t) != ids.end();
  };
  if (id == kTagLi) {
    if (top_is({kTagLi})) pop();
  } else if (id == kTagDd || id == kTagDt) {
    if (top_is({kTagDd, kTagDt})) pop();
  } else if (id == kTagTd || id == kTagTh) {
    if (top_is({kTagTd, kTagTh})) pop();
  } else if (id == kTagTr) {
    while (top_is({kTagTd, kTagTh})) pop();
    if (top_is({kTagTr})) pop();
  } else if (id == kTagTbody || id == kTagThead || id == kTagTfoot) {
    while (top_is({kTagTd, kTagTh, kTagTr, kTagTbody, kTagThead, kTagTfoot})) pop();
  } else if (id == kTagOption) {
    if (top_is({kTagOption})) pop();
  } else if (id == kTagOptgroup) {
    if (top_is({kTagOption})) pop();
    if (top_is({kTagOptgroup})) pop();
  }
}

void Converter::handle_start(uint8_t id, uint32_t hash, const Attrs& attrs, bool self_closing,
                             const char*& resume) {
  const uint16_t props = id ? def(id).props : 0;
  if (id != 0) implied_end_tags(id, props);
  if (id == kTagA && open_count_[kTagA] != 0) close_element(kTagA, 0);  // <a> inside <a>

  uint8_t flags = flags_;
  if (attrs.hidden || (attrs.style.data() && style_hides(decode_entities(arena_, attrs.style)))) {
    flags |= kFlagHidden;
  }
  if (props & kDrop) flags |= kFlagDrop;
  if (props & kPre) flags |= kFlagPre;
  if (attrs.event_handler) info_->has_script = true;
  if (attrs.background.data()) add_image(attrs.background);

  if (id == kTagA) {
    if (attrs.href.data()) start_link(attrs.href);
  } else if (id == kTagArea) {
    if (attrs.href.data() && info_->links.size() < limits_.max_links) {
      info_->links.push_back(HtmlLink{attr(attrs.href), {}});
    }
  } else if (id == kTagImg) {
    if (attrs.src.data()) add_image(attrs.src);
  } else if (id == kTagInput) {
    std::string_view type = attr(attrs.type);
    if (iequals(type, "password")) add_password();
    else if (iequals(type, "image") && attrs.src.data()) add_image(attrs.src);
  } else if (id == kTagForm) {
    if (open_count_[kTagForm] != 0) return;  // nested forms are ignored by browsers
    if (info_->forms.size() < limits_.max_forms) {
      HtmlForm form;
      form.action = attr(attrs.action);
      form.method = lower_in_arena(arena_, attr(attrs.method));
      info_->forms.push_back(form);
      current_form_ = static_cast<long>(info_->forms.size()) - 1;
    }
  } else if (id == kTagLink) {
    if (icontains(attr(attrs.rel), "stylesheet")) info_->has_external_css = true;
  } else if (id == kTagScript) {
    info_->has_script = true;
  } else if (id == kTagIframe || id == kTagFrame) {
    info_->has_iframe = true;
  } else if (id == kTagBr) {
    if (Sink* s = sink_for(flags)) s->line_break();
    return;
  } else if (id == kTagBody || id == kTagHtml) {
    if (open_count_[id] != 0) return;  // a second <body>/<html> only merges attributes
  }

  if (id != 0) brk(flags, def(id).open);
  if (props & kVoid) {
    if (id != 0) brk(flags, def(id).close);
    return;
  }
  if (props & (kRawText | kRcdata | kPlaintext)) {
    resume = special_content(resume, id, flags);
    return;
  }
  if (id == 0 && self_closing) return;  // honoured for foreign and unknown elements only
  push(id, hash, flags, paint_for(id, attrs));
}

// Content of raw-text, RCDATA and plaintext elements: no tags inside, up to "</name".
const char* Converter::special_content(const char* p, uint8_t id, uint8_t flags) {
  const TagDef& d = def(id);
  if (d.props & kPlaintext) {
    emit(p, end_, false, flags);
    return end_;
  }
  const char* close = end_;
  for (const char* s = p; s < end_;) {
    const void* lt = std::memchr(s, '<', static_cast<size_t>(end_ - s));
    if (lt == nullptr) break;
    const char* q = static_cast<const char*>(lt);
    size_t avail = static_cast<size_t>(end_ - q);
    if (avail >= d.name.size() + 2 && q[1] == '/' &&
        iequals(std::string_view(q + 2, d.name.size()), d.name)) {
      const char* after = q + 2 + d.name.size();
      if (after == end_ || is_tag_ws(static_cast<unsigned char>(*after)) || *after == '/' ||
          *after == '>') {
        close = q;
        break;
      }
    }
    s = q + 1;
  }
  std::string_view content(p, static_cast<size_t>(close - p));
  if (id == kTagStyle && icontains(content, "@import")) info_->has_external_css = true;
  emit(p, close, (d.props & kRcdata) != 0, flags);
  if (close == end_) {
    unbalanced_ = true;
    return end_;
  }
  bool self_closing = false;
  const char* after = parse_attributes(close + 2 + d.name.size(), end_, nullptr, &self_closing);
  if (after == nullptr) {
    unbalanced_ = true;
    return end_;
  }
  ++info_->tags;
  brk(flags, d.close);
  return after;
}

void Converter::handle_end(uint8_t id, uint32_t hash) {
  if (overflow_ != 0) {
    --overflow_;
    return;
  }
  if (id == kTagBr) {  // "</br>" is a <br> in browsers
    if (Sink* s = sink_for(flags_)) s->line_break();
    return;
  }
  if (id == kTagP && open_count_[kTagP] == 0) {  // "</p>" alone makes an empty paragraph
    brk(flags_, kPara);
    return;
  }
  if (!close_element(id, hash)) unbalanced_ = true;
}

// Pops up to and including the innermost open element `id` (or, for id 0, the unknown
// element with that name hash). Returns false when no such element is open.
bool Converter::close_element(uint8_t id, uint32_t hash) {
  if (id != 0) {
    if (open_count_[id] == 0) return false;
  } else {
    size_t i = depth_;
    while (i > 0 && !(stack_[i - 1].id == 0 && stack_[i - 1].hash == hash)) --i;
    if (i == 0) return false;
  }
  while (depth_ > 0) {
    const OpenElement& e = stack_[depth_ - 1];
    bool match = id != 0 ? e.id == id : (e.id == 0 && e.hash == hash);
    if (!match && (e.id == 0 || !(def(e.id).props & kOptionalEnd))) unbalanced_ = true;
    pop();
    if (match) break;
  }
  return true;
}

void Converter::push(uint8_t id, uint32_t hash, uint8_t flags, const Paint& paint) {
  if (depth_ == kMaxDepth) {
    ++overflow_;
    return;
  }
  stack_[depth_++] = OpenElement{hash, id, flags, paint};
  ++open_count_[id];
  flags_ = flags;
  paint_ = paint;
}

void Converter::pop() {
  const OpenElement e = stack_[--depth_];
  --open_count_[e.id];
  flags_ = depth_ ? stack_[depth_ - 1].flags : 0;
  paint_ = depth_ ? stack_[depth_ - 1].paint : Paint{};
  if (e.id == kTagA) finish_link();
  if (e.id == kTagForm) current_form_ = -1;
  if (e.id != 0) brk(e.flags, def(e.id).close);
}

void Converter::finish() {
  if (overflow_ != 0) unbalanced_ = true;
  while (depth_ > 0) {
    const OpenElement& e = stack_[depth_ - 1];
    if (e.id == 0 || !(def(e.id).props & kOptionalEnd)) unbalanced_ = true;
    pop();
  }
  finish_link();
}

void Converter::start_link(std::string_view href) {
  finish_link();
  if (info_->links.size() >= limits_.max_links) return;
  info_->links.push_back(HtmlLink{attr(href), {}});
  open_link_ = static_cast<long>(info_->links.size()) - 1;
  link_begin_ = visible_.size();
}

void Converter::finish_link() {
  if (open_link_ < 0) return;
  spans_.push_back(LinkSpan{static_cast<size_t>(open_link_), link_begin_, visible_.size()});
  open_link_ = -1;
}

void Converter::add_image(std::string_view raw) {
  if (info_->images.size() >= limits_.max_images) return;
  std::string_view src = attr(raw);
  if (istarts_with(src, "data:")) {
    size_t comma = src.find(',');
    size_t keep = comma == std::string_view::npos ? src.size() : comma + 1;
    keep = std::min(keep, kMaxDataUriPrefix);
    while (keep > 0 && keep < src.size() &&
           (static_cast<unsigned char>(src[keep]) & 0xC0) == 0x80) {
      --keep;  // do not cut a UTF-8 sequence
    }
    src = src.substr(0, keep);
  }
  info_->images.push_back(src);
}

void Converter::add_password() {
  if (current_form_ >= 0) {
    info_->forms[static_cast<size_t>(current_form_)].has_password = true;
    return;
  }
  if (info_->forms.size() >= limits_.max_forms) return;
  HtmlForm orphan;
  orphan.has_password = true;
  info_->forms.push_back(orphan);
}

}  // namespace

std::string_view decode_entities(core::Arena& arena, std::string_view s) {
  if (s.empty()) return s;
  const void* amp = std::memchr(s.data(), '&', s.size());
  if (amp == nullptr) return s;
  const char* p = s.data();
  const char* end = p + s.size();
  std::string out;
  out.reserve(s.size());
  const char* a = static_cast<const char*>(amp);
  for (;;) {
    out.append(p, static_cast<size_t>(a - p));
    detail::CharRef r = detail::decode_char_ref(a, end, true);
    if (r.consumed == 0) {
      out.push_back('&');
      p = a + 1;
    } else {
      out.append(r.utf8, r.len);
      p = a + r.consumed;
    }
    const void* next = std::memchr(p, '&', static_cast<size_t>(end - p));
    if (next == nullptr) break;
    a = static_cast<const char*>(next);
  }
  out.append(p, static_cast<size_t>(end - p));
  return arena.dup(out);
}

HtmlText html_to_text(core::Arena& arena, std::string_view utf8_html,
                      const HtmlLimits& limits) {
  Converter converter(arena, utf8_html, limits);
  return converter.run();
}

HtmlText html_to_text(core::Arena& arena, std::string_view utf8_html, size_t max_size) {
  HtmlLimits limits;
  limits.max_text = max_size;
  return html_to_text(arena, utf8_html, limits);
}

}  // namespace mw::mime
