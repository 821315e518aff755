#include "outbound/credential_fields.h"

#include <algorithm>
#include <array>

namespace mw::outbound::cred {

namespace {

using core::is_alnum;
using core::is_alpha;
using core::is_digit;
using core::is_lower;
using core::is_upper;

bool all_of(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}

// The value of a run of at most 5 digits (callers check the length and the digits).
int small_number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool in_list(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::any_of(list.begin(), list.end(), [s](std::string_view w) { return iequals(s, w); });
}

// Top-level domains that are more often file extensions in mail text than hosts.
bool is_file_extension(std::string_view tld) {
  return in_list(tld, {"php", "html", "htm", "js", "css", "md", "py", "rs", "sh", "pl", "txt",
                       "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "zip", "jpg",
                       "jpeg", "png", "gif", "json", "xml", "yml", "yaml", "ini", "cfg", "conf",
                       "log", "exe", "dll", "ts", "go", "rb", "java", "cpp", "bak", "tmp", "eml",
                       "msg", "tar", "gz", "properties", "env", "toml", "lock", "sql", "bat"});
}

// Generic top-level domains seen in mail (every two-letter one is taken as a country code).
// A dotted login such as "taro.yamada" is not a host name.
bool is_generic_tld(std::string_view tld) {
  return in_list(tld, {
      "com", "net", "org", "info", "biz", "edu", "gov", "mil", "int", "name", "pro", "mobi",
      "asia", "tel", "travel", "jobs", "aero", "coop", "museum", "app", "dev", "online", "site",
      "shop", "store", "tech", "xyz", "club", "top", "vip", "cloud", "website", "space",
      "live", "life", "world", "today", "news", "blog", "page", "work", "works", "link", "click",
      "one", "global", "digital", "network", "services", "solutions", "company", "agency",
      "center", "group", "systems", "media", "studio", "design", "tokyo", "osaka", "nagoya",
      "yokohama", "kyoto", "okinawa", "berlin", "paris", "london", "moscow", "nyc", "wien",
      "swiss", "bayern", "hamburg", "quebec", "cat", "eus", "gal", "scot", "wales", "africa",
      "lat", "moe", "ninja", "rocks", "fun", "icu", "buzz", "best", "run", "zone", "team",
      "inc", "llc", "ltd", "gmbh", "bank", "insurance", "finance",
      "money", "capital", "fund", "cash", "loan", "credit", "game", "games", "social", "chat",
      "domains", "example", "test", "invalid", "localhost", "arpa",
      "rest", "bar", "wiki", "land", "guru", "city", "town", "green", "red", "blue", "pink",
      "black", "gold", "love", "care", "health", "clinic", "law", "legal", "school", "academy",
      "university", "college", "education", "science", "engineering", "energy"});
}

bool is_ipv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('.', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view p = s.substr(i, j - i);
    if (p.empty() || p.size() > 3 || !all_of(p, is_digit)) return false;
    if (small_number(p) > 255) return false;
    ++parts;
    i = j + 1;
    if (j == s.size()) break;
  }
  return parts == 4;
}

// Digits with date, time, phone and amount punctuation only: 2026-11-03, 12:30, 03-1234-5678,
// +81 3 1234 5678, 1,200.50, (03)1234.
bool looks_numeric(std::string_view s) {
  bool digit = false;
  for (char c : s) {
    if (is_digit(c)) {
      digit = true;
    } else if (std::string_view("-/:.,+() #").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digit;
}

int char_classes(std::string_view s) {
  bool lo = false, up = false, dg = false, sy = false;
  for (char c : s) {
    if (is_lower(c)) lo = true;
    else if (is_upper(c)) up = true;
    else if (is_digit(c)) dg = true;
    else sy = true;
  }
  // A title-case word ("Sakura", "Unchanged") is one class: it reads as a word. So do
  // lower-case words joined by dots, dashes or underscores ("taro.yamada", "aozora-clinic").
  if (up && lo && !dg && !sy && is_upper(s[0]) && std::all_of(s.begin() + 1, s.end(), is_lower)) {
    up = false;
  }
  if (lo && sy && !up && !dg && is_lower(s.front()) && is_lower(s.back()) &&
      std::all_of(s.begin(), s.end(), [](char c) { return is_lower(c) || c == '.' || c == '-' || c == '_'; })) {
    sy = false;
  }
  return lo + up + dg + sy;
}

// A user:pass@host[:port] (no scheme) or the userinfo part of an smtp:// URL.
bool split_userinfo(std::string_view s, Field& f) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0) return false;
  std::string_view left = s.substr(0, at);
  std::string_view right = s.substr(at + 1);
  // The user may itself be an address: split after its '@'.
  size_t from = left.find('@');
  size_t colon = left.find(':', from == std::string_view::npos ? 0 : from);
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= left.size()) return false;
  size_t slash = right.find('/');
  if (slash != std::string_view::npos) right = right.substr(0, slash);
  std::string_view host = right;
  int port = 0;
  if (size_t c = right.rfind(':'); c != std::string_view::npos) {
    port = parse_port(right.substr(c + 1));
    if (port < 0) return false;
    host = right.substr(0, c);
  }
  if (!is_hostname(host)) return false;
  std::string_view user = left.substr(0, colon);
  if (!is_login_token(user) && !is_email(user) && user.find('%') == std::string_view::npos) {
    return false;  // "CN=Hanako:mailto:hanako@example.jp" in a calendar
  }
  f.user = user;
  f.secret = left.substr(colon + 1);
  f.host = host;
  f.port = static_cast<uint16_t>(port);
  return true;
}

}  // namespace

