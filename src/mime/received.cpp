// Received trace fields (see received.h): a tokenizer for the field value, then one walk over
// the clauses, then the client comment (reverse DNS, IP, HELO) and the TLS/auth hints.
#include "mime/received.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/ip_address.h"
#include "mime/date.h"
#include "mime/strutil.h"

namespace mw::mime {

namespace {

using std::string_view;

// ---------------------------------------------------------------------------------------
// Tokens

enum class Tk : uint8_t { kWord, kComment, kLiteral, kAngle, kQuoted, kSemi, kComma };

// Plain data without initializers: a TokenList's array is left uninitialised until filled.
struct Token {
  Tk kind;
  string_view text;  // inner text for comments, literals, angles and quoted strings
  string_view full;  // as written, delimiters included
  size_t end;        // offset just past the token in the tokenized string
};

struct TokenList {
  std::array<Token, kMaxReceivedTokens> t;
  size_t n = 0;
};

bool is_special(char c) {
  return c == '(' || c == ')' || c == '[' || c == ']' || c == '<' || c == '>' || c == ';' ||
         c == ',' || c == '"';
}

// Offset just past the delimiter closing the construct opened at s[i] (nesting `open`), or
// s.size() when it never closes. Backslash escapes the next byte (RFC 5322 quoted-pair).
size_t close_of(string_view s, size_t i, char open, char close, bool nest) {
  int depth = 0;
  for (size_t j = i; j < s.size(); ++j) {
    char c = s[j];
    if (c == '\\') {
      ++j;
      continue;
    }
    if (c == open && (nest || j == i)) {
      ++depth;
    } else if (c == close) {
      if (--depth == 0) return j + 1;
    }
  }
  return s.size();
}

// The constructs that run to a closing delimiter, and the token each makes. Comments and
// domain literals nest; an angle address ends at the first '>' (no escapes).
struct Delimited {
  char open;
  char close;
  Tk kind;
};
constexpr Delimited kDelimited[] = {
    {'(', ')', Tk::kComment},
    {'[', ']', Tk::kLiteral},
    {'<', '>', Tk::kAngle},
    {'"', '"', Tk::kQuoted},
};

const Delimited* delimited_by(char open) {
  for (const auto& d : kDelimited) {
    if (d.open == open) return &d;
  }
  return nullptr;
}

// Offset just past the construct `d` opened at s[i] (s.size() when it never closes).
size_t end_of(string_view s, size_t i, const Delimited& d) {
  if (d.kind == Tk::kAngle) {
    size_t gt = s.find('>', i);
    return gt == string_view::npos ? s.size() : gt + 1;
  }
  return close_of(s, i, d.open, d.close, d.kind != Tk::kQuoted);
}

void tokenize(string_view s, TokenList& out) {
  out.n = 0;
  size_t i = 0;
  while (i < s.size() && out.n < out.t.size()) {
    char c = s[i];
    if (is_fws(c)) {
      ++i;
      continue;
    }
    Token tok{Tk::kWord, {}, {}, 0};
    size_t start = i;
    const Delimited* d = delimited_by(c);
    if (d) {
      i = end_of(s, i, *d);
      tok.kind = d->kind;
    } else {
      switch (c) {
        case ';':
          ++i;
          tok.kind = Tk::kSemi;
          break;
        case ',':
          ++i;
          tok.kind = Tk::kComma;
          break;
        case ')':
        case ']':
        case '>':
          ++i;  // stray closer
          continue;
        default:
          while (i < s.size() && !is_fws(s[i]) && !is_special(s[i])) ++i;
          tok.kind = Tk::kWord;
          break;
      }
    }
    tok.full = s.substr(start, i - start);
    tok.end = i;
    tok.text = tok.full;
    if (d) {
      string_view inner = tok.full.substr(1);
      if (!inner.empty() && inner.back() == d->close) inner.remove_suffix(1);
      tok.text = trim_fws(inner);
    }
    out.t[out.n++] = tok;
  }
}

bool ieq(string_view a, string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

bool icontains(string_view hay, string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (istarts_with(hay.substr(i), needle)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Addresses and names

// Parse an IP written as a Received field writes it: "192.0.2.1", "[IPv6:2001:db8::1]"
// contents, "192.0.2.1:25", "192.0.2.1.25", "fe80::1%6", "(192.0.2.1)", "::ffff:192.0.2.1".
// On success `text` is the canonical form in the arena (IPv4-mapped addresses as IPv4).
bool parse_ip(core::Arena& arena, string_view s, string_view& text, uint8_t& family) {
  s = trim_fws(s);
  while (!s.empty() && (s.front() == '(' || s.front() == '[')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ')' || s.back() == ']' || s.back() == '.')) s.remove_suffix(1);
  if (istarts_with(s, "IPv6:")) s.remove_prefix(5);
  if (s.empty() || s.size() > 63) return false;
  auto pct = s.find('%');
  if (pct != string_view::npos) s = s.substr(0, pct);
  size_t colons = 0, dots = 0;
  for (char c : s) {
    if (c == ':') ++colons;
    if (c == '.') ++dots;
    if (!(is_digit(c) || c == ':' || c == '.' || hex_value(c) >= 0)) return false;
  }
  if (colons == 1 && dots == 3) {  // IPv4:port
    s = s.substr(0, s.find(':'));
    colons = 0;
  }
  if (colons == 0 && dots == 4) s = s.substr(0, s.rfind('.'));  // IPv4.port (Exim 3)
  // IPv4 text has no colon and IPv6 text always has one, so the family is what was written.
  auto addr = core::IpAddress::parse(s);
  if (!addr) return false;
  core::IpAddress plain = addr->unmapped();  // an IPv4-mapped address is its IPv4 address
  family = plain.family;
  text = arena.dup(string_view(plain.to_string()));
  return true;
}

// A host name as MTAs print them: letters, digits, '-', '_', '.', with at least one letter.
bool hostname_like(string_view s) {
  if (s.empty() || s.size() > 255) return false;
  bool letter = false;
  for (char c : s) {
    if (is_alpha(c)) {
      letter = true;
    } else if (!(is_digit(c) || c == '-' || c == '.' || c == '_')) {
      return false;
    }
  }
  return letter;
}

// A name worth recording as reverse DNS: a host name with a dot, or localhost.
bool rdns_like(string_view s) {
  return hostname_like(s) && (s.find('.') != string_view::npos || ieq(s, "localhost"));
}

bool is_no_rdns_marker(string_view w) {
  return ieq(w, "unknown") || ieq(w, "softdnserr") || ieq(w, "unverified") ||
         ieq(w, "nodnsquery") || ieq(w, "unknown.domain");
}

string_view strip_dot(string_view s) {
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------------------
// Protocols

struct ProtoInfo {
  ReceivedProto proto = ReceivedProto::kUnknown;
  bool tls = false;
  bool auth = false;
  bool utf8 = false;
  bool known = false;
  string_view cipher;  // "ESMTP/TLS/<cipher>"
};

// The SMTP family with RFC 3848 suffixes: base + "", "s", "a", "sa".
bool smtp_family(string_view w, ProtoInfo& p) {
  static constexpr std::pair<string_view, ReceivedProto> kBases[] = {
      {"esmtp", ReceivedProto::kEsmtp}, {"bsmtp", ReceivedProto::kSmtp},
      {"smtp", ReceivedProto::kSmtp},   {"lmtp", ReceivedProto::kLmtp}};
  for (const auto& [base, proto] : kBases) {
    if (!istarts_with(w, base)) continue;
    string_view rest = w.substr(base.size());
    if (rest.empty() || ieq(rest, "s") || ieq(rest, "a") || ieq(rest, "sa")) {
      p.proto = proto;
      p.tls = rest.size() >= 1 && to_lower(rest[0]) == 's';
      p.auth = !rest.empty() && to_lower(rest.back()) == 'a';
      p.known = true;
      return true;
    }
  }
  return false;
}

ProtoInfo classify_proto(string_view w) {
  ProtoInfo p;
  if (w.empty() || w.size() > 64) return p;
  // "ESMTP/TLS/DHE-RSA-AES256-GCM-SHA384"
  auto slash = w.find('/');
  if (slash != string_view::npos) {
    ProtoInfo head = classify_proto(w.substr(0, slash));
    string_view rest = w.substr(slash + 1);
    if (istarts_with(rest, "tls")) {
      head.tls = true;
      auto s2 = rest.find('/');
      if (s2 != string_view::npos) head.cipher = rest.substr(s2 + 1);
    }
    return head;
  }
  if (istarts_with(w, "local-")) {
    ProtoInfo rest = classify_proto(w.substr(6));
    if (!rest.known) rest.proto = ReceivedProto::kLocal;
    rest.known = true;
    return rest;
  }
  if (w.size() > 4 && ieq(w.substr(w.size() - 4), "-tls")) {  // CommuniGate "ESMTP-TLS"
    ProtoInfo base = classify_proto(w.substr(0, w.size() - 4));
    base.tls = base.known;
    return base;
  }
  if (istarts_with(w, "utf8")) {
    ProtoInfo base;
    if (smtp_family(w.substr(4), base)) {
      base.utf8 = true;
      if (base.proto == ReceivedProto::kSmtp) base.proto = ReceivedProto::kEsmtp;
      return base;
    }
  }
  if (smtp_family(w, p)) return p;
  p.known = true;
  if (ieq(w, "local")) {
    p.proto = ReceivedProto::kLocal;
  } else if (ieq(w, "http") || ieq(w, "httprest")) {
    p.proto = ReceivedProto::kHttp;
  } else if (ieq(w, "https")) {
    p.proto = ReceivedProto::kHttp;
    p.tls = true;
  } else if (ieq(w, "imap") || ieq(w, "imaps")) {
    p.proto = ReceivedProto::kImap;
    p.tls = w.size() == 5;
  } else if (ieq(w, "pop3") || ieq(w, "pop") || ieq(w, "pop3s")) {
    p.proto = ReceivedProto::kPop3;
    p.tls = w.size() == 5;
  } else if (ieq(w, "mapi")) {
    p.proto = ReceivedProto::kMapi;
  } else if (istarts_with(w, "smtpsvc")) {  // Microsoft SMTPSVC(5.0.2195.6624)
    p.proto = ReceivedProto::kSmtp;
  } else {
    p.known = false;
  }
  return p;
}

// ---------------------------------------------------------------------------------------
// TLS and authentication hints in comments

// "TLSv1.3", "TLS1_2", "TLS1.2", "TLS-1.0", "TLSv1", "TLSv1/SSLv3", "SSLv3" -> canonical.
string_view tls_version_of(string_view w) {
  string_view v;
  if (istarts_with(w, "ssl")) {
    string_view rest = w.substr(3);
    if (ieq(rest, "v3") || ieq(rest, "3")) return "SSLv3";
    return {};
  }
  if (!istarts_with(w, "tls")) return {};
  v = w.substr(3);
  if (istarts_with(v, "v")) v.remove_prefix(1);
  if (!v.empty() && (v[0] == '-' || v[0] == '_')) v.remove_prefix(1);
  if (istarts_with(v, "1/ssl")) return "TLSv1.0";  // "TLSv1/SSLv3": negotiated TLS 1.0 or SSL
  if (v == "1" || v == "1.0" || v == "1_0") return "TLSv1.0";
  if (v == "1.1" || v == "1_1") return "TLSv1.1";
  if (v == "1.2" || v == "1_2") return "TLSv1.2";
  if (v == "1.3" || v == "1_3") return "TLSv1.3";
  return {};
}

bool cipher_like(string_view w) {
  if (w.size() < 6 || w.size() > 80) return false;
  for (char c : w) {
    if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_')) return false;
  }
  return icontains(w, "AES") || icontains(w, "CHACHA") || icontains(w, "DES") ||
         icontains(w, "RC4") || icontains(w, "CAMELLIA") || icontains(w, "GCM") ||
         icontains(w, "SHA");
}

bool is_piece_sep(char c) {
  return is_fws(c) || c == ',' || c == ';' || c == '(' || c == ')' || c == '[' || c == ']';
}

void scan_tls(string_view text, Received& r) {
  string_view version = r.tls_version, cipher = r.tls_cipher;
  bool want_cipher_next = false;
  size_t i = 0;
  int pieces = 0;
  while (i < text.size() && pieces < 64) {
    while (i < text.size() && is_piece_sep(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_piece_sep(text[i])) ++i;
    string_view w = text.substr(start, i - start);
    if (w.empty()) break;
    ++pieces;
    if (want_cipher_next) {
      want_cipher_next = false;
      auto colon = w.find(':');
      if (colon == string_view::npos && cipher_like(w)) {
        cipher = w;
        continue;
      }
    }
    if (istarts_with(w, "version=")) {
      string_view v = tls_version_of(w.substr(8));
      if (!v.empty()) version = v;
      continue;
    }
    if (istarts_with(w, "cipher=")) {
      if (cipher_like(w.substr(7))) cipher = w.substr(7);
      continue;
    }
    if (ieq(w, "cipher") || ieq(w, "tls_cipher")) {
      want_cipher_next = true;
      continue;
    }
    auto colon = w.find(':');
    if (colon != string_view::npos && colon > 0) {  // Exim "TLS1.2:ECDHE_RSA_...:256"
      string_view v = tls_version_of(w.substr(0, colon));
      if (!v.empty()) {
        version = v;
        string_view rest = w.substr(colon + 1);
        string_view c = rest.substr(0, rest.find(':'));
        if (cipher_like(c)) cipher = c;
      }
      continue;
    }
    string_view v = tls_version_of(w);
    if (!v.empty()) {
      version = v;
    } else if (!version.empty() && cipher.empty() && cipher_like(w)) {
      cipher = w;  // Courier "TLS: TLSv1/SSLv3, 168bits,DES-CBC3-SHA"
    }
  }
  if (!version.empty() || !cipher.empty()) {
    r.tls_version = version;
    r.tls_cipher = cipher;
    r.flags |= kRcvdTls;
  }
}

bool auth_comment(string_view text) {
  // One lower-cased copy of (the start of) the comment, then plain searches.
  char buf[512];
  size_t n = text.size() < sizeof buf ? text.size() : sizeof buf;
  for (size_t i = 0; i < n; ++i) buf[i] = to_lower(text[i]);
  string_view t(buf, n);
  for (string_view needle : {string_view("authenticated"), string_view(" auth:"),
                             string_view(" with plain"), string_view(" with login"),
                             string_view(" with cram-md5")}) {
    if (t.find(needle) != string_view::npos) return true;
  }
  return t.substr(0, 5) == "auth:" || t.substr(0, 8) == "account ";
}

// ---------------------------------------------------------------------------------------
// The client comment(s) after `from VALUE`

struct ClientInfo {
  string_view helo;
  bool helo_explicit = false;
  string_view rdns;
  bool rdns_absent = false;
  string_view ip;
  uint8_t family = 0;
  string_view ident;
  bool forged = false;
};

void client_word(core::Arena& arena, const Token* t, size_t n, size_t& i, ClientInfo& ci) {
  string_view w = t[i].text;
  string_view ip;
  uint8_t fam = 0;
  if (istarts_with(w, "helo=")) {
    ci.helo = w.substr(5);
    ci.helo_explicit = true;
    if (ci.helo.empty() && i + 1 < n && t[i + 1].kind == Tk::kLiteral &&
        t[i + 1].full.data() == w.data() + w.size()) {  // "helo=[192.0.2.1]"
      ci.helo = t[i + 1].full;
      ++i;
    }
    return;
  }
  if (ieq(w, "helo") || ieq(w, "ehlo") || ieq(w, "lhlo")) {
    ci.helo_explicit = true;
    if (i + 1 < n && (t[i + 1].kind == Tk::kWord || t[i + 1].kind == Tk::kLiteral)) {
      ci.helo = t[i + 1].full;
      ++i;
    }
    return;
  }
  if (istarts_with(w, "ident=")) {
    ci.ident = w.substr(6);
    return;
  }
  if (istarts_with(w, "IDENT:")) {
    ci.ident = w.substr(6);
    return;
  }
  auto at = w.rfind('@');
  if (at != string_view::npos) {
    if (at + 1 == w.size() && i + 1 < n && t[i + 1].kind == Tk::kLiteral) {
      // "user@[192.0.2.1]"
      ci.ident = w.substr(0, at);
      if (ci.ip.empty() && parse_ip(arena, t[i + 1].text, ip, fam)) {
        ci.ip = ip;
        ci.family = fam;
      }
      ++i;
      return;
    }
    ci.ident = w;
    if (ci.ip.empty() && parse_ip(arena, w.substr(at + 1), ip, fam)) {
      ci.ip = ip;
      ci.family = fam;
    }
    return;
  }
  if (ci.ip.empty() && parse_ip(arena, w, ip, fam)) {
    ci.ip = ip;
    ci.family = fam;
    return;
  }
  if (is_no_rdns_marker(w)) {
    ci.rdns_absent = true;
    return;
  }
  if (ieq(w, "rdns") && i + 1 < n && ieq(t[i + 1].text, "failed")) {  // Exchange
    ci.rdns_absent = true;
    ++i;
    return;
  }
  if (ci.rdns.empty() && !ci.rdns_absent && rdns_like(w)) ci.rdns = strip_dot(w);
}

void client_tokens(core::Arena& arena, const Token* t, size_t n, ClientInfo& ci, int depth) {
  for (size_t i = 0; i < n; ++i) {
    switch (t[i].kind) {
      case Tk::kWord:
        client_word(arena, t, n, i, ci);
        break;
      case Tk::kLiteral: {
        string_view ip;
        uint8_t fam = 0;
        if (ci.ip.empty() && parse_ip(arena, t[i].text, ip, fam)) {
          ci.ip = ip;
          ci.family = fam;
        }
        break;
      }
      case Tk::kAngle:
        if (icontains(t[i].text, "unknown")) {
          ci.rdns_absent = true;
        } else if (ci.rdns.empty() && rdns_like(t[i].text)) {
          ci.rdns = strip_dot(t[i].text);
        }
        break;
      case Tk::kComment:
        if (istarts_with(t[i].text, "may be forged")) {
          ci.forged = true;
        } else if (depth < 3) {
          TokenList inner;
          tokenize(t[i].text, inner);
          client_tokens(arena, inner.t.data(), inner.n, ci, depth + 1);
        }
        break;
      default:
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Clauses

enum class Clause : uint8_t { kNone, kFrom, kBy, kVia, kWith, kId, kFor, kCount };

Clause keyword(const Token& t) {
  if (t.kind != Tk::kWord) return Clause::kNone;
  string_view w = t.text;
  if (ieq(w, "from")) return Clause::kFrom;
  if (ieq(w, "by")) return Clause::kBy;
  if (ieq(w, "via")) return Clause::kVia;
  if (ieq(w, "with")) return Clause::kWith;
  if (ieq(w, "id")) return Clause::kId;
  if (ieq(w, "for")) return Clause::kFor;
  return Clause::kNone;
}

bool value_token(const Token& t) {
  return (t.kind == Tk::kWord && keyword(t) == Clause::kNone) || t.kind == Tk::kLiteral ||
         t.kind == Tk::kAngle || t.kind == Tk::kQuoted;
}

void apply_proto(const ProtoInfo& p, Received& r) {
  r.proto = p.proto;
  if (p.tls) r.flags |= kRcvdTls;
  if (p.auth) r.flags |= kRcvdAuth;
  if (p.utf8) r.flags |= kRcvdUtf8;
  if (!p.cipher.empty() && r.tls_cipher.empty()) r.tls_cipher = p.cipher;
}

// The `with` clause starting at t[i] (the value). Returns the index after what it used.
size_t with_clause(const Token* t, size_t n, size_t i, Received& r) {
  const Token& v = t[i];
  r.with = v.text;
  ProtoInfo p;
  if (v.kind == Tk::kLiteral) {  // "[XMail 1.20 ESMTP Server]"
    TokenList inner;
    tokenize(v.text, inner);
    for (size_t k = 0; k < inner.n && !p.known; ++k) {
      if (inner.t[k].kind == Tk::kWord) p = classify_proto(inner.t[k].text);
    }
  } else {
    p = classify_proto(v.text);
  }
  size_t next = i + 1;
  // "Microsoft SMTPSVC", "MailEnable ESMTP", "AES256-GCM-SHA384 encrypted SMTP"
  for (int look = 0; !p.known && look < 2 && next < n && value_token(t[next]) &&
                     t[next].kind == Tk::kWord;
       ++look) {
    if (ieq(t[next].text, "encrypted")) {
      r.flags |= kRcvdTls;
      if (cipher_like(v.text)) r.tls_cipher = v.text;
    } else {
      p = classify_proto(t[next].text);
      if (p.known) r.with = t[next].text;
    }
    ++next;
  }
  if (p.known) apply_proto(p, r);
  return next;
}

int64_t parse_trace_date(string_view s) {
  s = trim_fws(s);
  if (s.empty()) return 0;
  auto dt = parse_date(s);
  return dt ? to_unix_time(*dt) : 0;
}

}  // namespace

std::string_view received_proto_name(ReceivedProto p) {
  switch (p) {
    case ReceivedProto::kUnknown: return "unknown";
    case ReceivedProto::kSmtp: return "smtp";
    case ReceivedProto::kEsmtp: return "esmtp";
    case ReceivedProto::kLmtp: return "lmtp";
    case ReceivedProto::kHttp: return "http";
    case ReceivedProto::kImap: return "imap";
    case ReceivedProto::kPop3: return "pop3";
    case ReceivedProto::kLocal: return "local";
    case ReceivedProto::kMapi: return "mapi";
    case ReceivedProto::kOther: return "other";
  }
  return "unknown";
}

Received parse_received(core::Arena& arena, std::string_view value) {
  Received r;
  r.raw = value;
  string_view s = value.substr(0, kMaxReceivedParse);
  TokenList top;
  tokenize(s, top);
  // The date follows the last ';' outside comments.
  size_t end = top.n;
  for (size_t i = 0; i < top.n; ++i) {
    if (top.t[i].kind == Tk::kSemi) end = i;
  }
  // "(from localhost [192.0.2.1]) by host ...": the from clause inside a leading comment.
  TokenList lead;
  const Token* t = top.t.data();
  size_t n = end;
  TokenList joined;
  if (n > 0 && t[0].kind == Tk::kComment && istarts_with(t[0].text, "from")) {
    tokenize(t[0].text, lead);
    for (size_t i = 0; i < lead.n; ++i) joined.t[joined.n++] = lead.t[i];
    for (size_t i = 1; i < n && joined.n < joined.t.size(); ++i) joined.t[joined.n++] = t[i];
    t = joined.t.data();
    n = joined.n;
    r.flags |= kRcvdFromComment;
  }

  bool seen[static_cast<size_t>(Clause::kCount)] = {};
  bool exim = false;
  bool from_seen = false;
  string_view from_ip;
  uint8_t from_family = 0;
  TokenList client;  // what follows the from value, up to the next keyword
  Clause cur = Clause::kNone;
  size_t i = 0;
  while (i < n) {
    const Token& tok = t[i];
    if (tok.kind == Tk::kComment) {
      if (istarts_with(tok.text, "Exim ")) exim = true;
      scan_tls(tok.text, r);
      if (auth_comment(tok.text)) r.flags |= kRcvdAuth;
    }
    if (tok.kind == Tk::kWord && ieq(tok.text, "tls") && i + 1 < n &&
        t[i + 1].kind == Tk::kWord && cipher_like(t[i + 1].text)) {  // Exim 4.9x "tls CIPHER"
      r.tls_cipher = t[i + 1].text;
      r.flags |= kRcvdTls;
      i += 2;
      continue;
    }
    if (tok.kind == Tk::kWord && ieq(tok.text, "encrypted") && i > 0 &&
        t[i - 1].kind == Tk::kWord && cipher_like(t[i - 1].text)) {  // "CIPHER encrypted SMTP"
      if (r.tls_cipher.empty()) r.tls_cipher = t[i - 1].text;
      r.flags |= kRcvdTls;
    }
    Clause k = keyword(tok);
    if (k == Clause::kNone) {
      if (cur == Clause::kFrom && client.n < client.t.size()) client.t[client.n++] = tok;
      ++i;
      continue;
    }
    ++i;
    auto idx = static_cast<size_t>(k);
    if (seen[idx]) {  // a repeated keyword ("from <bounce@...>" after the id): ignored
      cur = Clause::kNone;
      continue;
    }
    seen[idx] = true;
    cur = k;
    bool has_value = i < n && value_token(t[i]);
    switch (k) {
      case Clause::kFrom:
        from_seen = true;
        if (has_value && t[i].kind != Tk::kAngle) {
          r.from = t[i].full;
          if (parse_ip(arena, t[i].text, from_ip, from_family) && t[i].kind == Tk::kWord) {
            r.flags |= kRcvdHeloBareIp;
          }
          if (t[i].kind == Tk::kLiteral) r.flags |= kRcvdHeloLiteral;
          ++i;
        }
        break;
      case Clause::kWith:
        if (has_value) i = with_clause(t, n, i, r);
        break;
      case Clause::kBy:
      case Clause::kVia:
      case Clause::kId:
      case Clause::kFor: {  // one word each
        std::string_view& slot = k == Clause::kBy    ? r.by
                                 : k == Clause::kVia ? r.via
                                 : k == Clause::kId  ? r.id
                                                     : r.for_addr;
        if (has_value) slot = t[i++].text;
        break;
      }
      default:
        break;
    }
  }
  // Comments after the date (Postfix "(envelope-from ...)", "(PDT)") may still carry hints;
  // a "for <rcpt>" after the date is taken too.
  size_t date_end = s.size();
  for (size_t k = end + 1; k < top.n; ++k) {
    const Token& tok = top.t[k];
    if (keyword(tok) == Clause::kFor && r.for_addr.empty() && k + 1 < top.n &&
        value_token(top.t[k + 1])) {
      r.for_addr = top.t[k + 1].text;
      date_end = std::min(date_end, static_cast<size_t>(tok.full.data() - s.data()));
    }
  }
  if (end < top.n) {
    size_t date_start = top.t[end].end;
    if (date_end > date_start) r.timestamp = parse_trace_date(s.substr(date_start, date_end - date_start));
  }
  if (r.proto == ReceivedProto::kUnknown && !r.via.empty()) {
    ProtoInfo p = classify_proto(r.via);
    if (p.known) apply_proto(p, r);
  }
  if (r.proto == ReceivedProto::kUnknown && !r.with.empty()) r.proto = ReceivedProto::kOther;

  // Client: HELO, reverse DNS, IP.
  ClientInfo ci;
  client_tokens(arena, client.t.data(), client.n, ci, 0);
  string_view from_word = r.from;
  bool from_is_name = hostname_like(from_word);
  if (ci.helo_explicit) {
    r.helo = ci.helo;
    r.flags |= kRcvdHeloExplicit;
    r.flags &= static_cast<uint16_t>(~(kRcvdHeloLiteral | kRcvdHeloBareIp));
    if (!ci.helo.empty() && ci.helo.front() == '[') r.flags |= kRcvdHeloLiteral;
    string_view hip;
    uint8_t hfam = 0;
    if (!ci.helo.empty() && ci.helo.front() != '[' && parse_ip(arena, ci.helo, hip, hfam)) {
      r.flags |= kRcvdHeloBareIp;
    }
    if (!ci.rdns.empty()) {
      r.rdns = ci.rdns;
    } else if (from_is_name && !is_no_rdns_marker(from_word)) {
      r.rdns = strip_dot(from_word);
    } else if (is_no_rdns_marker(from_word)) {
      ci.rdns_absent = true;
    }
  } else {
    r.helo = from_word;
    if (exim && from_is_name) {
      // Exim 3 writes "RDNS (HELO) [IP]": a lone name in the comment is the HELO.
      if (!ci.rdns.empty()) {
        r.helo = ci.rdns;
        r.flags |= kRcvdHeloExplicit;
      }
      r.rdns = strip_dot(from_word);
    } else {
      r.rdns = ci.rdns;
    }
  }
  if (!r.rdns.empty() && !is_no_rdns_marker(r.rdns)) {
    r.rdns_state = RdnsState::kPresent;
  } else {
    r.rdns = {};
    if (ci.rdns_absent) r.rdns_state = RdnsState::kAbsent;
  }
  if (!ci.ip.empty()) {
    r.ip = ci.ip;
    r.ip_family = ci.family;
  } else if (!from_ip.empty()) {
    r.ip = from_ip;
    r.ip_family = from_family;
  }
  r.ident = ci.ident;
  if (ci.forged) r.flags |= kRcvdRdnsForged;
  r.parsed = from_seen || seen[static_cast<size_t>(Clause::kBy)] ||
             seen[static_cast<size_t>(Clause::kWith)];
  return r;
}

}  // namespace mw::mime
