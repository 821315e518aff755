// Module: the C++ extension seam (STYLE.md "Extension seam").
//
// A module declares its configuration options and, at configuration time, registers its
// symbols in the Engine. Modules are listed explicitly by the app's start-up wiring
// (make_modules() in src/app/bootstrap.cpp); there is no static registration.
// configure() failing is a configuration error: start-up (and configtest) stops with the
// module's name and the message. A module whose feature is switched off in the configuration
// is not an error: it registers nothing (or only what the switch leaves on) and says so in
// the log.
#pragma once

#include <memory>
#include <string_view>

#include "core/config.h"
#include "core/log.h"
#include "core/result.h"

namespace mw::scan {

class Engine;

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view name() const = 0;
  // Declare [options.<name>] and friends. Called once at start-up.
  virtual void declare_options(core::Schema& schema) const = 0;
  // Register symbols in engine.registry (configuration is engine.config).
  // Result on failure: kInvalidInput for a configuration the module cannot use (the app
  // stops start-up with it), other codes for resources it could not get (keys, files).
  virtual Status configure(Engine& engine, core::Logger& logger) = 0;
};
using ModulePtr = std::unique_ptr<Module>;

}  // namespace mw::scan