std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    // Cyrillic capitals: U+0410..U+042F (D0 90..D0 AF) -> U+0430..U+044F; U+0401 -> U+0451.
    if (c == 0xD0 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x90 && d <= 0x9F) {
        out += static_cast<char>(0xD0);
        out += static_cast<char>(d + 0x20);
        ++i;
        continue;
      }
      if (d >= 0xA0 && d <= 0xAF) {
        out += static_cast<char>(0xD1);
        out += static_cast<char>(d - 0x20);
        ++i;
        continue;
      }
      if (d == 0x81) {
        out += "\xD1\x91";
        ++i;
        continue;
      }
    }
    // Full-width ASCII (ＳＭＴＰ, ＩＤ, ＰＷ, ：): U+FF01..U+FF5E (EF BC 81..EF BD 9E).
    if (c == 0xEF && i + 2 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      unsigned char e = static_cast<unsigned char>(s[i + 2]);
      uint32_t cp = 0;
      if (d == 0xBC && e >= 0x81 && e <= 0xBF) cp = 0xFF00 + (e - 0x80);
      if (d == 0xBD && e >= 0x80 && e <= 0x9E) cp = 0xFF40 + (e - 0x80);
      if (cp != 0) {
        out += core::to_lower(static_cast<char>(cp - 0xFF00 + 0x20));
        i += 2;
        continue;
      }
    }
    out += core::to_lower(static_cast<char>(c));
  }
  return out;
}

