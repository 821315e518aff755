// Outcome: what one task has decided so far. The symbol results and the score (with the
// task's symbol weights and action thresholds, after settings), the pre-result and the final
// action, and what rules add to the reply (reply_additions.h).
//
// Each Task owns one Outcome (Task::outcome()). Symbols are inserted through
// Task::insert_result(), which applies the task's settings (a disabled symbol is not
// inserted, nothing is inserted once the task finished) and then scores here: weight x
// multiplier, one_shot and max_shots, group max_score/min_score caps. Rules, composites and
// modules read the results, set the pre-result and add to the reply directly. When the task
// has finished, the Verdict (verdict.h) is built from it.
//
// Ownership: results and their options live in the task's arena (valid while the task lives).
// Loop affinity: the task's. Failure modes: none; options beyond the engine's max_options and
// max_option_length are dropped or cut.
#pragma once

#include <cstdint>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/arena.h"
#include "scan/actions.h"
#include "scan/reply_additions.h"
#include "scan/symbols.h"

namespace mw::scan {

class Engine;
class Task;

struct SymbolResult {
  SymbolId id = kNoSymbol;       // kNoSymbol for a name nobody registered
  std::string_view name;         // arena or registry
  double score = 0;              // contribution to the message score
  double weight = 0;             // configured weight (after settings)
  std::pmr::vector<std::string_view> options;  // arena strings, unique, insertion order
  uint32_t shots = 0;
  bool removed = false;          // removed by a composite (not shown, no score)
  explicit SymbolResult(std::pmr::memory_resource* mr) : options(mr) {}
};

// A result forced before (or instead of) scoring. A forcing pre-result (not `least`) also
// decides the message score, so that MTAs which judge by score (Exim's `spam` condition,
// spamc) agree with the action: its `score` when given (for "no action": at most that
// score), else the forced action's threshold when the score is below it (discard and
// quarantine, which have no threshold by default: the required score). Like Rspamd, the reply
// then says is_skipped: the remaining rules did not run.
struct PreResult {
  Action action = Action::kNoAction;
  std::string message;   // SMTP reply text for the MTA
  std::string module;    // who set it
  int priority = 0;
  bool least = false;    // only sets the minimum action (does not stop the scan)
  std::optional<double> score;  // the message score it forces (forcing pre-results only)
};

class Outcome {
 public:
  // REQUIRES: `engine` is finalized; `engine` and `arena` outlive the outcome.
  Outcome(const Engine& engine, core::Arena& arena);
  Outcome(const Outcome&) = delete;
  Outcome& operator=(const Outcome&) = delete;

  // ---- symbols
  const SymbolResult* find_result(std::string_view name) const;  // nullptr: absent or removed
  const SymbolResult* find_result(SymbolId id) const;
  bool has_symbol(std::string_view name) const { return find_result(name) != nullptr; }
  // Every result in insertion order (removed ones flagged).
  const std::pmr::vector<SymbolResult*>& results() const { return results_; }
  // Add options to an existing result. False when absent.
  bool add_options(std::string_view name, const std::vector<std::string_view>& options);
  // Remove a result: drop its score and/or hide it (composites).
  void remove_result(SymbolResult& r, bool remove_symbol, bool remove_weight);
  double score() const { return score_; }
  // Per-group sums of the current results (for replies with Flags: groups).
  std::vector<std::pair<std::string, double>> group_scores() const;
  // The weight of a symbol for this task (its score, or what settings made of it).
  double weight_of(SymbolId id) const;

  // ---- action
  // Keep the pre-result of the highest priority (ties: the later one).
  void set_pre_result(PreResult pr);
  const std::optional<PreResult>& pre_result() const { return pre_result_; }
  const Thresholds& thresholds() const { return thresholds_; }
  // The final action, once the task has finished (kNoAction before).
  Action action() const { return action_; }
  // The action the current state maps to: the final one once decided, else the forcing
  // pre-result's or the thresholds' for the current score.
  Action current_action() const;

  // ---- reply additions
  ReplyAdditions& additions() { return additions_; }
  const ReplyAdditions& additions() const { return additions_; }

 private:
  friend class Task;

  // Score a symbol (the Task checked that it is enabled and that the task is running).
  void insert(SymbolId id, double multiplier, const std::vector<std::string_view>& options);
  // A name nobody registered: shown with weight 0.
  void insert_unknown(std::string_view name, const std::vector<std::string_view>& options);
  void add_unique_options(SymbolResult& r, const std::vector<std::string_view>& options);
  SymbolResult* slot(SymbolId id, std::string_view name);
  void set_weight(SymbolId id, double weight) { weights_[static_cast<size_t>(id)] = weight; }
  void set_threshold(Action a, std::optional<double> t) { thresholds_.set(a, t); }
  // The score reached the reject threshold (the task may stop early).
  bool reject_reached() const { return reject_reached_; }
  // Fix the final action: the forcing pre-result's (with its score, see PreResult), else the
  // thresholds' (raised to a `least` pre-result's); no action when the scan failed.
  void decide(bool failed);
  void apply_forced_score(const PreResult& pr);

  const Engine& engine_;
  core::Arena& arena_;
  std::pmr::vector<int32_t> index_;  // SymbolId -> index in results_, -1 none
  std::pmr::vector<SymbolResult*> results_;
  std::pmr::vector<double> weights_;
  Thresholds thresholds_;
  double score_ = 0;
  bool reject_reached_ = false;
  bool decided_ = false;
  std::optional<PreResult> pre_result_;
  Action action_ = Action::kNoAction;
  ReplyAdditions additions_;
};

}  // namespace mw::scan
