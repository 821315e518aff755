// `mailward check-domain DOMAIN [--dns HOST:PORT] [--selector S]... [--json] [--conf DIR]`
//
// An operator's view of a sending domain's authentication records (SPF tree and lookup
// counts, DMARC record and advice, DKIM keys of the given selectors): auth/check/
// domain_check.h, the same report the controller serves at /checkdomain.
// Exit status: 0 when the records were read (whatever they say), 1 when DNS failed, 2 on
// usage errors (a non-domain included).
#include <cstdio>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "auth/check/domain_check.h"
#include "auth/dmarc/options.h"
#include "core/json.h"
#include "core/loop.h"
#include "dns/resolver.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"dns", true},
                                    {"selector", true, true, 's'}, {"json", false},
                                    {"help", false, false, 'h'}};

constexpr const char* kUsage =
    "usage: mailward check-domain DOMAIN [--dns HOST:PORT] [--selector SEL]... [--json]\n"
    "                             [--conf DIR]\n";

}  // namespace

int cmd_check_domain(int argc, char** argv) {
  auto args = Args::parse(kSpec, argc, argv, 2);
  if (!args || args->has("help") || args->positional().size() != 1) {
    if (!args) std::fprintf(stderr, "mailward check-domain: %s\n", args.error().message.c_str());
    std::fputs(kUsage, args && args->has("help") ? stdout : stderr);
    return args && args->has("help") ? 0 : 2;
  }
  auto domain = auth::check::normalize_domain(args->positional()[0]);
  if (!domain) {
    std::fprintf(stderr, "mailward check-domain: %s\n", domain.error().message.c_str());
    return 2;
  }
  std::vector<std::string> selectors;
  for (const auto& raw : args->all("selector")) {
    auto sel = auth::check::normalize_selector(raw);
    if (!sel) {
      std::fprintf(stderr, "mailward check-domain: %s\n", sel.error().message.c_str());
      return 2;
    }
    selectors.push_back(*sel);
  }
  if (selectors.size() > auth::check::kMaxSelectors) {
    std::fprintf(stderr, "mailward check-domain: at most %zu selectors\n",
                 auth::check::kMaxSelectors);
    return 2;
  }
  core::Logger logger(core::LogLevel::kError);
  StartupOptions so;
  so.conf_dir = args->get("conf");
  auto setup = start_command("check-domain", so, logger);
  if (!setup) return 2;
  const core::Config& cfg = *setup->config;
  core::Dispatcher dispatcher;
  auto resolver = make_resolver(cfg, dispatcher, logger, args->get("dns"));
  if (!resolver) {
    std::fprintf(stderr, "mailward check-domain: DNS: %s\n", resolver.error().message.c_str());
    return 2;
  }
  auto psl = auth::dmarc::load_public_suffix_list(auth::dmarc::options_from(cfg));

  auth::check::DomainReport report;
  auto check = auth::check::check_domain(dispatcher, **resolver, *domain, selectors,
                                         psl ? psl->get() : nullptr, {},
                                         [&](auth::check::DomainReport r) {
                                           report = std::move(r);
                                           dispatcher.exit();
                                         });
  dispatcher.run();
  if (args->has("json")) {
    std::printf("%s\n", json::write(report.to_json(), {true}).c_str());
  } else {
    std::printf("%s", report.to_text().c_str());
  }
  return report.dns_failed ? 1 : 0;
}

}  // namespace mw::app
