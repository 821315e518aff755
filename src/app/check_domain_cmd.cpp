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
#include "app/command_runtime.h"
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
  int exit_status = 0;
  auto args = parse_command({"check-domain", kSpec, kUsage, 1, 1}, argc, argv, exit_status);
  if (!args) return exit_status;
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
  auto rt = CommandRuntime::start("check-domain", {.conf_dir = args->get("conf")});
  if (!rt) return 2;
  const core::Config& cfg = rt->config();
  auto resolver = make_resolver(cfg, rt->dispatcher, rt->logger, args->get("dns"));
  if (!resolver) {
    std::fprintf(stderr, "mailward check-domain: DNS: %s\n", resolver.error().message.c_str());
    return 2;
  }
  auto psl = auth::dmarc::load_public_suffix_list(auth::dmarc::options_from(cfg));

  auth::check::DomainReport report;
  auto check = auth::check::check_domain(rt->dispatcher, **resolver, *domain, selectors,
                                         psl ? psl->get() : nullptr, {},
                                         [&](auth::check::DomainReport r) {
                                           report = std::move(r);
                                           rt->dispatcher.exit();
                                         });
  rt->dispatcher.run();
  if (args->has("json")) {
    std::printf("%s\n", json::write(report.to_json(), {true}).c_str());
  } else {
    std::printf("%s", report.to_text().c_str());
  }
  return report.dns_failed ? 1 : 0;
}

}  // namespace mw::app
