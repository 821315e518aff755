// Labelled records: "Host: smtp.example.jp", "PASS=...", "user taro, port 587", JSON and
// Python-dict pairs ("\"pass\": \"...\","), HTML tables rendered as "label<TAB>value".
// Consecutive lines with pairs form one record; a label that comes back after the record has
// its identity and secret starts the next one (lists of several accounts).
#include <algorithm>

#include "outbound/credential_fields.h"
#include "outbound/credential_labels.h"
#include "outbound/credential_parse.h"

namespace mw::outbound::cred {

namespace {

constexpr size_t kMaxLabel = 48;
constexpr size_t kMaxPairsPerLine = 12;
constexpr size_t kMaxGap = 2;  // lines between two pairs of one record

struct Pair {
  LabelInfo info;
  std::string_view value;
  size_t line = 0;
  bool key = false;  // a program's key: spring.mail.password, SMTP_PASS, smtpHost
};


bool space(char c) { return c == ' ' || c == '\t'; }

// Whether an ideographic space (U+3000) starts at `i`.
bool wide_space(std::string_view s, size_t i) { return s.compare(i, 3, "\xE3\x80\x80") == 0; }

std::string_view trim(std::string_view s) {
  return core::trim_if(s, [](char c) { return space(c) || c == '\r'; });
}

// Whether a label is written as a configuration key rather than for people to read.
bool is_config_key(std::string_view label) {
  label = trim(label);
  if (label.size() >= 2 && (label.front() == '"' || label.front() == '\'') && label.back() == label.front()) {
    label = label.substr(1, label.size() - 2);
  }
  for (size_t i = 1; i + 1 < label.size(); ++i) {
    char a = label[i - 1], c = label[i], b = label[i + 1];
    if ((c == '.' || c == '_') && core::is_alnum(a) && core::is_alnum(b)) return true;
    if (core::is_lower(a) && core::is_upper(c)) return true;
  }
  return false;
}

// Leading list bullets and numbering: "- ", "* ", "• ", "・", "■ ", "1. ", "1) ".
std::string_view strip_bullet(std::string_view s) {
  s = trim(s);
  for (std::string_view b : {"- ", "* ", "+ ", "• ", "・", "■", "●", "◆", "○", "◇", "▶", "★", "※"}) {
    if (s.starts_with(b)) return trim(s.substr(b.size()));
  }
  size_t i = 0;
  while (i < s.size() && i < 3 && s[i] >= '0' && s[i] <= '9') ++i;
  if (i > 0 && i + 1 < s.size() && (s[i] == '.' || s[i] == ')') && space(s[i + 1])) {
    return trim(s.substr(i + 1));
  }
  return s;
}

// Words that join a label to its value in prose: "the password is X", "パスワードは X".
std::string_view strip_connector(std::string_view v) {
  v = trim(v);
  for (std::string_view c : {"is ", "ist ", "est ", "es ", "é ", "- ", "— ", "= ", ": ", "は",
                             "：", "-> ", "=> "}) {
    if (v.starts_with(c)) return trim(v.substr(c.size()));
  }
  return v;
}

// Text that can be a label: no segment delimiters, quotes only around it ("\"pass\"").
bool label_shaped(std::string_view label) {
  label = trim(label);
  if (label.size() >= 2 && (label.front() == '"' || label.front() == '\'') &&
      label.back() == label.front()) {
    label = label.substr(1, label.size() - 2);
  }
  if (label.empty() || label.find_first_of(",;|\"'{}[]<>@") != std::string_view::npos) {
    return false;
  }
  // No word of it is a host name ("mail.example.jp:465" is a value, not a label).
  size_t i = 0;
  while (i < label.size()) {
    size_t j = label.find(' ', i);
    if (j == std::string_view::npos) j = label.size();
    if (is_hostname(label.substr(i, j - i))) return false;
    i = j + 1;
  }
  return true;
}

// A label and the offset of its value at the start of `t`; nullopt when `t` does not start
// with a known label. `strict`: only ':' '=' '：' '->' '=>' separate (used to find the next
// pair inside a value); otherwise a TAB or a space after a one- to three-word label also
// does, when what follows is a single token.
struct Start {
  LabelInfo info;
  size_t value = 0;
  size_t label_end = 0;
};

// Whether `t` starts with a one-word label, spaces and a value token that ends the text or is
// followed by a delimiter or a space: the next pair of a chain written with spaces only
// ("host mail.example.jp port 465 login taro pass Xk7#pQ2m").
bool label_word_pair(std::string_view t) {
  size_t w = t.find_first_of(" \t");
  if (w == std::string_view::npos || w == 0 || w > 24) return false;
  std::string_view label = t.substr(0, w);
  if (!label_shaped(label) || label_of(label).kind == Label::kNone) return false;
  std::string_view rest = trim(t.substr(w));
  return !rest.empty() && std::string_view(",;|&/").find(rest.front()) == std::string_view::npos;
}

std::optional<Start> pair_at(std::string_view t, bool strict) {
  size_t limit = std::min(t.size(), kMaxLabel + 4);
  for (size_t i = 1; i < limit; ++i) {
    size_t sep_len = 0;
    if (t[i] == ':' || t[i] == '=') sep_len = 1;
    else if (t.compare(i, 3, "：") == 0) sep_len = 3;
    else if (t.compare(i, 2, "->") == 0 || t.compare(i, 2, "=>") == 0) sep_len = 2;
    else if (!strict && t[i] == '\t') sep_len = 1;
    if (sep_len == 0) continue;
    // "smtp://", "http://": not a label.
    if (t.compare(i, 3, "://") == 0) return {};
    LabelInfo info = label_shaped(t.substr(0, i)) ? label_of(t.substr(0, i)) : LabelInfo{};
    if (info.kind == Label::kNone) break;  // maybe "Label value / ... host:port"
    size_t v = i + sep_len;
    if (t[i] == '=' && v < t.size() && t[v] == '>') ++v;
    return Start{info, v, i};
  }
  if (strict) return {};
  // "Host smtp.example.jp", "Password Xk7#pQ2m", "SMTP server mail.example.jp", and with an
  // ideographic space: "パスワード　Xk7#pQ2m".
  size_t words = 0;
  for (size_t i = 0; i < t.size() && words < 3; ++i) {
    bool wide = wide_space(t, i);
    if (!space(t[i]) && !wide) continue;
    ++words;
    std::string_view label = t.substr(0, i);
    if (label.size() > kMaxLabel) return {};
    std::string_view rest = strip_connector(t.substr(wide ? i + 3 : i));
    if (rest.empty()) return {};
    size_t end = rest.find_first_of(" \t,;|&");
    std::string_view tail = end == std::string_view::npos ? std::string_view() : trim(rest.substr(end));
    if (!tail.empty() && std::string_view(",;|(/&").find(tail.front()) == std::string_view::npos &&
        !(words == 1 && label_word_pair(tail))) {
      continue;  // more words follow: prose, or a longer label (unless the next pair does)
    }
    if (!label_shaped(label)) return {};
    LabelInfo info = label_of(label);
    if (info.kind == Label::kNone) continue;
    return Start{info, static_cast<size_t>(rest.data() - t.data()), i};
  }
  return {};
}

// Whether `t` starts like any "key: value" or "key=value" pair, known label or not
// ("\"status\": \"ok\"", "timeout=30"): the end of the value before it.
bool looks_like_pair(std::string_view t) {
  size_t limit = std::min(t.size(), kMaxLabel);
  for (size_t i = 1; i < limit; ++i) {
    if (t[i] != ':' && t[i] != '=') continue;
    if (t.compare(i, 3, "://") == 0) return false;
    std::string_view label = t.substr(0, i);
    return label_shaped(label) && std::count(label.begin(), label.end(), ' ') <= 2;
  }
  return false;
}

// Whether `t` starts with an unlabelled SMTP server: host:port, or a mail server's name.
bool is_bare_server(std::string_view t) {
  Field f = classify(t.substr(0, t.find_first_of(",;|\t &/")));
  return (f.kind == Kind::kHostPort && !is_other_service_port(f.port)) ||
         (f.kind == Kind::kHost && is_mail_host(f.text));
}

// The pairs of one line (at most kMaxPairsPerLine).
void pairs_in(const Line& line, std::vector<Pair>& out) {
  std::string_view s = strip_bullet(line.text);
  size_t pos = 0, found = 0;
  while (pos < s.size() && found < kMaxPairsPerLine) {
    std::string_view t = s.substr(pos);
    while (!t.empty() && (space(t.front()) || t.front() == ',' || t.front() == ';' ||
                          t.front() == '|' || t.front() == '{' || t.front() == '}' ||
                          t.front() == '/' || t.front() == '&' || wide_space(t, 0))) {
      t.remove_prefix(wide_space(t, 0) ? 3 : 1);
    }
    auto start = pair_at(t, false);
    if (!start) {
      // An unlabelled server between labelled pairs ("User x / Pass y / smtp.example.jp:587").
      if (found > 0 && is_bare_server(t)) {
        Field f = classify(t.substr(0, t.find_first_of(",;|\t &/")));
        Pair p;
        p.info.kind = Label::kHost;
        p.value = f.text;
        p.line = line.index;
        out.push_back(p);
        if (f.kind == Kind::kHostPort && is_smtp_port(f.port)) {
          Pair port;
          port.info.kind = Label::kPort;
          port.value = f.text.substr(f.text.rfind(':') + 1);
          port.line = line.index;
          out.push_back(port);
        }
      }
      // Next segment.
      size_t next = t.find_first_of(",;|\t &");
      size_t wide = t.find("\xE3\x80\x80");
      if (wide != std::string_view::npos && (next == std::string_view::npos || wide < next)) next = wide + 2;
      if (next == std::string_view::npos) break;
      pos = static_cast<size_t>(t.data() - s.data()) + next + 1;
      continue;
    }
    std::string_view rest = t.substr(start->value);
    // The value runs to the next labelled pair on this line (strict separators).
    size_t end = rest.size();
    // After a segment delimiter (, ; | TAB) any pair form starts the next pair; after a plain
    // space only a labelled one with a separator ("... pass=x", "... user: y").
    for (size_t i = 0; i + 1 < rest.size(); ++i) {
      bool segment = rest[i] == ',' || rest[i] == ';' || rest[i] == '|' || rest[i] == '\t' ||
                     rest[i] == '{' || rest[i] == '&' || wide_space(rest, i) ||
                     (rest[i] == '/' && i > 0 && rest[i - 1] == ' ');
      if (!segment && rest[i] != ' ') continue;
      // The value has at least one token: "pass: Xk7#pQ2m host: ..." is not a pair labelled
      // "Xk7#pQ2m host" right after "pass:".
      if (!segment && trim(rest.substr(0, i)).empty()) continue;
      std::string_view after = rest.substr(i + (wide_space(rest, i) ? 3 : 1));
      while (!after.empty() && (space(after.front()) || after.front() == ',' || after.front() == '{' ||
                                after.front() == '/')) {
        after.remove_prefix(1);
      }
      // A chain written with spaces only: a one-token value, then the next "label value".
      bool chained = !segment && t[start->label_end] == ' ' &&
                     trim(rest.substr(0, i)).find_first_of(" \t") == std::string_view::npos &&
                     label_word_pair(after);
      if (!after.empty() && (pair_at(after, !segment) || (segment && looks_like_pair(after)) ||
                             (segment && is_bare_server(after)) || chained)) {
        end = i;
        break;
      }
    }
    Pair p;
    p.info = start->info;
    p.value = strip_connector(rest.substr(0, end));
    p.line = line.index;
    p.key = is_config_key(t.substr(0, start->label_end));
    if (!p.value.empty()) out.push_back(p);
    ++found;
    // The delimiter itself is skipped at the top of the loop (it may be several bytes).
    pos = static_cast<size_t>(rest.data() - s.data()) + end;
    if (end == 0 && pos < s.size() && !wide_space(s, pos)) ++pos;
  }
}

// The first token of a value and whether only a note follows it ("Xk7#pQ2m (change it)").
// A quoted value ("...", '...') is the text between its quotes (JSON, dicts, YAML).
std::string_view first_token(std::string_view v, bool& alone) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) {
    size_t close = 1;
    while (close < v.size() && v[close] != v.front()) close += v[close] == '\\' ? 2 : 1;
    if (close < v.size()) {
      std::string_view tail = trim(v.substr(close + 1));
      while (!tail.empty() && std::string_view(",;}]").find(tail.front()) != std::string_view::npos) {
        tail = trim(tail.substr(1));
      }
      alone = tail.empty() || tail.front() == '#' || tail.starts_with("//");
      return v.substr(1, close - 1);
    }
  }
  while (!v.empty() && (v.back() == ',' || v.back() == ';')) v.remove_suffix(1);
  v = trim(v);
  size_t end = v.size();
  for (size_t i = 0; i < v.size(); ++i) {
    if (space(v[i]) || wide_space(v, i) || v.compare(i, 3, "（") == 0 || v.compare(i, 3, "※") == 0) {
      end = i;
      break;
    }
  }
  std::string_view tok = v.substr(0, end);
  std::string_view tail = trim(v.substr(end));
  alone = tail.empty() || std::string_view("([<-/|,;").find(tail.front()) != std::string_view::npos ||
          tail.starts_with("（") || tail.starts_with("※") || tail.starts_with("—") ||
          is_noise_word(tail);
  return tok;
}

