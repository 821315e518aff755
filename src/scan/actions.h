// Actions and their score thresholds.
//
// Wire names use spaces ("soft reject"), configuration keys use underscores (soft_reject);
// both are accepted when parsing. One action per message: the highest threshold reached,
// unless a pre-result forces one.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace mw::scan {

enum class Action : uint8_t {
  kNoAction = 0,
  kGreylist,
  kAddHeader,
  kRewriteSubject,
  kSoftReject,
  kReject,
  kDiscard,     // force-only (pre-results); no threshold by default
  kQuarantine,  // force-only (pre-results); no threshold by default
  kCount
};

std::string_view action_name(Action a);           // "soft reject"
std::string_view action_config_key(Action a);     // "soft_reject"
Result<Action> parse_action(std::string_view s);  // either spelling, case-insensitive

// Thresholds in effect for one task (configuration, possibly changed by settings).
class Thresholds {
 public:
  void set(Action a, std::optional<double> score) { t_[static_cast<size_t>(a)] = score; }
  std::optional<double> get(Action a) const { return t_[static_cast<size_t>(a)]; }
  // Highest-severity action whose threshold the score reaches (kNoAction when none).
  Action action_for(double score) const;
  // The reject threshold, or the highest threshold set when reject is disabled (what
  // Rspamd reports as required_score).
  double required_score() const;

 private:
  std::array<std::optional<double>, static_cast<size_t>(Action::kCount)> t_{};
};

}  // namespace mw::scan
