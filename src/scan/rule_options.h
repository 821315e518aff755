// Options of the shipped Lua rules that have no C++ module of their own: [multimap.NAME]
// (rules/multimap.lua over the maps of src/maps). Declared here so that configtest validates
// them and configdump documents them like every other option; the rules read them with
// get_all_opt().
#pragma once

#include "core/config.h"

namespace mw::scan {

void declare_rule_options(core::Schema& schema);

}  // namespace mw::scan
