// Helpers shared by the dns tests: driving the Dispatcher until something happens.
#pragma once

#include "../loop_util.h"

namespace mw::dns::testing {

using unit::run_for;
using unit::run_until;

}  // namespace mw::dns::testing