std::string_view trim_field(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  for (int round = 0; round < 3; ++round) {
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    if (s.size() < 2) break;
    char a = s.front(), b = s.back();
    bool pair = (a == '"' && b == '"') || (a == '\'' && b == '\'') || (a == '`' && b == '`') ||
                (a == '[' && b == ']') || (a == '(' && b == ')') || (a == '<' && b == '>') ||
                (a == '{' && b == '}');
    if (!pair) break;
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

bool is_email(std::string_view s) {
  if (s.size() > 254) return false;
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  for (char c : s.substr(0, at)) {
    if (!is_alnum(c) && std::string_view("._%+-=!#&'*/?^`{|}~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  std::string_view dom = s.substr(at + 1);
  return !is_ipv4(dom) && is_hostname(dom);
}

bool is_hostname(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.size() < 4 || s.size() > 253) return false;
  if (is_ipv4(s)) return true;
  size_t labels = 0, start = 0;
  std::string_view last;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    ++labels;
    last = label;
    start = dot + 1;
    if (dot == s.size()) break;
  }
  if (labels < 2) return false;
  bool idn = last.size() > 4 && iequals(last.substr(0, 4), "xn--");
  if (idn) return true;
  if (!all_of(last, is_alpha) || is_file_extension(last)) return false;
  return last.size() == 2 || is_generic_tld(last);
}

bool is_web_or_local_host(std::string_view host) {
  std::string_view first = host.substr(0, host.find('.'));
  return iequals(first, "www") || iequals(host, "localhost") || host.rfind("127.", 0) == 0 ||
         host.rfind("10.", 0) == 0 || host.rfind("192.168.", 0) == 0;
}

bool is_mail_host(std::string_view host) {
  std::string_view first = host.substr(0, host.find('.'));
  if (first.size() == host.size()) return false;
  for (std::string_view w : {"smtp", "smtps", "mail", "mx", "submit", "submission", "relay",
                             "outgoing", "out", "mta", "send", "post", "exchange", "smarthost"}) {
    if (first.size() >= w.size() && iequals(first.substr(0, w.size()), w)) {
      std::string_view rest = first.substr(w.size());
      if (std::all_of(rest.begin(), rest.end(), [](char c) { return is_digit(c) || c == '-'; })) {
        return true;
      }
    }
  }
  return false;
}

int parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || !all_of(s, is_digit) || s[0] == '0') return -1;
  int v = small_number(s);
  return v >= 1 && v <= 65535 ? v : -1;
}

bool is_smtp_port(int port) {
  return port == 25 || port == 26 || port == 465 || port == 587 || port == 2525 ||
         port == 2526 || port == 8025;
}

bool is_other_service_port(int port) {
  switch (port) {
    case 20: case 21: case 22: case 23: case 80: case 110: case 143: case 389: case 443:
    case 636: case 993: case 995: case 1433: case 1521: case 3306: case 3389: case 5432:
    case 5900: case 6379: case 8080: case 8443: case 27017:
      return true;
    default:
      return false;
  }
}

bool is_auth_method(std::string_view s) {
  if (s.size() > 5 && iequals(s.substr(0, 5), "AUTH ")) s.remove_prefix(5);
  return in_list(s, {"LOGIN", "PLAIN", "CRAM-MD5", "DIGEST-MD5", "XOAUTH2", "XOAUTH",
                     "OAUTHBEARER", "NTLM", "GSSAPI", "SCRAM-SHA-1", "SCRAM-SHA-256"});
}

bool is_security_word(std::string_view s) {
  return in_list(s, {"SSL", "TLS", "STARTTLS", "SSL/TLS", "TLS/SSL", "STARTTLS/TLS", "SMTPS",
                     "IMPLICIT", "NONE"});
}

bool is_noise_word(std::string_view s) {
  if (s.empty()) return true;
  // "OK:", "valid!", "Erfolg:": a status word with its punctuation.
  if (s.size() > 2 && (s.back() == ':' || s.back() == '!') && s[s.size() - 2] != ':' &&
      s[s.size() - 2] != '!' && is_noise_word(s.substr(0, s.size() - 1))) {
    return true;
  }
  // Arrows, separators and ticks on their own.
  if (std::all_of(s.begin(), s.end(), [](char c) {
        return std::string_view("-=>|/:<~*#.!").find(c) != std::string_view::npos;
      })) {
    return true;
  }
  if (s == "\xE2\x9C\x93" || s == "\xE2\x9C\x94" || s == "\xE2\x86\x92") return true;  // ✓ ✔ →
  return in_list(s, {"ok", "okay", "good", "valid", "live", "alive", "success", "successful",
                     "succeeded", "working", "works", "worked", "sent", "delivered", "test",
                     "tested", "checked", "check", "hit", "hits", "done", "true", "yes", "smtp",
                     "esmtp", "auth", "status", "result", "results", "pass:", "[ok]", "(ok)",
                     "found", "cracked", "accepted", "login:", "ok!", "working!", "via",
                     "port", "host", "user", "server", "erfolg", "erfolgreich", "gültig",
                     "funktioniert", "valide", "réussi", "succès", "válido", "válida", "éxito",
                     "prueba", "teste", "essai", "sucesso", "enviado", "envoyé", "gesendet",
                     // Japanese, Chinese and Russian status words (UTF-8)
                     "テスト", "送信テスト", "テスト送信", "成功", "送信成功", "送信完了", "確認",
                     "有効", "测试", "測試", "发送成功", "有效", "тест", "проверка", "успешно",
                     "ок", "валид", "работает"});
}

bool is_login_token(std::string_view s) {
  if (s.size() < 2 || s.size() > 64) return false;
  bool letter = false;
  for (char c : s) {
    if (is_alpha(c)) letter = true;
    else if (!is_digit(c) && c != '.' && c != '_' && c != '-' && c != '+') return false;
  }
  return letter && is_alnum(s.front());
}

bool is_placeholder(std::string_view s) {
  if (s.empty()) return true;
  char a = s.front(), b = s.back();
  auto env_name = [](char c) { return is_upper(c) || is_digit(c) || c == '_'; };
  if ((a == '$' && s.size() > 1 && std::all_of(s.begin() + 1, s.end(), env_name)) ||
      (a == '%' && b == '%') || (a == '{' && b == '}') || (a == '<' && b == '>')) {
    return true;
  }
  if (s.find("{{") != std::string_view::npos || s.find("${") != std::string_view::npos ||
      s.find("%(") != std::string_view::npos) {
    return true;
  }
  // Masks: stars, bullets, dots, x's, question marks (and a masked tail such as Pa******).
  size_t maskish = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '*' || c == '?' || c == '.' || c == '#' || c == '_') ++maskish;
    else if (static_cast<unsigned char>(c) == 0xE2) {  // U+2022 bullet, U+25CF black circle
      return true;
    }
  }
  if (maskish * 2 >= s.size() || s.find("***") != std::string_view::npos) return true;
  std::string f = fold_case(s);
  if (f.find_first_not_of('x') == std::string::npos) return true;
  if (f.find("xxxx") != std::string::npos) return true;
  for (std::string_view env : {"environ", "getenv", "process.env", "env[", "env.", "secret("}) {
    if (f.find(env) != std::string::npos) return true;
  }
  return false;
}

