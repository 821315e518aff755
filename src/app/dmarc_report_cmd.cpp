// `mailward dmarc-report [--period YYYY-MM-DD] [--dry-run] [--out DIR] [--dns HOST:PORT]
//                        [--conf DIR]`
//
// Sends the DMARC aggregate reports of one UTC day (default: yesterday) from the rows the
// auth module stored (auth/dmarc/aggregate.h): one report per policy domain, as RFC 7489
// section 7.2 says. For each domain: the current DMARC record gives the rua= destinations;
// an external destination (another organisational domain) gets the report only when
// "<domain>._report._dmarc.<destination domain>" publishes v=DMARC1 (section 7.1); a report
// larger than a destination's "!size" is not sent to it. Reports go through
// [dmarc_report] smtp_relay with the file name and subject of section 7.2.1.1.
//
// The rows of a domain are deleted once every authorised destination took the report (or
// when there is nobody to send to); they are kept when DNS or SMTP failed, so a later run
// retries. --dry-run sends and deletes nothing; with --out DIR it writes each report
// (<file name>.xml.gz) into DIR.
// Exit status: 0 when everything due was sent, 1 when something must be retried, 2 on usage
// or configuration errors.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/command_runtime.h"
#include "app/commands.h"
#include "app/paths.h"
#include "auth/check/domain_check.h"
#include "auth/dmarc/aggregate.h"
#include "auth/dmarc/options.h"
#include "auth/dmarc/record.h"
#include "core/loop.h"
#include "dns/resolver.h"
#include "proto/smtp/client.h"
#include "store/options.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"dns", true},
                                    {"period", true}, {"dry-run", false}, {"out", true},
                                    {"help", false, false, 'h'}};

constexpr const char* kUsage =
    "usage: mailward dmarc-report [--period YYYY-MM-DD] [--dry-run] [--out DIR]\n"
    "                             [--dns HOST:PORT] [--conf DIR]\n";

// Run the loop until the operation started by `start` calls back.
template <typename T, typename Start>
Result<T> wait(core::Dispatcher& d, Start start) {
  std::optional<Result<T>> got;
  store::OpPtr op = start([&](Result<T> r) {
    got = std::move(r);
    d.exit();
  });
  if (!got) d.run();
  if (!got) return fail(ErrorCode::kInternal, "the operation never answered");
  return std::move(*got);
}

Status wait_status(core::Dispatcher& d,
                   const std::function<store::OpPtr(store::Done)>& start) {
  std::optional<Status> got;
  store::OpPtr op = start([&](Status s) {
    got = std::move(s);
    d.exit();
  });
  if (!got) d.run();
  if (!got) return fail(ErrorCode::kInternal, "the operation never answered");
  return *got;
}

// TXT strings at `name`; kIo for a temporary DNS failure (NXDOMAIN and NODATA: empty).
Result<std::vector<std::string>> txt(core::Dispatcher& d, dns::Resolver& r,
                                     const std::string& name) {
  std::optional<dns::Reply> got;
  auto req = r.resolve(name, dns::RrType::kTxt, [&](const dns::Reply& reply) {
    got = reply;
    d.exit();
  });
  if (!got) d.run();
  if (!got || dns::is_temporary(got->rcode)) {
    return fail(ErrorCode::kIo, "DNS " + std::string(got ? dns::rcode_name(got->rcode)
                                                          : std::string_view("no answer")) +
                                    " for " + name);
  }
  std::vector<std::string> out;
  for (const auto& a : got->answers) out.push_back(a.text);
  return out;
}

std::string yesterday() {
  return auth::dmarc::utc_day(static_cast<double>(std::time(nullptr)) - 86400);
}

}  // namespace

