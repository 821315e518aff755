// Path variables in configuration values:
//   $CONFDIR   the configuration directory in use
//   $DBDIR     options.dbdir: where state lives (store, caches, logs); defaults to the
//              build tree's var/ when running from source; the MAILWARD_DBDIR environment
//              variable overrides it
//   $RULESDIR  the shipped rules/      $LUALIBDIR  the shipped lualib/
//   $WEBDIR    the shipped web/ dashboard
#pragma once

#include <string>

#include "core/config.h"

namespace mw::app {

std::string expand_path(std::string value, const core::Config& cfg);
// options.dbdir, expanded and created if missing.
std::string db_dir(const core::Config& cfg);

}  // namespace mw::app
