// Positional records: one line cut at a delimiter, every field typed (credential_fields.h),
// the record assembled from what the fields are and where they stand.
#include <algorithm>

#include "outbound/credential_fields.h"
#include "outbound/credential_parse.h"

namespace mw::outbound::cred {

namespace {

constexpr size_t kMaxFields = 12;
constexpr size_t kMaxSpacedFields = 8;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  if (out.rfind("AUTH ", 0) == 0) out.erase(0, 5);
  return out;
}

// Ranks strong tokens: more character classes, not a possible login name, longer.
int secretness(std::string_view s) {
  bool lo = false, up = false, dg = false, sy = false;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') lo = true;
    else if (c >= 'A' && c <= 'Z') up = true;
    else if (c >= '0' && c <= '9') dg = true;
    else sy = true;
  }
  return (lo + up + dg + sy) * 100 + (is_login_token(s) ? 0 : 150) + static_cast<int>(s.size());
}

std::string_view local_part(std::string_view addr) {
  size_t at = addr.rfind('@');
  return at == std::string_view::npos ? addr : addr.substr(0, at);
}

// Split at `delim` (a run of spaces and tabs for ' ').
std::vector<std::string_view> split(std::string_view line, char delim) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= line.size() && out.size() <= kMaxFields) {
    size_t j;
    if (delim == ' ') {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i >= line.size()) break;
      j = line.find_first_of(" \t", i);
    } else {
      j = line.find(delim, i);
    }
    if (j == std::string_view::npos) j = line.size();
    out.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// The reading of `pieces` (a line cut at `delim`; 0: the line as one field; '\n': one field
