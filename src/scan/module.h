// Module: the C++ extension seam (style.md "Extension seam").
//
// A module declares its configuration options and, at configuration time, registers its
// symbols in the Engine. The modules of the binary are listed explicitly, in order, in
// app::make_modules() (src/app/bootstrap.cpp); there is no static registration.
//
// configure() fails only for a configuration that is wrong (a malformed value, a key file
// that cannot be read): start-up then fails with the module's name, `configtest` reports it
// and a reload keeps the running generation. A module that is simply not configured (switched
// off, nothing to work with) is not an error: configure() calls disable() with the reason,
// registers nothing and succeeds; start-up logs "module <name> disabled: <reason>" (as
// Rspamd's disabled modules).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/log.h"
#include "core/result.h"

namespace mw::scan {

class Engine;

// Expands the path variables of configuration values ($CONFDIR, $DBDIR, ...: app/paths.h)
// for modules that name files.
using PathExpander = std::function<std::string(std::string, const core::Config&)>;

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view name() const = 0;
  // Declare [options.<name>] and friends. Called once at start-up.
  virtual void declare_options(core::Schema& schema) const = 0;
  // Register symbols in engine.registry (configuration is engine.config). See above for
  // errors and disable(): kInvalidInput for a configuration the module cannot use, other
  // codes for resources it could not get (keys, files).
  virtual Status configure(Engine& engine, core::Logger& logger) = 0;

  // Why the module registered nothing in configure() ("" when it is active).
  const std::string& disabled_reason() const { return disabled_reason_; }

 protected:
  // From configure(): the module is not configured and stays off (modules are made afresh
  // for every configuration, so this holds for the configuration being built).
  void disable(std::string reason) { disabled_reason_ = std::move(reason); }
  // The usual switch: when the boolean option `key` is false, disable() with the reason
  // "<key> is false" and return true (configure() then returns success at once).
  bool disabled_by(const core::Config& config, std::string_view key) {
    if (config.get_bool(key)) return false;
    disable(std::string(key) + " is false");
    return true;
  }

 private:
  std::string disabled_reason_;
};
using ModulePtr = std::unique_ptr<Module>;

}  // namespace mw::scan
