#include "auth/dmarc/aggregate.h"

#include <arpa/inet.h>
#include <zlib.h>

#include <cstdio>
#include <ctime>
#include <map>

#include "auth/dkim/text.h"
#include "core/ascii.h"
#include "core/percent.h"
#include "core/time_format.h"

namespace mw::auth::dmarc {

std::string rows_key(std::string_view day, std::string_view policy_domain) {
  return "dmarc:rows:" + std::string(day) + ":" + std::string(policy_domain);
}

std::string domains_key(std::string_view day) { return "dmarc:domains:" + std::string(day); }

std::string utc_day(double t) { return core::utc_date(static_cast<int64_t>(t)); }

Result<std::pair<int64_t, int64_t>> day_range(std::string_view day) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  std::string s(day);
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      m < 1 || m > 12 || d < 1 || d > 31 || y < 1970) {
    return fail(ErrorCode::kInvalidInput, "a period is a UTC day: YYYY-MM-DD");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  int64_t begin = static_cast<int64_t>(timegm(&tm));
  if (utc_day(static_cast<double>(begin)) != s) {
    return fail(ErrorCode::kInvalidInput, "no such day: " + s);
  }
  return std::make_pair(begin, begin + 86399);
}

namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters have no place in XML 1.0 text.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string str(const json::Value* v, std::string_view fallback = "") {
  return v != nullptr && v->is_string() ? v->as_string() : std::string(fallback);
}

// IPv6 in the full eight-group form the Appendix C pattern expects; IPv4 unchanged.
std::string report_ip(const std::string& ip) {
  unsigned char b[16];
  if (inet_pton(AF_INET6, ip.c_str(), b) != 1) return ip;
  std::string out;
  char g[8];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(g, sizeof g, "%x", (b[2 * i] << 8) | b[2 * i + 1]);
    if (i) out += ':';
    out += g;
  }
  return out;
}

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (v == a) return true;
  }
  return false;
}

void element(std::string& out, int indent, std::string_view name, std::string_view text) {
  out.append(static_cast<size_t>(indent) * 2, ' ');
  out += "<" + std::string(name) + ">" + xml_escape(text) + "</" + std::string(name) + ">\n";
}

}  // namespace

AggregateReport aggregate(std::string policy_domain, const std::vector<std::string>& rows,
                          int64_t begin, int64_t end) {
  AggregateReport r;
  r.policy_domain = std::move(policy_domain);
  r.begin = begin;
  r.end = end;
  std::map<std::string, size_t> index;
  double newest = -1;
  for (const auto& text : rows) {
    auto v = json::parse(text);
    if (!v || !v->is_object() || v->find("row") == nullptr) {
      ++r.bad_rows;
      continue;
    }
    double t = v->find("time") != nullptr ? v->find("time")->as_double() : 0;
    if (const json::Value* pp = v->find("policy_published"); pp != nullptr && t >= newest) {
      newest = t;
      r.policy_published = *pp;
    }
    json::Value key = *v;
    key.erase("time");
    key.erase("policy_published");
    if (json::Value* row = key.find_mut("row")) row->erase("count");
    std::string k = json::write(key);
    auto [it, fresh] = index.emplace(k, r.groups.size());
    if (fresh) r.groups.push_back({std::move(key), 0});
    ++r.groups[it->second].count;
    ++r.messages;
  }
  // A stable id: a retry of the same period sends the same report id.
  char id[64];
  std::snprintf(id, sizeof id, "%lld.%08lx", static_cast<long long>(begin),
                static_cast<unsigned long>(crc32(0, reinterpret_cast<const Bytef*>(
                                                        r.policy_domain.data()),
                                                 static_cast<uInt>(r.policy_domain.size()))));
  r.report_id = r.policy_domain + "." + id;
  return r;
}