// per line). `line` is the whole text the pieces come from.
std::optional<Draft> assemble(std::string_view line, const std::vector<std::string_view>& pieces,
                              char delim, const SenderIdentity& sender) {
  std::vector<Field> fields;
  for (auto piece : pieces) {
    Field f = classify(piece);
    if (f.kind != Kind::kEmpty) fields.push_back(f);
  }
  size_t typed = 0, loose = 0, prose = 0, numbers = 0, meaningful = 0;
  const Field* compound = nullptr;  // url or user:pass
  std::vector<const Field*> emails, logins, secrets;
  Draft d;
  d.format = delim == ' ' ? "spaced" : delim == 0 ? "compound" : "delimited";
  bool hostport = false;
  for (const Field& f : fields) {
    if (f.kind != Kind::kNoise) ++meaningful;
    switch (f.kind) {
      case Kind::kEmail: emails.push_back(&f); ++typed; break;
      case Kind::kHost:
        if (is_web_or_local_host(f.text)) d.foreign = true;
        else if (d.host.empty()) d.host = std::string(f.text);
        ++typed;
        break;
      case Kind::kHostPort:
        if (is_other_service_port(f.port) || is_web_or_local_host(f.host)) {
          d.foreign = true;  // imap.example.jp:993, ftp.example.com:21, localhost:1025
        } else {
          if (d.host.empty()) d.host = std::string(f.host);
          if (is_smtp_port(f.port) && d.port == 0) d.port = f.port;
        }
        hostport = true;
        ++typed;
        break;
      case Kind::kPort:
        if (d.port == 0) d.port = f.port;
        ++typed;
        break;
      case Kind::kMethod:
        if (d.method.empty()) d.method = upper(f.text);
        ++typed;
        break;
      case Kind::kCount: case Kind::kSecurity: ++typed; break;
      case Kind::kNumber:
        if (f.strength > 0) logins.push_back(&f);  // a long number may be a password
        ++numbers;
        break;
      case Kind::kUrl: case Kind::kUserPass:
        if (compound == nullptr) compound = &f;
        ++typed;
        break;
      case Kind::kSecret: secrets.push_back(&f); break;
      case Kind::kLogin: logins.push_back(&f); break;
      case Kind::kProse: ++prose; break;
      case Kind::kOther: ++loose; break;
      case Kind::kNoise: case Kind::kEmpty: break;
    }
  }
  if (meaningful == 0 || meaningful > kMaxFields || prose > 1 || loose + prose > 1) return {};
  if (delim == ' ' && (meaningful > kMaxSpacedFields || loose + prose > 0)) return {};
  if (delim == ',' && loose + prose > 0) return {};
  if (numbers > 1) return {};  // dates, amounts, phone numbers: a table row, not a record

  // A URL of another service on the line (postgres://, https://): its userinfo and host are
  // not an SMTP server's.
  for (size_t at = line.find("://"); at != std::string_view::npos; at = line.find("://", at + 3)) {
    size_t b = at;
    while (b > 0 && core::is_alpha(line[b - 1])) --b;
    std::string_view scheme = line.substr(b, at - b);
    if (!iequals(scheme, "smtp") && !iequals(scheme, "smtps") && !iequals(scheme, "submission")) {
      d.foreign = true;
    }
  }
  if (compound != nullptr) {
    d.joined = true;
    if (is_other_service_port(compound->port)) d.foreign = true;
    d.secret = compound->secret;
    d.strength = compound->strength;
    d.identity = compound->kind == Kind::kUrl ? percent_decode(compound->user)
                                               : std::string(compound->user);
    if (compound->kind == Kind::kUrl) {
      d.format = "url";
      if (!compound->host.empty()) d.host = std::string(compound->host);
      if (is_smtp_port(compound->port)) d.port = compound->port;
      std::string decoded = percent_decode(compound->secret);
      if (decoded != compound->secret) d.extra_forms.push_back(decoded);
    } else if (delim == 0 || meaningful > 1) {
      d.format = "compound";
    }
  } else if (!emails.empty()) {
    d.identity = std::string(emails.front()->text);
  }
  // Logins: the one naming the account (the sender's own, or the address's local part).
  std::vector<const Field*> rest;
  for (const Field* f : logins) {
    bool names_account = is_own(f->text, sender) ||
                         (!d.identity.empty() && iequals(f->text, local_part(d.identity)));
    if (names_account && d.login.empty()) {
      d.login = std::string(f->text);
    } else {
      rest.push_back(f);
    }
  }
  // A strong token that is the account's login rather than its password ("iij-taro2").
  if (d.login.empty()) {
    for (auto it = secrets.begin(); it != secrets.end(); ++it) {
      if (is_own((*it)->text, sender) ||
          (!d.identity.empty() && iequals((*it)->text, local_part(d.identity)))) {
        d.login = std::string((*it)->text);
        secrets.erase(it);
        break;
      }
    }
  }
  d.mail_host = !d.host.empty() && is_mail_host(d.host);
  bool where = d.where();
  if (d.secret.empty()) {
    if (!secrets.empty()) {
      // The most password-like token is the password; with no login yet, a login-like one
      // of the others is the login.
      auto best_it = std::max_element(secrets.begin(), secrets.end(),
          [](const Field* a, const Field* b) { return secretness(a->text) < secretness(b->text); });
      const Field* best = *best_it;
      secrets.erase(best_it);
      if (d.login.empty()) {
        for (auto it = secrets.begin(); it != secrets.end(); ++it) {
          if (is_login_token((*it)->text)) {
            d.login = std::string((*it)->text);
            secrets.erase(it);
            break;
          }
        }
      }
      d.secret = best->text;
      d.strength = 2;
    } else if (delim != ' ' && delim != 0 && where && loose + prose == 0 &&
               (!d.identity.empty() || !d.login.empty()) && rest.size() == 1) {
      // Every other field is typed: the one left is the password, whatever it looks like
      // ("taro@example.jp;taro;password;mail.example.jp;465;2;LOGIN"). A placeholder word
      // needs the full structure around it.
      const Field* f = rest.front();
      bool word = is_placeholder_word(f->text);
      if (f->strength >= 1 && (!word || typed >= 4)) {
        d.secret = f->text;
        d.strength = 1;
        rest.clear();
      }
    }
  }
  // No address: a login stands for the identity when the structure leaves no doubt.
  if (d.identity.empty() && !d.login.empty()) {
    d.identity = d.login;
  } else if (d.identity.empty() && !d.secret.empty() && delim != ' ' && delim != 0 &&
             rest.size() == 1 && loose + prose == 0 && is_login_token(rest.front()->text)) {
    d.identity = std::string(rest.front()->text);
    d.login = d.identity;
  }
  if (d.secret.empty()) return {};
  // Times and URLs are full of colons: a colon record needs its server.
  if (delim == ':' && compound == nullptr && (d.host.empty() || d.port == 0)) return {};
  // Spaced text is a record only around an address, a compound field or host:port.
  if (delim == ' ' && emails.empty() && compound == nullptr && !hostport) return {};
  if (!d.complete() && !d.partial()) return {};
  return d;
}

}  // namespace

