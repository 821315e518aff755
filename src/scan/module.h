// Module: the C++ extension seam (STYLE.md "Extension seam").
//
// A module declares its configuration options and, at configuration time, registers its
// symbols in the Engine. Modules are listed explicitly in src/app/modules.cpp; there is no
// static registration. A module that is not configured disables itself with a logged reason.
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
  virtual Status configure(Engine& engine, core::Logger& logger) = 0;
};
using ModulePtr = std::unique_ptr<Module>;

}  // namespace mw::scan