std::string AggregateReport::to_xml(const ReporterInfo& me) const {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n";
  element(x, 1, "version", "1.0");
  x += "  <report_metadata>\n";
  element(x, 2, "org_name", me.org_name);
  element(x, 2, "email", me.email);
  if (!me.extra_contact_info.empty()) element(x, 2, "extra_contact_info", me.extra_contact_info);
  element(x, 2, "report_id", report_id);
  x += "    <date_range>\n";
  element(x, 3, "begin", std::to_string(begin));
  element(x, 3, "end", std::to_string(end));
  x += "    </date_range>\n  </report_metadata>\n";
  const json::Value& pp = policy_published;
  std::string p = str(pp.find("p"), "none");
  x += "  <policy_published>\n";
  element(x, 2, "domain", str(pp.find("domain"), policy_domain));
  element(x, 2, "adkim", str(pp.find("adkim"), "r"));
  element(x, 2, "aspf", str(pp.find("aspf"), "r"));
  element(x, 2, "p", p);
  element(x, 2, "sp", str(pp.find("sp"), p));
  element(x, 2, "pct", std::to_string(pp.find("pct") != nullptr ? pp.find("pct")->as_int() : 100));
  element(x, 2, "fo", str(pp.find("fo"), "0"));
  x += "  </policy_published>\n";
  for (const auto& g : groups) {
    const json::Value* row = g.row.find("row");
    const json::Value* ev = row != nullptr ? row->find("policy_evaluated") : nullptr;
    x += "  <record>\n    <row>\n";
    element(x, 3, "source_ip", report_ip(str(row ? row->find("source_ip") : nullptr)));
    element(x, 3, "count", std::to_string(g.count));
    x += "      <policy_evaluated>\n";
    element(x, 4, "disposition", str(ev ? ev->find("disposition") : nullptr, "none"));
    element(x, 4, "dkim", str(ev ? ev->find("dkim") : nullptr, "fail"));
    element(x, 4, "spf", str(ev ? ev->find("spf") : nullptr, "fail"));
    if (ev != nullptr && ev->find("reason") != nullptr) {
      for (const auto& reason : ev->find("reason")->items()) {
        std::string type = str(reason.find("type"));
        if (!one_of(type, {"forwarded", "sampled_out", "trusted_forwarder", "mailing_list",
                           "local_policy", "other"})) {
          type = "other";
        }
        x += "        <reason>\n";
        element(x, 5, "type", type);
        std::string comment = str(reason.find("comment"));
        if (!comment.empty()) element(x, 5, "comment", comment);
        x += "        </reason>\n";
      }
    }
    x += "      </policy_evaluated>\n    </row>\n    <identifiers>\n";
    const json::Value* ids = g.row.find("identifiers");
    std::string to = str(ids ? ids->find("envelope_to") : nullptr);
    if (!to.empty()) element(x, 3, "envelope_to", to);
    element(x, 3, "envelope_from", str(ids ? ids->find("envelope_from") : nullptr));
    element(x, 3, "header_from", str(ids ? ids->find("header_from") : nullptr, policy_domain));
    x += "    </identifiers>\n    <auth_results>\n";
    const json::Value* ar = g.row.find("auth_results");
    if (ar != nullptr && ar->find("dkim") != nullptr) {
      for (const auto& d : ar->find("dkim")->items()) {
        x += "      <dkim>\n";
        element(x, 4, "domain", str(d.find("domain")));
        std::string sel = str(d.find("selector"));
        if (!sel.empty()) element(x, 4, "selector", sel);
        element(x, 4, "result", str(d.find("result"), "none"));
        std::string human = str(d.find("human_result"));
        if (!human.empty()) element(x, 4, "human_result", human);
        x += "      </dkim>\n";
      }
    }
    bool any_spf = false;
    if (ar != nullptr && ar->find("spf") != nullptr) {
      for (const auto& s : ar->find("spf")->items()) {
        any_spf = true;
        x += "      <spf>\n";
        element(x, 4, "domain", str(s.find("domain")));
        element(x, 4, "scope", str(s.find("scope"), "mfrom"));
        element(x, 4, "result", str(s.find("result"), "none"));
        x += "      </spf>\n";
      }
    }
    if (!any_spf) {  // Appendix C: always at least one SPF result
      x += "      <spf>\n";
      element(x, 4, "domain", str(ids ? ids->find("envelope_from") : nullptr));
      element(x, 4, "scope", "mfrom");
      element(x, 4, "result", "none");
      x += "      </spf>\n";
    }
    x += "    </auth_results>\n  </record>\n";
  }
  x += "</feedback>\n";
  return x;
}

