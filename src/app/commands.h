// Subcommands of the `mailward` binary. Each returns the process exit status:
// 0 success, 1 failure of the work itself (e.g. an unreadable file), 2 usage error.
#pragma once

namespace mw::core {
class Schema;
}

namespace mw::app {

// Options of the commands themselves ([serve]).
void declare_serve_options(core::Schema& schema);

// The main function of a command (`mailward NAME ...`: argv[1] is NAME).
using CommandMain = int(int argc, char** argv);

CommandMain cmd_scan, cmd_configtest, cmd_configdump, cmd_test_rules, cmd_serve, cmd_pw,
    cmd_check_domain, cmd_dmarc_report, cmd_replay, cmd_train, cmd_learn, cmd_dkim_keygen,
    cmd_hold;

}  // namespace mw::app
