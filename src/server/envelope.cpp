#include "server/envelope.h"

namespace mw::server {

namespace http = proto::http;

namespace {

bool ieq(std::string_view a, std::string_view b) { return http::iequals(a, b); }

std::string strip_angles(std::string_view s) {
  s = http::trim_ows(s);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

// Split "a@x, \"b,c\"@y" on commas outside quotes and angle brackets.
void split_rcpts(std::string_view v, std::vector<std::string>& out) {
  std::string cur;
  bool quoted = false;
  int angle = 0;
  for (char c : v) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '<') ++angle;
    if (!quoted && c == '>' && angle > 0) --angle;
    if (c == ',' && !quoted && angle == 0) {
      std::string r = strip_angles(cur);
      if (!r.empty()) out.push_back(r);
      cur.clear();
      continue;
    }
    cur += c;
  }
  std::string r = strip_angles(cur);
  if (!r.empty()) out.push_back(r);
}

uint32_t parse_flags(std::string_view v) {
  uint32_t flags = 0;
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    if (comma == std::string_view::npos) comma = v.size();
    std::string f = http::to_lower(http::trim_ows(v.substr(start, comma - start)));
    if (f == "pass_all") flags |= scan::kTaskPassAll;
    else if (f == "no_log") flags |= scan::kTaskNoLog;
    else if (f == "skip" || f == "skip_process") flags |= scan::kTaskSkip;
    else if (f == "milter") flags |= scan::kTaskMilter;
    else if (f == "ext_urls") flags |= scan::kTaskExtUrls;
    else if (f == "groups") flags |= scan::kTaskGroups;
    else if (f == "profile") flags |= scan::kTaskProfile;
    else if (f == "body_block") flags |= scan::kTaskBodyBlock;
    else if (f == "no_stat") flags |= scan::kTaskNoStat;
    start = comma + 1;
  }
  return flags;
}

}  // namespace

scan::Envelope envelope_from_request(const http::Request& req) {
  scan::Envelope env;
  for (const auto& f : req.headers) {
    const std::string& n = f.name;
    const std::string& v = f.value;
    env.request_headers.emplace_back(n, v);
    if (ieq(n, "From")) {
      env.from = strip_angles(v);
      env.has_from = true;
    } else if (ieq(n, "Rcpt")) {
      split_rcpts(v, env.rcpts);
    } else if (ieq(n, "IP")) {
      env.ip = std::string(http::trim_ows(v));
    } else if (ieq(n, "Helo")) {
      env.helo = std::string(http::trim_ows(v));
    } else if (ieq(n, "Hostname")) {
      env.hostname = std::string(http::trim_ows(v));
    } else if (ieq(n, "User")) {
      if (req.protocol != http::Protocol::kSpamc) env.user = std::string(http::trim_ows(v));
    } else if (ieq(n, "Queue-Id")) {
      env.queue_id = v;
    } else if (ieq(n, "Deliver-To")) {
      env.deliver_to = strip_angles(v);
    } else if (ieq(n, "Settings-ID")) {
      env.settings_id = std::string(http::trim_ows(v));
    } else if (ieq(n, "Settings")) {
      env.settings_json = v;
    } else if (ieq(n, "Pass")) {
      if (ieq(http::trim_ows(v), "all")) env.flags |= scan::kTaskPassAll;
    } else if (ieq(n, "Flags")) {
      env.flags |= parse_flags(v);
    } else if (ieq(n, "Milter")) {
      if (ieq(http::trim_ows(v), "yes")) env.flags |= scan::kTaskMilter;
    } else if (ieq(n, "Log-Tag")) {
      env.log_tag = v;
    } else if (ieq(n, "MTA-Name")) {
      env.mta_name = v;
    } else if (ieq(n, "URL-Format")) {
      if (ieq(http::trim_ows(v), "extended")) env.flags |= scan::kTaskExtUrls;
    }
  }
  // Query parameters act as request headers (settings, settings_id, ...).
  for (const auto& [k, v] : req.query) {
    if (req.headers.has(k)) continue;
    env.request_headers.emplace_back(k, v);
    if (ieq(k, "settings")) env.settings_json = v;
    else if (ieq(k, "settings_id") || ieq(k, "settings-id")) env.settings_id = v;
    else if (ieq(k, "ip")) env.ip = v;
    else if (ieq(k, "from")) {
      env.from = strip_angles(v);
      env.has_from = true;
    } else if (ieq(k, "rcpt")) split_rcpts(v, env.rcpts);
    else if (ieq(k, "user")) env.user = v;
    else if (ieq(k, "helo")) env.helo = v;
    else if (ieq(k, "hostname")) env.hostname = v;
    else if (ieq(k, "flags")) env.flags |= parse_flags(v);
  }
  return env;
}

scan::Envelope envelope_from_milter(const proto::milter::ScanFields& f) {
  scan::Envelope env;
  for (auto& [name, value] : proto::milter::scan_headers(f)) {
    env.request_headers.emplace_back(std::move(name), std::move(value));
  }
  env.from = strip_angles(f.mail_from);
  env.has_from = true;
  for (const auto& r : f.recipients) {
    std::string rcpt = strip_angles(r);
    if (!rcpt.empty()) env.rcpts.push_back(std::move(rcpt));
  }
  env.ip = std::string(http::trim_ows(f.ip));
  env.helo = std::string(http::trim_ows(f.helo));
  env.hostname = std::string(http::trim_ows(f.hostname));
  env.user = std::string(http::trim_ows(f.user));
  env.queue_id = f.queue_id;
  env.mta_name = f.mta_name;
  env.mta_host = f.mta_host;
  env.flags = scan::kTaskMilter | (f.body_block ? scan::kTaskBodyBlock : 0u);
  return env;
}

}  // namespace mw::server
