// TRANSITIONAL: toml++ access to a loaded Config, for the code that has not moved to the
// TOML-free API of config.h yet (Config::value(), Config::effective_value(),
// Schema::default_value()).
//
// Today that is src/app (outbound.cpp dumps its options for the rules with the declared
// defaults filled in) and what moves from it into src/server and src/outbound. This header
// goes away once src/app and src/server are converted; do not include it anywhere else, and
// do not add functions to it.
//
// Ownership: the returned nodes belong to the Config (or Schema) and live as long as it.
// Loop affinity: none. Failure modes: none (absent -> nullptr).
#pragma once

#include <string_view>
#include <toml++/toml.h>

#include "core/config.h"
#include "core/json.h"

namespace mw::core {

// The node at dotted `path` as loaded, nullptr when absent ("" is the root table).
const toml::node* toml_node(const Config& config, std::string_view path);
// The declared default of `decl` as a node, nullptr when it has none.
const toml::node* toml_default(const Schema& schema, const OptionDecl& decl);
// A TOML value as JSON, as Config::value() gives it (dates and times become null).
json::Value toml_to_json(const toml::node& node);

}  // namespace mw::core
