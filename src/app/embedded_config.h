// The shipped conf/mailward.toml, compiled into the binary so that Mailward runs with its
// defaults even without a configuration directory.
#pragma once

#include <string_view>

namespace mw::app {
std::string_view embedded_config();
}