bool is_placeholder_word(std::string_view s) {
  std::string f = fold_case(s);
  std::erase_if(f, [](char c) { return c == '_' || c == '-' || c == ' '; });
  return in_list(f, {"password", "passwd", "pass", "pwd", "secret", "yourpassword",
                     "mypassword", "userpassword", "changeme", "example", "sample", "dummy",
                     "placeholder", "none", "null", "nil", "empty", "blank", "hidden", "redacted",
                     "masked", "na", "tbd", "todo", "same", "unchanged", "default", "required",
                     "optional", "yours", "test", "testing", "login", "username", "user",
                     "unknown", "notset", "removed", "omitted", "confidential", "sameasbefore",
                     "asbefore", "asusual", "provided", "separately"});
}

int secret_strength(std::string_view s) {
  if (s.size() < kMinSecret || s.size() > kMaxSecret) return 0;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return 0;
  }
  if (is_placeholder(s) || is_email(s) || is_hostname(s)) return 0;
  if (s.find("://") != std::string_view::npos) return 0;
  for (std::string_view scheme : {"mailto:", "tel:", "sip:", "http:", "https:", "cid:", "urn:"}) {
    if (s.size() > scheme.size() && iequals(s.substr(0, scheme.size()), scheme)) return 0;
  }
  if (looks_numeric(s)) return all_of(s, is_digit) && s.size() >= 6 ? 1 : 0;
  // key=value, and a word followed by ':' (a label, not a value)
  if (size_t eq = s.find('='); eq != std::string_view::npos && eq >= 2 && eq + 1 < s.size() &&
                               all_of(s.substr(0, eq), is_alpha)) {
    return 0;
  }
  if (s.back() == ':' && all_of(s.substr(0, s.size() - 1), is_alpha)) return 0;
  // A file name (report.pdf, setup.exe).
  if (size_t dot = s.rfind('.'); dot != std::string_view::npos && dot + 1 < s.size() &&
                                 is_file_extension(s.substr(dot + 1))) {
    return 0;
  }
  if (is_placeholder_word(s)) return 1;
  if (s.size() >= 5 && char_classes(s) >= 2) return 2;
  return 1;
}

