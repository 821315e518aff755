#include "scan/actions.h"

#include <string>

#include "core/ascii.h"
#include "core/enum_names.h"

namespace mw::scan {

namespace {

constexpr auto kActionNames =
    core::EnumNames<Action, Action::kQuarantine>{"no action",   "greylist",        "add header",
                                                 "rewrite subject", "soft reject", "reject",
                                                 "discard",     "quarantine"}
        .with_fallback("no action");
constexpr auto kConfigKeys =
    core::EnumNames<Action, Action::kQuarantine>{"no_action",   "greylist",        "add_header",
                                                 "rewrite_subject", "soft_reject", "reject",
                                                 "discard",     "quarantine"}
        .with_fallback("no_action");
static_assert(kActionNames.kSize == static_cast<size_t>(Action::kCount));

}  // namespace

std::string_view action_name(Action a) { return kActionNames.name(a); }

std::string_view action_config_key(Action a) { return kConfigKeys.name(a); }

Result<Action> parse_action(std::string_view s) {
  std::string norm;
  for (char c : s) {
    char l = core::to_lower(c);
    norm += (l == '_' || l == '-') ? ' ' : l;
  }
  if (auto a = kActionNames.parse(norm)) return *a;
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
