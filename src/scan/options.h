// Configuration of the scan layer: declarations and loading into an Engine.
//
//   [options]      task_timeout, max_task_memory, local_networks, symbol option caps
//   [limits]       MIME parser limits (message size, headers, depth, parts, URLs, text)
//   [actions]      thresholds (reject, soft_reject, rewrite_subject, add_header, greylist),
//                  subject template
//   [groups.NAME]  max_score, min_score, description, enabled
//   [symbols.NAME] score, description, group(s), flags, one_shot, max_shots
//   [settings.*], [composites.*] (see settings.h, composites.h)
#pragma once

#include "core/config.h"
#include "core/result.h"

namespace mw::scan {

class Engine;

void declare_options(core::Schema& schema);

// Fill engine options, thresholds, groups, symbol scores, composites and settings from the
// configuration. Call before rules register their symbols (scores from configuration win
// over scores given at registration) and before Engine::finalize().
Status configure_engine(const core::ConfigPtr& cfg, Engine& engine);

}  // namespace mw::scan
