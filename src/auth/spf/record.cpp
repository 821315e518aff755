#include "auth/spf/record.h"

#include "auth/spf/macro.h"
#include "core/ascii.h"
#include "core/enum_names.h"

namespace mw::auth::spf {

namespace {

constexpr std::string_view kVersion = "v=spf1";

using core::iequals;
using core::is_alpha;
using core::is_digit;

// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
bool is_name_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
}

Failure term_error(std::string_view what, std::string_view term) {
  return fail(ErrorCode::kInvalidInput, std::string(what) + " '" + core::printable(term) + "'");
}

// 1*DIGIT without leading zeros, at most `max`. Returns -1 when invalid.
int parse_cidr(std::string_view digits, int max) {
  if (digits.empty() || digits.size() > 3) return -1;
  if (digits.size() > 1 && digits[0] == '0') return -1;
  int v = 0;
  for (char c : digits) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v <= max ? v : -1;
}

// Split "domain-spec [ip4-cidr-length] [//ip6-cidr-length]" from the right.
Status split_dual_cidr(std::string_view s, std::string_view term, std::string_view& spec,
                       Mechanism& m) {
  auto digits_start = [](std::string_view b) {
    size_t j = b.size();
    while (j > 0 && is_digit(b[j - 1])) --j;
    return j;
  };
  std::string_view body = s;
  size_t j = digits_start(body);
  if (j < body.size() && j >= 2 && body[j - 1] == '/' && body[j - 2] == '/') {
    m.cidr6 = parse_cidr(body.substr(j), 128);
    if (m.cidr6 < 0) return term_error("invalid ip6 CIDR length in", term);
    body = body.substr(0, j - 2);
    j = digits_start(body);
  }
  if (j < body.size() && j >= 1 && body[j - 1] == '/') {
    m.cidr4 = parse_cidr(body.substr(j), 32);
    if (m.cidr4 < 0) return term_error("invalid ip4 CIDR length in", term);
    body = body.substr(0, j - 1);
  }
  spec = body;
  return {};
}

Status parse_modifier(std::string_view term, size_t name_len, Record& rec) {
  std::string_view name = term.substr(0, name_len);
  std::string_view value = term.substr(name_len + 1);
  bool is_redirect = iequals(name, "redirect");
  if (is_redirect || iequals(name, "exp")) {
    std::optional<std::string>& slot = is_redirect ? rec.redirect : rec.explanation;
    if (slot) return term_error("duplicate modifier", term);
    Status st = check_domain_spec(value);
    if (!st) return term_error(st.error().message + " in", term);
    slot = std::string(value);
    return {};
  }
  Status st = check_macro_string(value, MacroUse::kUnknownModifier);
  if (!st) return term_error(st.error().message + " in modifier", term);
  rec.unknown_modifiers.push_back(Modifier{std::string(name), std::string(value)});
  return {};
}

Status parse_mechanism(std::string_view term, Record& rec) {
  Mechanism m;
  m.text = std::string(term);
  size_t p = 0;
  switch (term[0]) {
    case '+': m.qualifier = Qualifier::kPass; p = 1; break;
    case '-': m.qualifier = Qualifier::kFail; p = 1; break;
    case '~': m.qualifier = Qualifier::kSoftFail; p = 1; break;
    case '?': m.qualifier = Qualifier::kNeutral; p = 1; break;
    default: break;
  }
  size_t name_end = term.find_first_of(":/", p);
  if (name_end == std::string_view::npos) name_end = term.size();
  std::string_view name = term.substr(p, name_end - p);
  std::string_view args = term.substr(name_end);

  if (iequals(name, "all")) {
    m.kind = MechanismKind::kAll;
    if (!args.empty()) return term_error("invalid all mechanism", term);
  } else if (iequals(name, "include") || iequals(name, "exists")) {
    m.kind = iequals(name, "include") ? MechanismKind::kInclude : MechanismKind::kExists;
    if (args.empty() || args[0] != ':') return term_error("missing domain in", term);
    Status st = check_domain_spec(args.substr(1));
    if (!st) return term_error(st.error().message + " in", term);
    m.domain_spec = std::string(args.substr(1));
  } else if (iequals(name, "a") || iequals(name, "mx")) {
    m.kind = iequals(name, "a") ? MechanismKind::kA : MechanismKind::kMx;
    if (!args.empty()) {
      bool has_domain = args[0] == ':';
      std::string_view spec;
      MW_TRY(split_dual_cidr(has_domain ? args.substr(1) : args, term, spec, m));
      if (has_domain) {
        Status st = check_domain_spec(spec);
        if (!st) return term_error(st.error().message + " in", term);
        m.domain_spec = std::string(spec);
      } else if (!spec.empty()) {
        return term_error("invalid CIDR length in", term);
      }
    }
  } else if (iequals(name, "ptr")) {
    m.kind = MechanismKind::kPtr;
    if (!args.empty()) {
      if (args[0] != ':') return term_error("ptr takes no CIDR length:", term);
      Status st = check_domain_spec(args.substr(1));
      if (!st) return term_error(st.error().message + " in", term);
      m.domain_spec = std::string(args.substr(1));
    }
  } else if (iequals(name, "ip4") || iequals(name, "ip6")) {
    bool v4 = iequals(name, "ip4");
    m.kind = v4 ? MechanismKind::kIp4 : MechanismKind::kIp6;
    if (args.empty() || args[0] != ':') return term_error("missing network in", term);
    std::string_view rest = args.substr(1);
    size_t slash = rest.find('/');
    std::string_view net = rest.substr(0, slash);
    auto ip = v4 ? parse_ip4_network(net) : parse_ip6_network(net);
    if (!ip) return term_error(v4 ? "invalid ip4 network in" : "invalid ip6 network in", term);
    m.network = *ip;
    if (slash != std::string_view::npos) {
      int cidr = parse_cidr(rest.substr(slash + 1), v4 ? 32 : 128);
      if (cidr < 0) return term_error("invalid CIDR length in", term);
      (v4 ? m.cidr4 : m.cidr6) = cidr;
    }
  } else {
    return term_error("unknown mechanism", term);
  }
  rec.mechanisms.push_back(std::move(m));
  return {};
}

Status parse_term(std::string_view term, Record& rec) {
  if (is_alpha(term[0])) {
    size_t n = 1;
    while (n < term.size() && is_name_char(term[n])) ++n;
    if (n < term.size() && term[n] == '=') return parse_modifier(term, n, rec);
  }
  if (term[0] == '=') return term_error("empty modifier name in", term);
  return parse_mechanism(term, rec);
}

}  // namespace

