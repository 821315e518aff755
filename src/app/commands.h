// Subcommands of the `mailward` binary. Each returns the process exit status:
// 0 success, 1 failure of the work itself (e.g. an unreadable file), 2 usage error.
#pragma once

namespace mw::core {
class Schema;
}

namespace mw::app {

// Options of the commands themselves ([serve]).
void declare_serve_options(core::Schema& schema);

int cmd_scan(int argc, char** argv);
int cmd_configtest(int argc, char** argv);
int cmd_configdump(int argc, char** argv);
int cmd_test_rules(int argc, char** argv);
int cmd_serve(int argc, char** argv);
int cmd_pw(int argc, char** argv);
int cmd_check_domain(int argc, char** argv);
int cmd_dmarc_report(int argc, char** argv);
int cmd_replay(int argc, char** argv);
int cmd_train(int argc, char** argv);
int cmd_learn(int argc, char** argv);
int cmd_dkim_keygen(int argc, char** argv);
int cmd_hold(int argc, char** argv);

}  // namespace mw::app
