#include "auth/dmarc/record.h"

#include <set>

#include "core/ascii.h"
#include "core/enum_names.h"

namespace mw::auth::dmarc {

namespace {

constexpr uint64_t kMaxInterval = 0xffffffffULL;  // ri is a 32-bit unsigned integer

using core::is_alpha;
using core::is_digit;

// Quote a value for a problem message, escaping control and 8-bit bytes and capping length.
std::string quoted(std::string_view s) { return "'" + core::printable(s, 64) + "'"; }

constexpr auto kPolicyNames =
    core::EnumNames<Policy, Policy::kReject>{"none", "quarantine", "reject"}.with_fallback("none");
constexpr auto kAlignmentNames =
    core::EnumNames<Alignment, Alignment::kStrict>{"r", "s"}.with_fallback("r");
constexpr auto kRecordErrorNames =
    core::EnumNames<RecordError, RecordError::kInvalidPolicy>{"none", "empty", "not_dmarc",
                                                              "no_policy", "invalid_policy"}
        .with_fallback("none");

std::optional<Policy> parse_policy(std::string_view v) { return kPolicyNames.parse_ci(v); }

std::optional<Alignment> parse_alignment(std::string_view v) {
  return kAlignmentNames.parse_ci(v);
}

std::optional<uint64_t> parse_uint(std::string_view v, uint64_t max) {
  if (v.empty() || v.size() > 20) return std::nullopt;
  uint64_t n = 0;
  for (char c : v) {
    if (!is_digit(c)) return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (max - d) / 10) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

// dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]  (RFC 7489 6.4)
std::optional<ReportUri> parse_uri(std::string_view text) {
  ReportUri out;
  std::string_view uri = text;
  size_t bang = text.rfind('!');
  if (bang != std::string_view::npos) {
    std::string_view size = text.substr(bang + 1);
    uri = text.substr(0, bang);
    uint64_t unit = 1;
    if (!size.empty() && !is_digit(size.back())) {
      switch (core::to_lower(size.back())) {
        case 'k': unit = 1ULL << 10; break;
        case 'm': unit = 1ULL << 20; break;
        case 'g': unit = 1ULL << 30; break;
        case 't': unit = 1ULL << 40; break;
        default: return std::nullopt;
      }
      size.remove_suffix(1);
    }
    auto n = parse_uint(size, UINT64_MAX / unit);
    if (!n) return std::nullopt;
    out.max_size = *n * unit;
  }
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":" and a non-empty rest of
  // visible characters (RFC 3986; commas and "!" inside URIs must be %-encoded here).
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= uri.size()) {
    return std::nullopt;
  }
  if (!is_alpha(uri[0])) return std::nullopt;
  for (size_t i = 1; i < colon; ++i) {
    char c = uri[i];
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  for (char c : uri) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f) return std::nullopt;
  }
  out.uri = std::string(uri);
  return out;
}

std::vector<ReportUri> parse_uri_list(std::string_view tag, std::string_view value,
                                      std::vector<std::string>& problems) {
  std::vector<ReportUri> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = core::trim_fws(value.substr(start, comma - start));
    if (auto uri = parse_uri(item)) {
      out.push_back(std::move(*uri));
    } else {
      problems.push_back(std::string(tag) + ": invalid URI " + quoted(item));
    }
    start = comma + 1;
  }
  return out;
}

// fo = "0" / "1" / "d" / "s", colon-separated.
bool valid_failure_options(std::string_view v) {
  size_t start = 0;
  while (start <= v.size()) {
    size_t colon = v.find(':', start);
    if (colon == std::string_view::npos) colon = v.size();
    std::string item = core::to_lower(core::trim_fws(v.substr(start, colon - start)));
    if (item != "0" && item != "1" && item != "d" && item != "s") return false;
    start = colon + 1;
  }
  return true;
}

}  // namespace

std::string_view policy_name(Policy p) { return kPolicyNames.name(p); }

std::string_view alignment_name(Alignment a) { return kAlignmentNames.name(a); }

std::string_view record_error_name(RecordError e) { return kRecordErrorNames.name(e); }

bool is_dmarc_record(std::string_view text) {
  // dmarc-version = "v" *WSP "=" *WSP %x44.4d.41.52.43.31 ("DMARC1", exactly)
  std::string_view s = core::trim_fws(text);
  if (s.empty() || core::to_lower(s[0]) != 'v') return false;
  s = core::trim_fws(s.substr(1));
  if (s.empty() || s[0] != '=') return false;
  s = core::trim_fws(s.substr(1));
  if (s.substr(0, 6) != "DMARC1") return false;
  s = core::trim_fws(s.substr(6));
  return s.empty() || s[0] == ';';
}