Field classify(std::string_view raw) {
  Field f;
  f.text = trim_field(raw);
  std::string_view t = f.text;
  if (t.empty()) return f;
  // <password>, {secret}: a template's slot, whatever the word inside.
  std::string_view outer = raw;
  while (!outer.empty() && (outer.front() == ' ' || outer.front() == '\t')) outer.remove_prefix(1);
  while (!outer.empty() && (outer.back() == ' ' || outer.back() == '\t')) outer.remove_suffix(1);
  bool slot = outer.size() >= 2 && ((outer.front() == '<' && outer.back() == '>') ||
                                    (outer.front() == '{' && outer.back() == '}'));
  if (is_noise_word(t)) {
    f.kind = Kind::kNoise;
    return f;
  }
  if (is_auth_method(t)) {
    f.kind = Kind::kMethod;
    return f;
  }
  if (is_security_word(t)) {
    f.kind = Kind::kSecurity;
    return f;
  }
  size_t spaces = static_cast<size_t>(std::count(t.begin(), t.end(), ' '));
  if (spaces > 0) {
    // Status words around one value ("✔ taro@example.jp", "OK smtp.example.jp:587") leave
    // that value.
    std::string_view kept;
    size_t words = 0;
    for (size_t i = 0; i < t.size();) {
      size_t j = t.find(' ', i);
      if (j == std::string_view::npos) j = t.size();
      std::string_view w = t.substr(i, j - i);
      if (!w.empty() && !is_noise_word(w)) {
        kept = w;
        ++words;
      }
      i = j + 1;
    }
    if (words == 1) return classify(kept);
    f.kind = spaces >= 2 ? Kind::kProse : Kind::kOther;
    return f;
  }
  if (size_t scheme = t.find("://"); scheme != std::string_view::npos) {
    std::string_view name = t.substr(0, scheme);
    if ((iequals(name, "smtp") || iequals(name, "smtps") || iequals(name, "submission")) &&
        split_userinfo(t.substr(scheme + 3), f)) {
      f.strength = secret_strength(f.secret);
      f.kind = f.strength > 0 ? Kind::kUrl : Kind::kOther;
      return f;
    }
    f.kind = Kind::kOther;
    return f;
  }
  if (is_email(t)) {
    f.kind = Kind::kEmail;
    return f;
  }
  if (t.find('@') != std::string_view::npos) {
    // user:pass@host without a scheme: only with a port or a mail server's name, or it is
    // anything with two colons and an at sign ("UID:a1b2@example.jp").
    if (split_userinfo(t, f) && (f.port != 0 || is_mail_host(f.host))) {
      f.strength = secret_strength(f.secret);
      f.kind = f.strength > 0 ? Kind::kUrl : Kind::kOther;
      return f;
    }
    f.user = f.secret = f.host = {};
    f.port = 0;
    // address:password
    size_t at = t.find('@');
    size_t colon = t.find(':', at);
    if (colon != std::string_view::npos && is_email(t.substr(0, colon))) {
      f.user = t.substr(0, colon);
      f.secret = t.substr(colon + 1);
      f.strength = secret_strength(f.secret);
      f.kind = f.strength > 0 ? Kind::kUserPass : Kind::kOther;
      return f;
    }
  }
  if (size_t colon = t.rfind(':'); colon != std::string_view::npos && colon > 0) {
    std::string_view left = t.substr(0, colon), right = t.substr(colon + 1);
    int port = parse_port(right);
    if (left.size() > 2 && left.front() == '[' && left.back() == ']') {  // [host]:port
      left = left.substr(1, left.size() - 2);
    }
    if (port > 0 && is_hostname(left)) {
      f.kind = Kind::kHostPort;
      f.host = left;
      f.port = static_cast<uint16_t>(port);
      return f;
    }
    size_t first = t.find(':');
    left = t.substr(0, first);
    right = t.substr(first + 1);
    if (is_login_token(left) && secret_strength(right) == 2 && !looks_numeric(t)) {
      f.kind = Kind::kUserPass;
      f.user = left;
      f.secret = right;
      f.strength = 2;
      return f;
    }
  }
  if (is_hostname(t)) {
    f.kind = Kind::kHost;
    return f;
  }
  if (all_of(t, is_digit)) {
    int port = parse_port(t);
    if (is_smtp_port(port)) {
      f.kind = Kind::kPort;
      f.port = static_cast<uint16_t>(port);
    } else if (t.size() <= 2) {
      f.kind = Kind::kCount;
    } else {
      f.kind = Kind::kNumber;
      f.strength = secret_strength(t);
    }
    return f;
  }
  if (looks_numeric(t)) {
    f.kind = Kind::kNumber;
    return f;
  }
  f.strength = slot ? 0 : secret_strength(t);
  if (slot) {
    f.kind = Kind::kOther;
  } else if (f.strength == 2) {
    f.kind = Kind::kSecret;
  } else if (is_login_token(t) || f.strength == 1) {
    f.kind = Kind::kLogin;
  } else {
    f.kind = Kind::kOther;
  }
  return f;
}

