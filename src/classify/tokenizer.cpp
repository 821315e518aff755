#include "classify/tokenizer.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "classify/hash.h"
#include "core/ascii.h"

namespace mw::classify {

namespace {

// Seeds of the token families (arbitrary constants; part of the statistics format).
constexpr uint64_t kBodySeed = 0x6d772d626f647931ull;
constexpr uint64_t kSubjectSeed = 0x6d772d7375626a31ull;
constexpr uint64_t kMetaSeed = 0x6d772d6d65746131ull;
constexpr uint64_t kUnigramSalt = 0x756e696772616d31ull;

// Longest header value and URL piece kept in a token (bytes).
constexpr size_t kMaxValue = 64;
// Display-name words of From turned into tokens.
constexpr size_t kMaxNameWords = 8;
// Numbers with more digits than this become a placeholder.
constexpr size_t kMaxDigits = 6;

std::string lower_ascii(std::string_view s, size_t max = kMaxValue) {
  return core::to_lower(s.substr(0, std::min(s.size(), max)));
}

std::string trim(std::string_view s) { return std::string(core::trim_fws(s)); }

// 0, 1, 2, ... floor(log2(n)) + 1.
std::string log2_bucket(size_t n) {
  int b = 0;
  while (n > 0) {
    ++b;
    n >>= 1;
  }
  return std::to_string(b);
}

// Small counts as they are, then "N+".
std::string count_bucket(size_t n, size_t cap = 5) {
  return n >= cap ? std::to_string(cap) + "+" : std::to_string(n);
}

// The domain of an address in a header value ("<a@b.example>" -> "b.example").
std::string domain_of(std::string_view v) {
  size_t at = v.rfind('@');
  if (at == std::string_view::npos) return {};
  size_t end = at + 1;
  while (end < v.size() && v[end] != '>' && v[end] != ' ' && v[end] != ';') ++end;
  return lower_ascii(v.substr(at + 1, end - at - 1));
}

bool all_digits(std::string_view w) {
  for (char c : w) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view encoding_name(mime::TransferEncoding e) {
  switch (e) {
    case mime::TransferEncoding::k7bit: return "7bit";
    case mime::TransferEncoding::k8bit: return "8bit";
    case mime::TransferEncoding::kBinary: return "binary";
    case mime::TransferEncoding::kBase64: return "base64";
    case mime::TransferEncoding::kQuotedPrintable: return "qp";
    case mime::TransferEncoding::kUuencode: return "uuencode";
    case mime::TransferEncoding::kUnknown: return "unknown";
  }
  return "unknown";
}

// Collects token hashes (and their names when tracing).
class Builder {
 public:
  Builder(std::vector<uint64_t>& out, std::vector<std::string>* trace)
      : out_(out), trace_(trace) {}

  bool tracing() const { return trace_ != nullptr; }

  void add(uint64_t id, std::string_view name) {
    out_.push_back(id != 0 ? id : 1);
    if (trace_ != nullptr) trace_->emplace_back(name);
  }

  void meta(std::string_view kind, std::string_view value) {
    name_.assign(kind);
    name_.push_back(':');
    name_.append(value);
    add(hash_bytes(name_, kMetaSeed), name_);
  }

 private:
  std::vector<uint64_t>& out_;
  std::vector<std::string>* trace_;
  std::string name_;
};

// Words of one text, turned into unigrams and sparse bigrams.
class WordStream {
 public:
  WordStream(Builder& b, const TokenizerOptions& o, bool subject)
      : b_(b), o_(o), subject_(subject), window_(std::clamp<unsigned>(o.window, 1, 8)) {}

  void push(std::string_view word) {
    if (word.size() < 2 && static_cast<unsigned char>(word[0]) < 0x80) return;
    std::string_view w = word;
    if (word.size() > o_.max_word_length) {
      placeholder_ = "\x01long" + std::to_string(std::min<size_t>(word.size() / 8, 16));
      w = placeholder_;
    } else if (word.size() > kMaxDigits && all_digits(word)) {
      placeholder_ = "\x01num" + std::to_string(word.size());
      w = placeholder_;
    }
    uint64_t h = word_hash(w, subject_);
    if (b_.tracing()) return push_traced(w, h);
    if (o_.unigrams) b_.add(unigram_token(h), {});
    for (unsigned gap = 1; gap < window_ && gap <= count_; ++gap) {
      b_.add(bigram_token(ring_[(pos_ + kRing - gap) % kRing], h, gap), {});
    }
    ring_[pos_] = h;
    pos_ = (pos_ + 1) % kRing;
    ++count_;
  }

 private:
  static constexpr size_t kRing = 8;

  // push() with a readable name for every token (tests, debugging).
  void push_traced(std::string_view w, uint64_t h) {
    if (o_.unigrams) b_.add(unigram_token(h), (subject_ ? "s:" : "w:") + printable(w));
    for (unsigned gap = 1; gap < window_ && gap <= count_; ++gap) {
      size_t slot = (pos_ + kRing - gap) % kRing;
      b_.add(bigram_token(ring_[slot], h, gap), std::string(subject_ ? "sosb" : "osb") +
                                                    std::to_string(gap) + ":" + names_[slot] +
                                                    " " + printable(w));
    }
    ring_[pos_] = h;
    names_[pos_] = printable(w);
    pos_ = (pos_ + 1) % kRing;
    ++count_;
  }

  static std::string printable(std::string_view w) {
    if (!w.empty() && w[0] == '\x01') return "<" + std::string(w.substr(1)) + ">";
    return std::string(w);
  }

  Builder& b_;
  const TokenizerOptions& o_;
  bool subject_;
  unsigned window_;
  uint64_t ring_[kRing] = {};
  std::string names_[kRing];
  size_t pos_ = 0;
  size_t count_ = 0;
  std::string placeholder_;
};

struct TextSize {
  size_t bytes = 0;
  size_t words = 0;
};

TextSize text_tokens(const mime::Message& m, WordSplitter& splitter, const TokenizerOptions& o,
                     Builder& b) {
  if (!m.subject.empty()) {
    WordStream s(b, o, true);
    splitter.split(m.subject, o.max_words, [&s](std::string_view w) { s.push(w); });
  }
  size_t parts = 0, text_bytes = 0, words = 0;
  for (const auto& tp : m.text_parts) {
    if (parts++ >= o.max_parts) break;
    text_bytes += tp.text.size();
    WordStream s(b, o, false);
    words += splitter.split(tp.text, o.max_words, [&s](std::string_view w) { s.push(w); });
  }
  return {text_bytes, words};
}

void header_tokens(const mime::Message& m, WordSplitter& splitter, Builder& b) {
  std::string from_domain;
  if (!m.from.empty()) {
    from_domain = lower_ascii(m.from[0].domain);
    b.meta("from-dom", from_domain);
    size_t n = 0;
    splitter.split(m.from[0].display_name, kMaxNameWords, [&](std::string_view w) {
      if (n++ < kMaxNameWords) b.meta("from-name", w.substr(0, kMaxValue));
    });
  } else {
    b.meta("from", "none");
  }
  if (!m.reply_to.empty()) {
    std::string d = lower_ascii(m.reply_to[0].domain);
    b.meta("replyto-dom", d);
    if (!from_domain.empty() && d != from_domain) b.meta("replyto", "differs");
  }
  b.meta("to", count_bucket(m.to.size()));
  b.meta("cc", count_bucket(m.cc.size()));
  if (m.message_id.empty()) {
    b.meta("mid", "none");
  } else {
    size_t at = m.message_id.rfind('@');
    b.meta("mid-dom", at == std::string_view::npos ? std::string("<no-at>")
                                                   : lower_ascii(m.message_id.substr(at + 1)));
  }
  const mime::Header* mua = m.header("X-Mailer");
  if (mua == nullptr) mua = m.header("User-Agent");
  if (mua != nullptr) {
    std::string v = lower_ascii(trim(mua->value), 40);
    for (char& c : v) {
      if (c >= '0' && c <= '9') c = '#';
    }
    b.meta("mua", v);
  } else {
    b.meta("mua", "none");
  }
  b.meta("rcvd", count_bucket(m.header_count("Received"), 8));
  if (const mime::Header* h = m.header("List-Id")) {
    std::string_view v = h->value;
    size_t lt = v.rfind('<'), gt = v.rfind('>');
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
      v = v.substr(lt + 1, gt - lt - 1);
    }
    b.meta("list-id", lower_ascii(trim(v)));
  }
  if (m.header("List-Unsubscribe") != nullptr) b.meta("list-unsub", "yes");
  if (const mime::Header* h = m.header("Precedence")) {
    b.meta("precedence", lower_ascii(trim(h->value), 16));
  }
  if (const mime::Header* h = m.header("X-Priority")) {
    std::string v = trim(h->value);
    b.meta("x-priority", v.substr(0, 1));
  }
  if (const mime::Header* h = m.header("Return-Path")) {
    std::string d = domain_of(h->value);
    b.meta("rp-dom", d.empty() ? std::string("<null>") : d);
  }
  if (!m.date_valid) b.meta("date", m.header("Date") == nullptr ? "missing" : "invalid");
}

void mime_tokens(const mime::Message& m, Builder& b) {
  size_t parts = 0, attachments = 0;
  bool alternative = false;
  for (const mime::Part* p : m.parts) {
    if (p->is_embedded) continue;
    ++parts;
    if (p->is_multipart && p->content_type.subtype == "alternative") alternative = true;
    if (p->is_attachment && !p->is_multipart && !p->is_message) {
      ++attachments;
      std::string_view name = p->filename;
      size_t dot = name.rfind('.');
      if (dot != std::string_view::npos && name.size() - dot - 1 <= 10 && dot + 1 < name.size()) {
        b.meta("att-ext", lower_ascii(name.substr(dot + 1)));
      }
      b.meta("att-ct", std::string(p->content_type.type) + "/" +
                           std::string(p->content_type.subtype));
    }
  }
  b.meta("parts", count_bucket(parts, 8));
  b.meta("att", count_bucket(attachments));
  if (alternative) b.meta("alt", "yes");
  if (m.root != nullptr) {
    b.meta("ct", std::string(m.root->content_type.type) + "/" +
                     std::string(m.root->content_type.subtype).substr(0, kMaxValue));
  }
  size_t html = 0, images = 0, links = 0;
  bool form = false, password = false, script = false, iframe = false;
  for (const auto& tp : m.text_parts) {
    b.meta("charset", tp.charset_declared.empty() ? std::string("none")
                                                  : lower_ascii(tp.charset_declared, 32));
    if (tp.charset_detected) b.meta("charset-detected", lower_ascii(tp.charset_used, 32));
    if (tp.part != nullptr) b.meta("cte", encoding_name(tp.part->encoding));
    if (!tp.is_html) continue;
    ++html;
    if (tp.html == nullptr) continue;
    images += tp.html->images.size();
    links += tp.html->links.size();
    form = form || !tp.html->forms.empty();
    for (const auto& f : tp.html->forms) password = password || f.has_password;
    script = script || tp.html->has_script;
    iframe = iframe || tp.html->has_iframe;
  }
  b.meta("text-parts", count_bucket(m.text_parts.size()));
  if (html > 0) {
    b.meta("html", html == m.text_parts.size() ? "only" : "yes");
    b.meta("html-img", log2_bucket(images));
    b.meta("html-links", log2_bucket(links));
    if (form) b.meta("html", "form");
    if (password) b.meta("html", "password");
    if (script) b.meta("html", "script");
    if (iframe) b.meta("html", "iframe");
  }
  b.meta("size", log2_bucket(m.raw.size()));
  for (uint32_t a = 0; a < static_cast<uint32_t>(mime::Anomaly::kCount); ++a) {
    auto an = static_cast<mime::Anomaly>(a);
    if (an == mime::Anomaly::kBareLf || an == mime::Anomaly::kMixedLineEndings) continue;
    if (m.anomalies.has(an)) b.meta("anomaly", mime::anomaly_name(an));
  }
}

void url_tokens(const mime::Message& m, const TokenizerOptions& o, Builder& b) {
  std::unordered_set<std::string_view> seen;
  for (const auto& u : m.urls) {
    if (seen.size() >= o.max_urls) break;
    if (!seen.insert(u.url).second) continue;
    std::string host = lower_ascii(u.host, 128);
    b.meta("url-host", host);
    if (!u.tld.empty() && u.tld != u.host) b.meta("url-dom", lower_ascii(u.tld, 128));
    std::string_view path = u.path;
    if (path.starts_with("/")) path.remove_prefix(1);
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, std::min(slash, path.size()));
    if (!seg.empty()) b.meta("url-path", host + "/" + std::string(seg.substr(0, 32)));
    if (u.host_is_ip) b.meta("url", "ip");
    if (u.has_user) b.meta("url", "user");
    if (u.obfuscated) b.meta("url", "obfuscated");
    if (u.port != 0) b.meta("url", "port");
    if (u.scheme != "http" && u.scheme != "https") b.meta("url-scheme", lower_ascii(u.scheme, 16));
  }
  b.meta("urls", log2_bucket(seen.size()));
  size_t emails = 0;
  for (const auto& e : m.emails) {
    if (e.origin == mime::Origin::kHeader) continue;
    if (emails++ >= o.max_urls) break;
    b.meta("email-dom", lower_ascii(e.domain, 128));
  }
}

// Sort and deduplicate. Token ids are hashes, spread evenly: one counting pass distributes
// them into 2^11 buckets by their top bits (in order between buckets), then each bucket,
// a couple of ids on average, is sorted on its own (insertion sort; std::sort for a bucket
// that is large because someone made words whose hashes share their top bits).
void sort_unique(std::vector<uint64_t>& v) {
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  constexpr size_t kSmallBucket = 32;
  if (v.size() < 256) {
    std::sort(v.begin(), v.end());
  } else {
    std::vector<uint32_t> start(kBuckets + 1, 0);
    for (uint64_t id : v) ++start[(id >> (64 - kBits)) + 1];
    for (size_t b = 1; b <= kBuckets; ++b) start[b] += start[b - 1];
    std::vector<uint64_t> out(v.size());
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (uint64_t id : v) out[next[id >> (64 - kBits)]++] = id;
    for (size_t b = 0; b < kBuckets; ++b) {
      uint64_t* first = out.data() + start[b];
      uint64_t* last = out.data() + start[b + 1];
      if (static_cast<size_t>(last - first) > kSmallBucket) {
        std::sort(first, last);
        continue;
      }
      for (uint64_t* i = first + 1; i < last; ++i) {
        uint64_t x = *i;
        uint64_t* j = i;
        for (; j > first && *(j - 1) > x; --j) *j = *(j - 1);
        *j = x;
      }
    }
    v.swap(out);
  }
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

uint64_t meta_token(std::string_view name) {
  uint64_t h = hash_bytes(name, kMetaSeed);
  return h != 0 ? h : 1;
}

uint64_t word_hash(std::string_view normalised_word, bool subject) {
  return hash_bytes(normalised_word, subject ? kSubjectSeed : kBodySeed);
}

uint64_t unigram_token(uint64_t word) {
  uint64_t h = fmix64(word ^ kUnigramSalt);
  return h != 0 ? h : 1;
}

uint64_t bigram_token(uint64_t first, uint64_t second, unsigned gap) {
  uint64_t h = pair_hash(first, second, gap);
  return h != 0 ? h : 1;
}

Tokens tokenize(const mime::Message& message, WordSplitter& splitter,
                const TokenizerOptions& options, std::vector<std::string>* trace) {
  Tokens t;
  std::vector<uint64_t>& out = t.ids;
  out.reserve(4096);
  Builder b(out, trace);
  TextSize size = text_tokens(message, splitter, options, b);
  t.text = out.size();
  b.meta("text-len", log2_bucket(size.bytes));
  if (size.words == 0) b.meta("text", "empty");
  header_tokens(message, splitter, b);
  mime_tokens(message, b);
  url_tokens(message, options, b);
  sort_unique(out);
  return t;
}

}  // namespace mw::classify