ParsedRecord parse_record(std::string_view text) {
  ParsedRecord out;
  if (core::trim_fws(text).empty()) {
    out.error = RecordError::kEmpty;
    out.problems.push_back("empty record");
    return out;
  }
  if (!is_dmarc_record(text)) {
    out.error = RecordError::kNotDmarc;
    out.problems.push_back("the record does not start with v=DMARC1");
    return out;
  }
  Record rec;
  rec.text = std::string(text);
  std::vector<std::string>& problems = rec.problems;
  std::set<std::string> seen;
  bool have_p = false;
  bool bad_policy = false;
  bool first = true;
  size_t start = 0;
  while (start <= text.size()) {
    size_t semi = text.find(';', start);
    if (semi == std::string_view::npos) semi = text.size();
    std::string_view part = core::trim_fws(text.substr(start, semi - start));
    start = semi + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      problems.push_back("malformed tag " + quoted(part));
      continue;
    }
    std::string name = core::to_lower(core::trim_fws(part.substr(0, eq)));
    std::string_view value = core::trim_fws(part.substr(eq + 1));
    if (first) {  // the v=DMARC1 tag, checked by is_dmarc_record()
      first = false;
      seen.insert(name);
      continue;
    }
    if (!seen.insert(name).second) {
      problems.push_back("duplicate tag " + quoted(name) + " ignored");
      continue;
    }
    if (name == "p" || name == "sp" || name == "np") {
      auto p = parse_policy(value);
      if (!p && name == "np") {
        problems.push_back("np: invalid policy " + quoted(value) + " ignored");
      } else if (!p) {  // an invalid p or sp: the record is unusable unless it has rua
        bad_policy = true;
        problems.push_back(name + ": invalid policy " + quoted(value));
      } else if (name == "p") {
        rec.policy = *p;
        have_p = true;
      } else {
        (name == "sp" ? rec.subdomain_policy : rec.nonexistent_policy) = *p;
      }
    } else if (name == "adkim" || name == "aspf") {
      auto a = parse_alignment(value);
      if (a) {
        (name == "adkim" ? rec.dkim_alignment : rec.spf_alignment) = *a;
      } else {
        problems.push_back(name + ": invalid alignment mode " + quoted(value) +
                           ", relaxed used");
      }
    } else if (name == "pct") {
      auto n = parse_uint(value, 100);
      if (n) {
        rec.percent = static_cast<int>(*n);
      } else {
        problems.push_back("pct: invalid percentage " + quoted(value) + ", 100 used");
      }
    } else if (name == "rua" || name == "ruf") {
      auto uris = parse_uri_list(name, value, problems);
      (name == "rua" ? rec.aggregate_uris : rec.failure_uris) = std::move(uris);
    } else if (name == "fo") {
      if (valid_failure_options(value)) {
        rec.failure_options = core::to_lower(value);
      } else {
        problems.push_back("fo: invalid failure options " + quoted(value) + ", 0 used");
      }
    } else if (name == "rf") {
      std::vector<std::string> formats;
      bool ok = true;
      size_t fs = 0;
      while (fs <= value.size()) {
        size_t colon = value.find(':', fs);
        if (colon == std::string_view::npos) colon = value.size();
        std::string f = core::to_lower(core::trim_fws(value.substr(fs, colon - fs)));
        ok = ok && f == "afrf";  // the only format registered (RFC 7489 6.3, 11.6)
        formats.push_back(std::move(f));
        fs = colon + 1;
      }
      if (ok) {
        rec.report_formats = std::move(formats);
      } else {
        problems.push_back("rf: unsupported report format " + quoted(value) + ", afrf used");
      }
    } else if (name == "ri") {
      auto n = parse_uint(value, kMaxInterval);
      if (n) {
        rec.report_interval = static_cast<uint32_t>(*n);
      } else {
        problems.push_back("ri: invalid interval " + quoted(value) + ", 86400 used");
      }
    }
    // Other tags (psd, t and anything unknown) are ignored (RFC 7489 6.3).
  }
  if (!have_p || bad_policy) {
    if (!have_p && !bad_policy) problems.push_back("p: missing (required)");
    if (rec.aggregate_uris.empty()) {
      out.error = have_p || bad_policy ? RecordError::kInvalidPolicy : RecordError::kNoPolicy;
      out.problems = std::move(problems);
      return out;
    }
    // RFC 7489 6.6.3 step 6: act as if p=none was published, because rua is usable.
    rec.policy = Policy::kNone;
    rec.subdomain_policy.reset();
    rec.policy_from_rua = true;
  }
  out.problems = rec.problems;
  out.record = std::move(rec);
  return out;
}

}  // namespace mw::auth::dmarc
