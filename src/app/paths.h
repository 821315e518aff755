// Where the shipped files are, and path variables in configuration values.
//
// Layout: a binary run from the build tree uses the source tree (conf/, rules/, lualib/,
// web/) and the build tree's var/. An installed binary (`cmake --install`, the Debian
// package) finds its files from its own location <prefix>/bin/mailward, when
// <prefix>/share/mailward/rules exists: <prefix>/share/mailward/{rules,lualib,web}, and
// <root>/etc/mailward for the configuration, <root>/var/lib/mailward for state, where <root>
// is the prefix's parent when the prefix is a usr/ directory (/usr: /etc/mailward and
// /var/lib/mailward; a package unpacked into R: R/etc/mailward), else the prefix itself. So
// one build serves both, and the package is made from the tested binary.
//
// Path variables in configuration values:
//   $CONFDIR   the configuration directory in use
//   $DBDIR     options.dbdir: where state lives (store, caches); defaults to the layout's
//              state directory; the MAILWARD_DBDIR environment variable overrides it
//   $RULESDIR  the shipped rules/      $LUALIBDIR  the shipped lualib/
//   $WEBDIR    the shipped web/ dashboard
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/result.h"

namespace mw::app {

struct Layout {
  bool installed = false;
  std::string conf_dir;  // the default configuration directory
  std::string rules_dir;
  std::string lualib_dir;
  std::string web_dir;
  std::string state_dir;  // the default $DBDIR
};
// The layout of this binary (found once, then cached).
const Layout& layout();

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
