// Replies in Rspamd's shapes, built from a finished Task.
//
//   checkv2_reply   the /checkv2 JSON (and `mailward scan` output): action, score,
//                   required_score, thresholds, symbols {name, score, metric_score,
//                   description?, options?}, messages, urls, emails, message-id, time_real,
//                   is_skipped, milter, subject, ...
//   legacy_reply    the /check (/symbols, /scan ...) JSON: a "default" metric object with
//                   the symbols mixed in, "rmilter" instead of "milter"
//   error_reply     {"error": "...", "error_domain": "protocol-error"}
#pragma once

#include <string_view>

#include "core/json.h"

namespace mw::scan {

class Task;

json::Value checkv2_reply(const Task& task);
json::Value legacy_reply(const Task& task);
json::Value error_reply(std::string_view message);

// Round a score for output (scores are sums of doubles; 1e-6 is far below any threshold).
double round_score(double v);

}  // namespace mw::scan