size_t prose_units(std::string_view line) {
  size_t units = 0, cjk = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    std::string_view tok = line.substr(i, j - i);
    i = j;
    if (tok.empty()) continue;
    // Addresses, host names and URLs are not prose.
    std::string_view bare = tok;
    while (!bare.empty() && std::string_view(",.;:!?()[]\"'").find(bare.back()) != std::string_view::npos) {
      bare.remove_suffix(1);
    }
    if (bare.find('@') != std::string_view::npos || bare.find("://") != std::string_view::npos ||
        is_hostname(bare)) {
      continue;
    }
    bool in_word = false;
    size_t word_len = 0;
    for (size_t k = 0; k < tok.size();) {
      unsigned char c = static_cast<unsigned char>(tok[k]);
      size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      if (k + len > tok.size()) break;
      bool letter = false, wide = false;
      if (len == 1) {
        letter = is_alpha(static_cast<char>(c));
      } else if (len == 2) {
        letter = true;  // Latin with diacritics, Greek, Cyrillic...
      } else if (len == 3) {
        uint32_t cp = ((c & 0x0Fu) << 12) |
                      ((static_cast<unsigned char>(tok[k + 1]) & 0x3Fu) << 6) |
                      (static_cast<unsigned char>(tok[k + 2]) & 0x3Fu);
        // Kana, CJK ideographs, Hangul.
        wide = (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
               (cp >= 0xAC00 && cp <= 0xD7AF);
      }
      if (letter) {
        in_word = true;
        ++word_len;
      } else {
        if (in_word && word_len >= 2) ++units;
        in_word = false;
        word_len = 0;
        if (wide) ++cjk;
      }
      k += len;
    }
    if (in_word && word_len >= 2) ++units;
  }
  return units + (cjk + 1) / 2;
}

}  // namespace mw::outbound::cred