std::string AggregateReport::file_name(const ReporterInfo& me) const {
  return me.domain + "!" + policy_domain + "!" + std::to_string(begin) + "!" +
         std::to_string(end) + ".xml.gz";
}

std::string AggregateReport::subject(const ReporterInfo& me) const {
  return "Report Domain: " + policy_domain + " Submitter: " + me.domain + " Report-ID: <" +
         report_id + ">";
}

namespace {

// A conservative address check: it ends up in SMTP commands and a header.
bool plain_address(const std::string& a, std::string& domain) {
  auto at = a.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.size() > 254) return false;
  for (char c : a) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']') {
      return false;
    }
  }
  domain = core::to_lower(a.substr(at + 1));
  if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.') {
    return false;
  }
  return true;
}

}  // namespace

std::vector<Destination> destinations(const Record& record, const std::string& policy_domain,
                                      const PublicSuffixList* psl) {
  std::vector<Destination> out;
  std::string own_org = psl != nullptr ? psl->organizational_domain(policy_domain) : policy_domain;
  for (const auto& u : record.aggregate_uris) {
    if (u.uri.size() < 7 || core::to_lower(u.uri.substr(0, 7)) != "mailto:") continue;
    std::string rest = u.uri.substr(7);
    auto q = rest.find('?');
    if (q != std::string::npos) rest.resize(q);
    Destination d;
    d.address = core::percent_decode(rest);
    if (!plain_address(d.address, d.domain)) continue;
    d.max_size = u.max_size;
    std::string org = psl != nullptr ? psl->organizational_domain(d.domain) : d.domain;
    d.external = org != own_org;
    bool dup = false;
    for (const auto& o : out) dup = dup || o.address == d.address;
    if (!dup) out.push_back(std::move(d));
  }
  return out;
}

std::string verification_name(const std::string& policy_domain, const std::string& dest_domain) {
  return policy_domain + "._report._dmarc." + dest_domain;
}

bool verification_ok(const std::vector<std::string>& txt) {
  for (const auto& t : txt) {
    if (is_dmarc_record(t)) return true;
  }
  return false;
}

std::string report_mail(const AggregateReport& report, const ReporterInfo& me,
                        const std::string& to, std::string_view gzip_bytes, double now) {
  std::string boundary = "=_mailward_" + std::to_string(report.begin) + "_" +
                         std::to_string(static_cast<long long>(now));
  std::string name = report.file_name(me);
  std::string m;
  m += "From: " + me.email + "\r\n";
  m += "To: " + to + "\r\n";
  m += "Subject: " + report.subject(me) + "\r\n";
  m += "Date: " + core::utc_datetime(static_cast<int64_t>(now)) + "\r\n";
  m += "Message-ID: <" + report.report_id + "." + std::to_string(static_cast<long long>(now)) +
       "@" + me.domain + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  m += "DMARC aggregate report for " + report.policy_domain + " from " + me.org_name + " (" +
       std::to_string(report.messages) + " messages, " + utc_day(report.begin) + ").\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: application/gzip; name=\"" + name + "\"\r\n";
  m += "Content-Transfer-Encoding: base64\r\n";
  m += "Content-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n";
  std::string b64 = dkim::base64_encode(gzip_bytes);
  for (size_t i = 0; i < b64.size(); i += 76) m += b64.substr(i, 76) + "\r\n";
  m += "--" + boundary + "--\r\n";
  return m;
}

Result<std::string> gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return fail(ErrorCode::kInternal, "zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t n = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return fail(ErrorCode::kInternal, "zlib: deflate failed");
  out.resize(n);
  return out;
}

}  // namespace mw::auth::dmarc