void add_pair(Draft& d, const Pair& p) {
  bool alone = false;
  std::string_view tok = first_token(p.value, alone);
  if (tok.empty()) return;
  bool used = false;
  switch (p.info.kind) {
    case Label::kIdentity:
      if (d.identity.empty() && alone && (is_email(tok) || is_login_token(tok))) {
        d.identity = std::string(tok);
        used = true;
      }
      break;
    case Label::kSecret: {
      int strength = alone ? secret_strength(tok) : 0;
      if (strength == 1 && is_placeholder_word(tok)) strength = 0;
      if (strength > d.strength) {
        d.secret = tok;
        d.strength = strength;
        d.onboarding = p.info.onboarding;
        used = true;
      }
      break;
    }
    case Label::kHost: {
      if (p.info.other && !p.info.smtp) {
        d.foreign = true;
        break;
      }
      if (!d.host.empty()) break;
      std::string_view host = tok.substr(0, tok.find_first_of(",/"));
      int port = 0;
      if (size_t c = host.rfind(':'); c != std::string_view::npos) {
        port = parse_port(host.substr(c + 1));
        host = host.substr(0, c);
      }
      if (is_web_or_local_host(host) || host == "localhost") {
        d.foreign = true;
      } else if (is_hostname(host)) {
        d.host = std::string(host);
        d.mail_host = p.info.smtp || is_mail_host(host);
        if (is_other_service_port(port)) d.foreign = true;
        else if (port > 0 && d.port == 0) d.port = static_cast<uint16_t>(port);
        used = true;
      }
      break;
    }
    case Label::kPort: {
      size_t n = 0;
      while (n < tok.size() && tok[n] >= '0' && tok[n] <= '9') ++n;
      int port = parse_port(tok.substr(0, n));
      // Only a submission port says SMTP (1025 is a developer's local test server).
      if (p.info.other || (port > 0 && !is_smtp_port(port))) {
        if (port > 0) d.foreign = true;
      } else if (d.port == 0 && port > 0) {
        d.port = static_cast<uint16_t>(port);
        used = true;
      }
      break;
    }
    case Label::kMethod: {
      // "LOGIN", "AUTH PLAIN", "あり (LOGIN)", "yes, CRAM-MD5"
      std::string_view v = p.value;
      size_t i = 0;
      while (i < v.size() && d.method.empty()) {
        size_t j = v.find_first_of(" \t,;/()（）", i);
        if (j == std::string_view::npos) j = v.size();
        std::string_view w = v.substr(i, j - i);
        if (is_auth_method(w)) {
          d.method = std::string(w);
          for (char& c : d.method) {
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
          }
          used = true;
        }
        i = j + 1;
      }
      break;
    }
    case Label::kSecurity: case Label::kNone: break;
  }
  if (used) {
    d.last_line = std::max(d.last_line, p.line);
    d.first_line = std::min(d.first_line, p.line);
  }
}

