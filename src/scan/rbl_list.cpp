#include "scan/rbl_list.h"

#include <openssl/evp.h>

#include <algorithm>
#include <optional>

#include "core/ascii.h"
#include "core/ip_address.h"
#include "core/option_table.h"
#include "dns/name.h"

namespace mw::scan {

namespace {

using core::to_lower;

// A string or an array of strings (other elements ignored) as a list.
std::vector<std::string> strings_of(const json::Value& v) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.as_string());
  } else {
    for (const auto& e : v.items()) {
      if (e.is_string()) out.push_back(e.as_string());
    }
  }
  return out;
}

// [rbl]: the global switches and caps.
core::OptionTable<RblOptions> global_table() {
  using core::OptType;
  return {"rbl",
          "DNS blocklists (scan/rbl_module.h, doc/maps.md): global switches and caps; each "
          "[rbl.NAME] table is one list",
          {
              {&RblOptions::enabled,
               {"enabled", OptType::kBool, "true", "Query the DNS lists (false: none at all)"}},
              {&RblOptions::max_queries,
               {"max_queries", OptType::kInt, "32",
                "Most list queries per message, all lists together (more candidates are "
                "dropped)",
                0, 10000}},
              {&RblOptions::max_url_domains,
               {"max_url_domains", OptType::kInt, "8", "URL domains queried per list and message",
                0, 1000}},
              {&RblOptions::max_emails,
               {"max_emails", OptType::kInt, "4", "Addresses queried per list and message", 0,
                1000}},
              {&RblOptions::max_received,
               {"max_received", OptType::kInt, "4",
                "Received relays queried per list and message (check `received`)", 0, 100}},
              {&RblOptions::whitelist,
               {"whitelist", OptType::kStringList, "[]",
                "Addresses, networks and names never queried on any list"}},
              {&RblOptions::whitelist_maps,
               {"whitelist_map", OptType::kStringList, "[]",
                "Map files of addresses, networks and names never queried (reloaded on "
                "change)"}},
          }};
}

// One list: declared under "rbl.*", read under "rbl.NAME" (`prefix`). The rows without a
// field are read and checked by load_list.
core::OptionTable<RblList> list_table(std::string prefix) {
  using core::OptType;
  return {std::move(prefix), "One DNS list", {
      {&RblList::enabled, {"enabled", OptType::kBool, "true", "Query this list"}},
      {nullptr, {"rbl", OptType::kString, "", "The list's DNS zone (\"zen.spamhaus.org\")"}},
      {nullptr,
       {"checks", OptType::kStringList, "[\"from\"]",
        "What is looked up: from (client IP), received (other relays outside our networks), "
        "helo, rdns, mail_from, header_from, replyto (domains), urls (URL domains, numeric "
        "hosts), emails (addresses in the message and Reply-To)"}},
      {&RblList::symbol,
       {"symbol", OptType::kString, "\"\"",
        "Symbol for answers no returncode/returnbit names (default RBL_<NAME>)"}},
      {&RblList::description,
       {"description", OptType::kString, "\"\"", "Description of the list's symbols"}},
      {&RblList::group, {"group", OptType::kString, "\"rbl\"", "Group of the list's symbols"}},
      {&RblList::score,
       {"score", OptType::kFloat, "0", "Score of the list's symbols without their own"}},
      {nullptr, {"scores", OptType::kTable, "", "Scores per symbol: { SYMBOL = score }"}},
      {nullptr,
       {"returncodes", OptType::kTable, "",
        "Answers per symbol: { SYMBOL = [\"127.0.0.2\", \"127.0.1.0/24\"] }"}},
      {nullptr,
       {"returnbits", OptType::kTable, "",
        "Bits of the answer's last octet per symbol: { SYMBOL = 8 }"}},
      {&RblList::strict_returncodes,
       {"strict_returncodes", OptType::kBool, "false",
        "Answers no returncode or returnbit names are ignored instead of giving `symbol`"}},
      {nullptr,
       {"blocked_codes", OptType::kStringList, "[]",
        "Answers meaning the list refused our resolver: never a hit, logged as a warning"}},
      {&RblList::ipv4, {"ipv4", OptType::kBool, "true", "Query IPv4 addresses"}},
      {&RblList::ipv6,
       {"ipv6", OptType::kBool, "true", "Query IPv6 addresses (nibbles reversed)"}},
      {&RblList::no_ip, {"no_ip", OptType::kBool, "false", "URL checks: skip numeric hosts"}},
      {&RblList::full_domain,
       {"full_domain", OptType::kBool, "false",
        "Query names as written instead of their registrable domain"}},
      {&RblList::exceptions,
       {"exceptions", OptType::kStringList, "[]",
        "Registrable domains under which names are registered one level down (SURBL's "
        "two-level list): one label more is queried"}},
      {&RblList::emails_domainonly,
       {"emails_domainonly", OptType::kBool, "false", "Emails check: query domains only"}},
      {nullptr,
       {"hash", OptType::kString, "\"\"", "Hash addresses before the query", {}, {},
        {"", "md5", "sha1", "sha256"}}},
      {nullptr,
       {"hash_format", OptType::kString, "\"hex\"", "Encoding of the hash", {}, {},
        {"hex", "base32"}}},
      {&RblList::exclude_users,
       {"exclude_users", OptType::kBool, "true", "Skip authenticated senders"}},
      {&RblList::whitelist,
       {"whitelist", OptType::kStringList, "[]",
        "Addresses, networks and names never queried on this list"}},
      {&RblList::whitelist_maps,
       {"whitelist_map", OptType::kStringList, "[]",
        "Map files of addresses, networks and names never queried on this list"}},
  }};
}

