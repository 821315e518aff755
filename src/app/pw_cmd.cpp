// `mailward pw [--password PASSWORD]`: print a controller password hash (server/password.h)
// for [controller] password / enable_password; the password is read from stdin when not given.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "app/args.h"
#include "app/commands.h"
#include "server/password.h"

namespace mw::app {

int cmd_pw(int argc, char** argv) {
  static const std::vector<ArgSpec> kSpec = {{"password", true, false, 'p'},
                                             {"help", false, false, 'h'}};
  int exit_status = 0;
  auto args = parse_command(
      {"pw", kSpec, "usage: mailward pw [--password PASSWORD]  (else read from stdin)\n"}, argc,
      argv, exit_status);
  if (!args) return exit_status;
  std::string pw = args->get("password");
  if (!args->has("password")) {
    if (isatty(0)) std::fprintf(stderr, "Password: ");
    std::getline(std::cin, pw);
  }
  if (pw.empty()) {
    std::fprintf(stderr, "mailward pw: empty password\n");
    return 2;
  }
  auto h = server::hash_password(pw);
  if (!h) {
    std::fprintf(stderr, "mailward pw: %s\n", h.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", h->c_str());
  return 0;
}

}  // namespace mw::app
