// The anomalies module: turns what the MIME parser noticed (mime::Anomaly) into symbols, so
// a message that hit a limit says what was cut (MIME_TOO_DEEP, HEADERS_TRUNCATED, ...).
//
// One callback symbol (MIME_ANOMALIES) inserts virtual symbols named after the anomalies.
// Scores come from the configuration ([symbols.NAME]).
#pragma once

#include "scan/module.h"

namespace mw::scan {

ModulePtr make_anomalies_module();

}  // namespace mw::scan
