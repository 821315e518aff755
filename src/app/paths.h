// Path variables in configuration values:
//   $CONFDIR   the configuration directory in use
//   $DBDIR     options.dbdir: where state lives (store, caches, logs); defaults to the
//              build tree's var/ when running from source; the MAILWARD_DBDIR environment
//              variable overrides it
//   $RULESDIR  the shipped rules/      $LUALIBDIR  the shipped lualib/
//   $WEBDIR    the shipped web/ dashboard
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/result.h"

namespace mw::app {

std::string expand_path(std::string value, const core::Config& cfg);
// options.dbdir, expanded and created if missing.
std::string db_dir(const core::Config& cfg);

// The state directory of a command that keeps its state apart (replay, test-rules): `dir`
// (created when missing, kept), or a fresh /tmp/mailward-<name>-XXXXXX removed when the
// StateDir goes away. Either way it becomes $DBDIR of this process (MAILWARD_DBDIR).
class StateDir {
 public:
  // Fails (kIo) when no temporary directory can be created.
  static Result<StateDir> open(std::string dir, std::string_view name);
  StateDir(StateDir&& other) noexcept : path_(std::move(other.path_)), temporary_(other.temporary_) {
    other.temporary_ = false;
  }
  StateDir& operator=(StateDir&&) = delete;
  ~StateDir();
  const std::string& path() const { return path_; }

 private:
  StateDir(std::string path, bool temporary) : path_(std::move(path)), temporary_(temporary) {}
  std::string path_;
  bool temporary_;
};

}  // namespace mw::app
