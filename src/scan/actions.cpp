#include "scan/actions.h"

#include <string>

#include "core/ascii.h"

namespace mw::scan {

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kNoAction: return "no action";
    case Action::kGreylist: return "greylist";
    case Action::kAddHeader: return "add header";
    case Action::kRewriteSubject: return "rewrite subject";
    case Action::kSoftReject: return "soft reject";
    case Action::kReject: return "reject";
    case Action::kDiscard: return "discard";
    case Action::kQuarantine: return "quarantine";
    case Action::kCount: break;
  }
  return "no action";
}

std::string_view action_config_key(Action a) {
  switch (a) {
    case Action::kNoAction: return "no_action";
    case Action::kGreylist: return "greylist";
    case Action::kAddHeader: return "add_header";
    case Action::kRewriteSubject: return "rewrite_subject";
    case Action::kSoftReject: return "soft_reject";
    case Action::kReject: return "reject";
    case Action::kDiscard: return "discard";
    case Action::kQuarantine: return "quarantine";
    case Action::kCount: break;
  }
  return "no_action";
}

Result<Action> parse_action(std::string_view s) {
  std::string norm;
  for (char c : s) {
    char l = core::to_lower(c);
    norm += (l == '_' || l == '-') ? ' ' : l;
  }
  for (size_t i = 0; i < static_cast<size_t>(Action::kCount); ++i) {
    auto a = static_cast<Action>(i);
    if (norm == action_name(a)) return a;
  }
  if (norm == "accept") return Action::kNoAction;
  return fail(ErrorCode::kInvalidInput, "unknown action '" + std::string(s) + "'");
}

Action Thresholds::action_for(double score) const {
  // Severity order: the last one reached wins.
  static constexpr Action kOrder[] = {Action::kGreylist, Action::kAddHeader,
                                      Action::kRewriteSubject, Action::kSoftReject,
                                      Action::kQuarantine, Action::kDiscard, Action::kReject};
  Action best = Action::kNoAction;
  double best_threshold = 0;
  bool have = false;
  for (Action a : kOrder) {
    auto t = get(a);
    if (!t || score < *t) continue;
    // The action with the highest threshold reached wins; ties go to the more severe.
    if (!have || *t >= best_threshold) {
      best = a;
      best_threshold = *t;
      have = true;
    }
  }
  return best;
}

double Thresholds::required_score() const {
  if (auto r = get(Action::kReject)) return *r;
  double best = 0;
  for (const auto& t : t_) {
    if (t && *t > best) best = *t;
  }
  return best;
}

}  // namespace mw::scan
