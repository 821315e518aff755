// `mailward hold list [--json] | release USER | add USER [REASON]`: the outbound hold list
// (outbound/hold_list.h) in the configured store, for operators.
#include <cstdio>
#include <ctime>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/command_runtime.h"
#include "app/commands.h"
#include "app/paths.h"
#include "core/loop.h"
#include "outbound/hold_list.h"
#include "store/options.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"help", false, false, 'h'},
                                    {"json", false}};

constexpr const char* kUsage =
    "usage: mailward hold [--conf DIR] list [--json]\n"
    "       mailward hold [--conf DIR] release USER\n"
    "       mailward hold [--conf DIR] add USER [REASON]\n";

void print_rows(const json::Value& rows) {
  for (const auto& row : rows.items()) {
    std::string reasons;
    if (const json::Value* rs = row.find("reasons")) {
      for (const auto& x : rs->items()) reasons += (reasons.empty() ? "" : ", ") + x.as_string();
    }
    std::printf("%s\tsince %.0f\t%s\n", row.find("user")->as_string().c_str(),
                row.find("since") ? row.find("since")->as_double() : 0.0, reasons.c_str());
  }
}

}  // namespace

int cmd_hold(int argc, char** argv) {
  int exit_status = 0;
  auto args = parse_command({"hold", kSpec, kUsage, 1}, argc, argv, exit_status);
  if (!args) return exit_status;
  const auto& pos = args->positional();
  const std::string& verb = pos[0];
  if ((verb != "list" && verb != "release" && verb != "add") ||
      ((verb == "release" || verb == "add") && pos.size() < 2)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto rt = CommandRuntime::start("hold", {.conf_dir = args->get("conf")});
  if (!rt) return 2;
  const core::Config& cfg = rt->config();
  auto sc = store::config_from(cfg, db_dir(cfg));
  if (!sc) {
    std::fprintf(stderr, "mailward hold: %s\n", sc.error().message.c_str());
    return 1;
  }
  auto st = store::open_store(*sc, rt->dispatcher, rt->logger,
                              [] { return static_cast<double>(std::time(nullptr)); });
  if (!st) {
    std::fprintf(stderr, "mailward hold: store: %s\n", st.error().message.c_str());
    return 1;
  }
  int status = 0;
  auto failed = [&](const Error& e) {
    std::fprintf(stderr, "mailward hold: %s\n", e.message.c_str());
    status = 1;
  };
  store::OpPtr op;
  if (verb == "list") {
    op = outbound::list_holds(**st, [&](Result<json::Value> rows) {
      if (!rows) {
        failed(rows.error());
      } else if (args->has("json")) {
        std::printf("%s\n", json::write(*rows).c_str());
      } else {
        print_rows(*rows);
      }
      rt->dispatcher.exit();
    });
  } else if (verb == "release") {
    op = outbound::release_account(**st, pos[1], [&](Status s) {
      if (!s) failed(s.error());
      else std::printf("released %s\n", pos[1].c_str());
      rt->dispatcher.exit();
    });
  } else {
    std::string reason = pos.size() > 2 ? pos[2] : "operator";
    op = outbound::hold_account(**st, pos[1], reason, static_cast<double>(std::time(nullptr)),
                                [&](Status s) {
                                  if (!s) failed(s.error());
                                  else std::printf("holding %s\n", pos[1].c_str());
                                  rt->dispatcher.exit();
                                });
  }
  rt->dispatcher.run();
  return status;
}

}  // namespace mw::app