Status load_list(const core::Config& cfg, const std::string& name, RblList& l) {
  std::string p = "rbl." + name;
  list_table(p).read(cfg, l);
  l.name = name;
  l.zone = to_lower(cfg.get_string(p + ".rbl"));
  while (!l.zone.empty() && l.zone.back() == '.') l.zone.pop_back();
  if (l.zone.empty()) return fail(ErrorCode::kInvalidInput, p + ".rbl: the zone is required");
  if (l.symbol.empty()) {
    l.symbol = "RBL_" + name;
    for (auto& c : l.symbol) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (l.description.empty()) l.description = "DNS list " + l.zone;
  for (const auto& c : cfg.get_strings(p + ".checks")) {
    auto bit = parse_rbl_check(c);
    if (!bit) return fail(ErrorCode::kInvalidInput, p + ".checks: " + bit.error().message);
    l.checks |= *bit;
  }
  if (l.checks == 0) return fail(ErrorCode::kInvalidInput, p + ".checks: nothing to check");
  std::string hash = cfg.get_string(p + ".hash");
  if (hash == "md5") l.hash = RblHash::kMd5;
  else if (hash == "sha1") l.hash = RblHash::kSha1;
  else if (hash == "sha256") l.hash = RblHash::kSha256;
  l.hash_format = cfg.get_string(p + ".hash_format") == "base32" ? RblHashFormat::kBase32
                                                                 : RblHashFormat::kHex;
  if (auto t = cfg.value(p + ".returncodes")) {
    for (const auto& [k, v] : t->members()) {
      RblList::Code code;
      code.symbol = k;
      auto nets = strings_of(v);
      if (nets.empty()) {
        return fail(ErrorCode::kInvalidInput, p + ".returncodes." + code.symbol +
                                                  ": a list of addresses is required");
      }
      for (const auto& n : nets) {
        auto st = code.nets.add(n);
        if (!st) return fail(ErrorCode::kInvalidInput, p + ".returncodes." + code.symbol + ": " +
                                                           st.error().message);
      }
      l.codes.push_back(std::move(code));
    }
  }
  if (auto t = cfg.value(p + ".returnbits")) {
    for (const auto& [k, v] : t->members()) {
      int64_t bit = v.is_int() ? v.as_int() : 0;
      if (bit <= 0 || bit > 255) {
        return fail(ErrorCode::kInvalidInput,
                    p + ".returnbits." + k + ": a bit value 1..255 is required");
      }
      l.bits.push_back({k, static_cast<uint32_t>(bit)});
    }
  }
  if (auto t = cfg.value(p + ".scores")) {
    for (const auto& [k, v] : t->members()) {
      if (!v.is_number()) {
        return fail(ErrorCode::kInvalidInput, p + ".scores." + k + ": a number is required");
      }
      l.scores.emplace_back(k, v.as_double());
    }
  }
  for (const auto& b : cfg.get_strings(p + ".blocked_codes")) {
    auto st = l.blocked.add(b);
    if (!st) return fail(ErrorCode::kInvalidInput, p + ".blocked_codes: " + st.error().message);
  }
  for (auto& e : l.exceptions) core::lower_in_place(e);
  return {};
}

void base32(const unsigned char* d, size_t n, std::string& out) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";  // RFC 4648, lower case
  uint32_t buf = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buf = (buf << 8) | d[i];
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buf >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buf << (5 - bits)) & 31];
}

}  // namespace

Result<uint32_t> parse_rbl_check(std::string_view name) {
  static constexpr std::pair<std::string_view, RblCheck> kChecks[] = {
      {"from", kRblFrom},           {"received", kRblReceived},       {"helo", kRblHelo},
      {"rdns", kRblRdns},           {"mail_from", kRblMailFrom},      {"header_from", kRblHeaderFrom},
      {"replyto", kRblReplyTo},     {"urls", kRblUrls},               {"emails", kRblEmails}};
  for (const auto& [n, bit] : kChecks) {
    if (n == name) return uint32_t{bit};
  }
  return fail(ErrorCode::kInvalidInput,
              "unknown check '" + std::string(name) +
                  "' (from, received, helo, rdns, mail_from, header_from, replyto, urls, emails)");
}