bool has_kind(const Draft& d, Label k) {
  switch (k) {
    case Label::kIdentity: return !d.identity.empty();
    case Label::kSecret: return !d.secret.empty();
    case Label::kHost: return !d.host.empty();
    case Label::kPort: return d.port != 0;
    case Label::kMethod: return !d.method.empty();
    default: return false;
  }
}

}  // namespace

std::vector<Draft> parse_labelled(std::span<const Line> lines) {
  std::vector<Draft> out;
  std::vector<Pair> pairs;
  std::vector<size_t> json_lines;  // lines with JSON or dict syntax: the record's format
  std::vector<size_t> web_lines;   // lines naming another service by URL (a web site's login)
  for (const Line& l : lines) {
    size_t before = pairs.size();
    pairs_in(l, pairs);
    for (std::string_view scheme : {"http://", "https://", "ftp://", "sftp://", "ssh://"}) {
      if (l.text.find(scheme) != std::string_view::npos) web_lines.push_back(l.index);
    }
    if (pairs.size() > before && (l.text.find('{') != std::string_view::npos ||
                                  l.text.find("\":") != std::string_view::npos ||
                                  l.text.find("':") != std::string_view::npos)) {
      json_lines.push_back(l.index);
    }
  }
  Draft cur;
  bool open = false;
  size_t last_line = 0;
  bool json = false;
  size_t keys = 0, labels = 0;  // of the current record's pairs
  auto close = [&]() {
    for (size_t w : web_lines) {
      if (w + kMaxGap >= cur.first_line && w <= last_line + kMaxGap) cur.foreign = true;
    }
    if (open && !cur.secret.empty()) {
      cur.format = json ? "json" : "kv";
      // JSON is how checkers dump what worked ({"smtp_host": ..., "password": ...}): a
      // record, not a program's configuration, whatever its keys look like.
      cur.config = !json && keys * 2 >= labels;
      if (cur.complete() || cur.partial() || cur.account()) out.push_back(cur);
    }
    cur = Draft{};
    open = false;
    json = false;
    keys = labels = 0;
  };
  for (const Pair& p : pairs) {
    if (open && p.line > last_line + kMaxGap) close();
    // The same kind again in a record that already has its account: the next account.
    if (open && !cur.secret.empty() && !cur.identity.empty() && has_kind(cur, p.info.kind) &&
        (p.info.kind == Label::kIdentity || p.info.kind == Label::kSecret)) {
      Draft next;
      next.host = cur.host;
      next.port = cur.port;
      next.method = cur.method;
      close();
      cur = std::move(next);
    }
    if (!open) {
      cur.first_line = cur.last_line = p.line;
      open = true;
    }
    if (std::find(json_lines.begin(), json_lines.end(), p.line) != json_lines.end()) json = true;
    ++labels;
    if (p.key) ++keys;
    add_pair(cur, p);
    last_line = p.line;
  }
  close();
  return out;
}

}  // namespace mw::outbound::cred
