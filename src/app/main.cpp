// mailward: the e-mail scanning daemon and its tools.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "app/commands.h"
#include "app/version.h"

namespace {

struct Command {
  const char* name;
  mw::app::CommandMain* run;
  const char* summary;
};

constexpr Command kCommands[] = {
    {"serve", mw::app::cmd_serve, "run the daemon: scan workers, controller (see --help)"},
    {"scan", mw::app::cmd_scan, "scan message files and print one JSON reply per message"},
    {"configtest", mw::app::cmd_configtest, "check the configuration and the rules"},
    {"configdump", mw::app::cmd_configdump, "print every option with its effective value"},
    {"check-domain", mw::app::cmd_check_domain,
     "show a domain's SPF tree (lookup counts), DMARC policy and DKIM keys"},
    {"dmarc-report", mw::app::cmd_dmarc_report,
     "send the DMARC aggregate reports of a day (RFC 7489 7.2)"},
    {"replay", mw::app::cmd_replay, "feed recorded submissions through the engine in time order"},
    {"learn", mw::app::cmd_learn, "teach the Bayes classifier spam and ham (or forget) offline"},
    {"train", mw::app::cmd_train, "train the outbound classifier from labelled features"},
    {"hold", mw::app::cmd_hold, "list, add or release accounts on the outbound hold list"},
    {"dkim-keygen", mw::app::cmd_dkim_keygen,
     "generate a DKIM key and print the DNS record to publish"},
    {"pw", mw::app::cmd_pw, "print a password hash for the controller configuration"},
    {"test-rules", mw::app::cmd_test_rules, "run rule tests (Lua files naming messages and symbols)"},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: mailward <command> [options]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-12s %s\n", c.name, c.summary);
  std::fprintf(out, "\nmailward <command> --help shows the options of a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string_view cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(stdout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::fputs(mw::app::version_text().c_str(), stdout);
    return 0;
  }
  for (const auto& c : kCommands) {
    if (cmd == c.name) return c.run(argc, argv);
  }
  std::fprintf(stderr, "mailward: unknown command '%s' (see mailward --help)\n", argv[1]);
  return 2;
}