int Draft::weight() const {
  return (complete() ? 100 : 0) + strength * 10 + (!identity.empty()) + (!login.empty()) +
         (!host.empty()) + (port != 0) + (!method.empty());
}

bool is_own(std::string_view identity, const SenderIdentity& sender) {
  if (identity.empty()) return false;
  if (iequals(identity, sender.user) || (!sender.from.empty() && iequals(identity, sender.from))) {
    return true;
  }
  std::string_view id_local = local_part(identity);
  std::string_view user_local = local_part(sender.user);
  std::string_view from_local = local_part(sender.from);
  if (identity.find('@') != std::string_view::npos) {
    // An address whose local part is the login, on a domain the sender uses.
    return !sender.user.empty() && sender.user.find('@') == std::string_view::npos &&
           iequals(id_local, sender.user) && !sender.from.empty() &&
           iequals(identity.substr(id_local.size()), sender.from.substr(from_local.size()));
  }
  return (!user_local.empty() && iequals(identity, user_local)) ||
         (!from_local.empty() && iequals(identity, from_local));
}

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<Draft> parse_positional(const Line& line, const SenderIdentity& sender) {
  std::string_view t = line.text;
  if (t.size() < 8) return {};
  std::optional<Draft> best;
  auto consider = [&](char delim) {
    auto d = assemble(t, delim == 0 ? std::vector<std::string_view>{t} : split(t, delim), delim,
                      sender);
    if (d && (!best || d->weight() > best->weight())) best = std::move(d);
  };
  for (char delim : {';', '|', '\t', ',', ':', '/'}) {
    if (std::count(t.begin(), t.end(), delim) >= 1) consider(delim);
  }
  if (t.find(' ') != std::string_view::npos) consider(' ');
  else consider(0);
  if (best) {
    best->first_line = best->last_line = line.index;
  }
  return best;
}

std::vector<Draft> parse_vertical(std::span<const Line> lines, const SenderIdentity& sender) {
  std::vector<Draft> out;
  auto single = [](std::string_view t) {
    t = trim_field(t);
    return !t.empty() && t.size() <= 100 && t.find_first_of(" \t") == std::string_view::npos;
  };
  size_t i = 0;
  while (i < lines.size()) {
    size_t j = i;
    while (j < lines.size() && j - i < kMaxFields && single(lines[j].text) &&
           (j == i || lines[j].index == lines[j - 1].index + 1)) {
      ++j;
    }
    if (j - i >= 3) {
      std::vector<std::string_view> pieces;
      for (size_t k = i; k < j; ++k) pieces.push_back(lines[k].text);
      auto d = assemble(lines[i].text, pieces, '\n', sender);
      if (d) {
        d->format = "vertical";
        d->first_line = lines[i].index;
        d->last_line = lines[j - 1].index;
        out.push_back(std::move(*d));
      }
    }
    i = j > i ? j : i + 1;
  }
  return out;
}

}  // namespace mw::outbound::cred
