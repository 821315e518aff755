// Internal to mw_core (toml++ is a private dependency): a toml++ node as a JSON value, shared
// by Config and toml_file.cpp. Code outside src/core uses core/toml_file.h instead.
//
// Ownership: the result owns its values. Loop affinity: none. Failure modes: none; dates and
// times, which JSON has no type for, become null.
#pragma once

#include <toml++/toml.h>

#include "core/json.h"

namespace mw::core::detail {

json::Value toml_to_json(const toml::node& node);

}  // namespace mw::core::detail