std::vector<std::string> RblList::symbols() const {
  std::vector<std::string> out{symbol};
  auto add = [&out](const std::string& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (const auto& c : codes) add(c.symbol);
  for (const auto& b : bits) add(b.symbol);
  return out;
}

void declare_rbl_options(core::Schema& s) {
  global_table().declare(s);
  list_table("rbl.*").declare(s);
}

Result<RblOptions> load_rbl_options(const core::Config& cfg) {
  RblOptions o = global_table().read(cfg);
  for (const auto& name : cfg.keys("rbl")) {
    auto v = cfg.value("rbl." + name);
    if (!v || !v->is_object()) continue;  // a global option
    RblList l;
    MW_TRY(load_list(cfg, name, l));
    o.lists.push_back(std::move(l));
  }
  return o;
}

std::string reversed_ip(std::string_view ip) {
  auto a = core::IpAddress::parse(ip);
  return a ? a->reversed_labels() : std::string();
}

bool is_public_ip(std::string_view ip) {
  auto parsed = core::IpAddress::parse(ip);
  if (!parsed) return false;
  core::IpAddress addr = parsed->unmapped();
  const auto& a = addr.bytes;
  if (addr.is_v4()) {
    if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224) return false;
    if (a[0] == 169 && a[1] == 254) return false;
    if (a[0] == 172 && (a[1] & 0xF0) == 16) return false;
    if (a[0] == 192 && a[1] == 168) return false;
    if (a[0] == 100 && (a[1] & 0xC0) == 64) return false;  // CGN, RFC 6598
    if (a[0] == 192 && a[1] == 0 && a[2] == 0) return false;  // IETF protocol assignments
    return true;
  }
  bool zero = true;
  for (int i = 0; i < 15; ++i) zero = zero && a[i] == 0;
  if (zero) return false;                                   // :: and ::1
  if ((a[0] & 0xFE) == 0xFC) return false;                  // ULA fc00::/7
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return false;  // link-local
  if (a[0] == 0xFF) return false;                           // multicast
  return true;
}

std::string canonical_email(std::string_view addr) {
  std::string a = to_lower(addr);
  auto at = a.rfind('@');
  if (at == std::string::npos) return a;
  std::string local = a.substr(0, at), domain = a.substr(at + 1);
  auto plus = local.find('+');
  if (plus != std::string::npos && plus > 0) local.erase(plus);
  if (domain == "googlemail.com") domain = "gmail.com";
  if (domain == "gmail.com") local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
  return local + "@" + domain;
}

std::string hash_text(std::string_view text, RblHash hash, RblHashFormat format) {
  const EVP_MD* md = hash == RblHash::kMd5    ? EVP_md5()
                     : hash == RblHash::kSha1 ? EVP_sha1()
                     : hash == RblHash::kSha256 ? EVP_sha256()
                                                : nullptr;
  if (md == nullptr) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, md, nullptr) != 1) return {};
  if (format == RblHashFormat::kHex) {
    return core::hex_encode({reinterpret_cast<const char*>(digest), len});
  }
  std::string out;
  base32(digest, len, out);
  return out;
}

std::string query_domain(const RblList& list, std::string_view host, std::string_view reg) {
  std::string h = to_lower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  if (list.full_domain || reg.empty()) return h;
  std::string r = to_lower(reg);
  if (std::find(list.exceptions.begin(), list.exceptions.end(), r) != list.exceptions.end() &&
      h != r && dns::is_same_or_subdomain(h, r)) {
    std::string_view rest(h.data(), h.size() - r.size() - 1);
    auto dot = rest.rfind('.');
    return std::string(dot == std::string_view::npos ? rest : rest.substr(dot + 1)) + "." + r;
  }
  return r;
}

RblAnswer read_answer(const RblList& list, std::string_view answer_ip) {
  RblAnswer out;
  if (list.blocked.contains(answer_ip)) {
    out.blocked = true;
    return out;
  }
  for (const auto& c : list.codes) {
    if (c.nets.contains(answer_ip)) out.symbols.push_back(c.symbol);
  }
  if (!list.bits.empty()) {
    auto a = core::IpAddress::parse(answer_ip);
    if (a && a->is_v4()) {
      for (const auto& b : list.bits) {
        if ((a->bytes[3] & b.mask) != 0) out.symbols.push_back(b.symbol);
      }
    }
  }
  if (out.symbols.empty() && !list.strict_returncodes) out.symbols.push_back(list.symbol);
  return out;
}

}  // namespace mw::scan