std::string_view mechanism_name(MechanismKind kind) {
  switch (kind) {
    case MechanismKind::kAll: return "all";
    case MechanismKind::kInclude: return "include";
    case MechanismKind::kA: return "a";
    case MechanismKind::kMx: return "mx";
    case MechanismKind::kPtr: return "ptr";
    case MechanismKind::kIp4: return "ip4";
    case MechanismKind::kIp6: return "ip6";
    case MechanismKind::kExists: return "exists";
  }
  return "?";
}

bool Mechanism::queries_dns() const {
  return core::is_one_of(kind, {MechanismKind::kInclude, MechanismKind::kA, MechanismKind::kMx,
                                MechanismKind::kPtr, MechanismKind::kExists});
}

int Record::dns_term_count() const {
  int n = redirect ? 1 : 0;
  for (const auto& m : mechanisms) n += m.queries_dns() ? 1 : 0;
  return n;
}

bool is_spf_record(std::string_view text) {
  if (text.size() < kVersion.size()) return false;
  if (!iequals(text.substr(0, kVersion.size()), kVersion)) return false;
  return text.size() == kVersion.size() || text[kVersion.size()] == ' ';
}

Result<Record> parse_record(std::string_view text) {
  if (!is_spf_record(text)) {
    return fail(ErrorCode::kInvalidInput, "not an SPF record (no \"v=spf1\")");
  }
  Record rec;
  std::string_view rest = text.substr(kVersion.size());
  size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] == ' ') {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < rest.size() && rest[i] != ' ') ++i;
    MW_TRY(parse_term(rest.substr(start, i - start), rec));
  }
  return rec;
}

}  // namespace mw::auth::spf
