#include "app/command_runtime.h"

#include <string>

namespace mw::app {

std::unique_ptr<CommandRuntime> CommandRuntime::start(std::string_view command,
                                                const StartupOptions& options) {
  auto rt = std::make_unique<CommandRuntime>();
  rt->logger.set_role(std::string(command));
  auto setup = start_command(command, options, rt->logger);
  if (!setup) return nullptr;
  rt->setup = std::move(*setup);
  return rt;
}

void CommandRuntime::run(scan::Task& task) {
  bool done = false;
  task.run([&](scan::Task&) {
    done = true;
    dispatcher.exit();
  });
  if (!done) dispatcher.run();
}

}  // namespace mw::app