int cmd_dmarc_report(int argc, char** argv) {
  int exit_status = 0;
  auto args = parse_command({"dmarc-report", kSpec, kUsage, 0, 0}, argc, argv, exit_status);
  if (!args) return exit_status;
  auto usage_error = [](const std::string& m) {
    std::fprintf(stderr, "mailward dmarc-report: %s\n", m.c_str());
    return 2;
  };
  std::string day = args->get("period", yesterday());
  auto range = auth::dmarc::day_range(day);
  if (!range) return usage_error(range.error().message);
  bool dry_run = args->has("dry-run");
  std::string out_dir = args->get("out");
  if (!out_dir.empty() && !dry_run) return usage_error("--out goes with --dry-run");
  if (!out_dir.empty()) {
    struct stat sb;
    if (::stat(out_dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode)) {
      return usage_error("--out: not a directory: " + out_dir);
    }
  }

  auto rt = CommandRuntime::start("dmarc-report", {.conf_dir = args->get("conf")});
  if (!rt) return 2;
  const core::Config& cfg = rt->config();
  auth::dmarc::ReportOptions ro = auth::dmarc::report_options_from(cfg);
  auth::dmarc::ReporterInfo me{ro.org_name, ro.email, ro.extra_contact_info, ro.domain};
  if (ro.org_name.empty() || ro.email.empty()) {
    return usage_error("set [dmarc_report] org_name and email (our metadata in reports)");
  }
  auto our_domain = auth::check::normalize_domain(ro.domain);
  if (!our_domain) return usage_error("[dmarc_report] domain: " + our_domain.error().message);
  me.domain = *our_domain;

  auto resolver = make_resolver(cfg, rt->dispatcher, rt->logger, args->get("dns"));
  if (!resolver) return usage_error("DNS: " + resolver.error().message);
  auto psl = auth::dmarc::load_public_suffix_list(auth::dmarc::options_from(cfg));
  const auth::dmarc::PublicSuffixList* list = psl ? psl->get() : nullptr;
  auto sc = store::config_from(cfg, db_dir(cfg));
  if (!sc) return usage_error(sc.error().message);
  auto st = store::open_store(*sc, rt->dispatcher, rt->logger,
                              [] { return static_cast<double>(std::time(nullptr)); });
  if (!st) {
    std::fprintf(stderr, "mailward dmarc-report: store: %s\n", st.error().message.c_str());
    return 1;
  }
  store::Store& store = **st;
  const std::string domains_key = auth::dmarc::domains_key(day);
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  auto fields = wait<Pairs>(rt->dispatcher, [&](store::Callback<Pairs> cb) {
    return store.map_all(domains_key, std::move(cb));
  });
  if (!fields) {
    std::fprintf(stderr, "mailward dmarc-report: store: %s\n", fields.error().message.c_str());
    return 1;
  }
  std::vector<std::string> domains;
  for (const auto& f : *fields) domains.push_back(f.first);
  std::sort(domains.begin(), domains.end());

  proto::smtp::SendOptions smtp{ro.smtp_relay, ro.helo, ro.timeout};
  int retry = 0;
  size_t sent = 0;
  for (const auto& domain : domains) {
    const std::string rows_key = auth::dmarc::rows_key(day, domain);
    auto forget = [&] {
      if (dry_run) return;
      auto a = wait_status(rt->dispatcher, [&](store::Done cb) { return store.del(rows_key, cb); });
      auto b = wait_status(rt->dispatcher, [&](store::Done cb) {
        return store.map_del(domains_key, domain, cb);
      });
      if (!a || !b) {
        std::fprintf(stderr, "%s: could not delete the sent rows: %s\n", domain.c_str(),
                     (!a ? a.error() : b.error()).message.c_str());
      }
    };
    auto valid = auth::check::normalize_domain(domain);
    if (!valid || *valid != domain) {
      std::printf("%s: not a domain name, rows dropped\n", domain.c_str());
      forget();
      continue;
    }
    using Rows = std::vector<std::string>;
    auto rows = wait<Rows>(rt->dispatcher, [&](store::Callback<Rows> cb) {
      return store.list_range(rows_key, 0, ro.max_rows, std::move(cb));
    });
    if (!rows) {
      std::fprintf(stderr, "%s: store: %s\n", domain.c_str(), rows.error().message.c_str());
      ++retry;
      continue;
    }
    auto report = auth::dmarc::aggregate(domain, *rows, range->first, range->second);
    if (report.messages == 0) {
      forget();
      continue;
    }
    auto record_txt = txt(rt->dispatcher, **resolver, "_dmarc." + domain);
    if (!record_txt) {
      std::printf("%s: %s, kept for a retry\n", domain.c_str(), record_txt.error().message.c_str());
      ++retry;
      continue;
    }
    std::optional<auth::dmarc::Record> record;
    for (const auto& t : *record_txt) {
      if (!auth::dmarc::is_dmarc_record(t)) continue;
      auto parsed = auth::dmarc::parse_record(t);
      if (parsed.ok()) record = *parsed.record;
    }
    if (!record) {
      std::printf("%s: no usable DMARC record any more, nothing to send\n", domain.c_str());
      forget();
      continue;
    }
    std::string xml = report.to_xml(me);
    auto gz = auth::dmarc::gzip(xml);
    if (!gz) {
      std::fprintf(stderr, "%s: %s\n", domain.c_str(), gz.error().message.c_str());
      ++retry;
      continue;
    }
    std::string name = report.file_name(me);
    std::printf("%s: %llu messages in %zu records, %s (%zu bytes)\n", domain.c_str(),
                static_cast<unsigned long long>(report.messages), report.groups.size(),
                name.c_str(), gz->size());
    if (!out_dir.empty()) {
      std::ofstream f(out_dir + "/" + name, std::ios::binary);
      f.write(gz->data(), static_cast<std::streamsize>(gz->size()));
      if (!f) std::fprintf(stderr, "%s: cannot write %s/%s\n", domain.c_str(), out_dir.c_str(),
                           name.c_str());
    }
    bool all_done = true;
    for (const auto& d : auth::dmarc::destinations(*record, domain, list)) {
      if (d.external) {
        std::string vname = auth::dmarc::verification_name(domain, d.domain);
        auto v = txt(rt->dispatcher, **resolver, vname);
        if (!v) {
          std::printf("  %s: %s, kept for a retry\n", d.address.c_str(), v.error().message.c_str());
          all_done = false;
          continue;
        }
        if (!auth::dmarc::verification_ok(*v)) {
          std::printf("  %s: not authorised (no v=DMARC1 at %s), skipped\n", d.address.c_str(),
                      vname.c_str());
          continue;
        }
      }
      if (d.max_size > 0 && gz->size() > d.max_size) {
        std::printf("  %s: report larger than its limit of %llu bytes, skipped\n",
                    d.address.c_str(), static_cast<unsigned long long>(d.max_size));
        continue;
      }
      if (dry_run) {
        std::printf("  %s: would send\n", d.address.c_str());
        continue;
      }
      std::string mail = auth::dmarc::report_mail(report, me, d.address, *gz,
                                                  static_cast<double>(std::time(nullptr)));
      auto s = proto::smtp::send(smtp, ro.email, {d.address}, mail);
      if (!s) {
        std::printf("  %s: %s, kept for a retry\n", d.address.c_str(), s.error().message.c_str());
        all_done = false;
        continue;
      }
      ++sent;
      std::printf("  %s: sent\n", d.address.c_str());
    }
    if (all_done) {
      forget();
    } else {
      ++retry;
    }
  }
  if (!dry_run) std::printf("%zu reports sent, %d domains kept for a retry\n", sent, retry);
  return retry > 0 ? 1 : 0;
}

}  // namespace mw::app
