// Task: one message being scanned, from request to reply.
//
// A Task owns the raw message bytes, its Arena (every parsed view lives there), the envelope,
// and the results. It runs the stages of DESIGN.md ("The path of one message"): parse,
// prefilters, filters in dependency order, composites, postfilters, composites again,
// idempotent symbols; then decides the action and calls the completion callback.
//
// Asynchronous rules: a symbol callback that waits on I/O returns RunState::kPending and
// later calls finish_symbol(). Handles of outstanding I/O are kept with hold(), so that a
// task that dies (client gone, timeout) cancels them: no callback ever reaches a dead task.
//
// Loop affinity: created and run on one worker's Dispatcher thread.
// Failure modes: the only task-level errors are a parse failure (arena cap) and the task
// timeout; both still complete the task (error() tells). Rule errors mark their symbol
// failed and the task goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"
#include "core/json.h"
#include "core/loop.h"
#include "mime/message.h"
#include "scan/actions.h"
#include "scan/engine.h"
#include "scan/envelope.h"
#include "scan/settings.h"
#include "scan/symbols.h"

namespace mw::dns {
class Resolver;
class BudgetResolver;
}  // namespace mw::dns

namespace mw::scan {

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

struct PreResult {
  Action action = Action::kNoAction;
  std::string message;   // SMTP reply text for the MTA
  std::string module;    // who set it
  int priority = 0;
  bool least = false;    // only sets the minimum action (does not stop the scan)
};

// Something asynchronous the task must cancel when it dies.
class Cancelable {
 public:
  virtual ~Cancelable() = default;
};

// Per-task data of upper layers (the Lua bindings keep their task state here).
class TaskExtension {
 public:
  virtual ~TaskExtension() = default;
};

enum class SymbolState : uint8_t { kNotRun, kRunning, kDone, kSkipped, kFailed };

class Task {
 public:
  // `raw` is the message (moved in and owned). REQUIRES: engine and services outlive the task.
  Task(const Engine& engine, Services& services, std::string raw, Envelope envelope);
  ~Task();
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  // ---- running
  // Start scanning. `done` is called exactly once, when the task has finished (possibly
  // before run() returns when nothing waits on I/O). The task must stay alive until then;
  // destroying it earlier cancels everything and `done` is not called.
  void run(std::function<void(Task&)> done);
  // A callback that returned kPending has completed.
  void finish_symbol(SymbolId id);
  // A running symbol failed (rule error, budget exceeded): logged by the caller; the symbol
  // counts as finished without a result and the task goes on.
  void symbol_failed(SymbolId id);
  // Keep `c` until the task ends (destroying it cancels the pending I/O it stands for).
  void hold(std::unique_ptr<Cancelable> c);
  bool finished() const { return stage_ == Stage::kDone; }
  // Set when the task could not be scanned (e.g. arena cap); the reply is an error then.
  const std::optional<Error>& error() const { return error_; }
  bool timed_out() const { return timed_out_; }

  // ---- inputs
  std::string_view id() const { return id_; }
  const Envelope& envelope() const { return envelope_; }
  std::string_view raw() const { return raw_; }
  bool has_message() const { return message_ != nullptr; }
  const mime::Message& message() const { return *message_; }
  core::Arena& arena() { return arena_; }
  const Engine& engine() const { return engine_; }
  Services& services() { return services_; }
  core::ModuleLog log(std::string_view module) const;
  // The task's DNS resolver: the worker's resolver behind this task's lookup budget
  // (options.dns.max_lookups_per_task). Null when the process has no resolver.
  dns::Resolver* resolver();
  // Message time: the envelope's time, else when the task started (epoch seconds).
  double time() const { return envelope_.time > 0 ? envelope_.time : start_wall_; }

  // ---- results
  // Insert (or add to) a symbol's result: score = weight x multiplier. Ignored (returns
  // false) when the symbol is disabled for this task. Unknown names get weight 0.
  bool insert_result(std::string_view name, double multiplier = 1.0,
                     const std::vector<std::string_view>& options = {});
  bool insert_result(SymbolId id, double multiplier = 1.0,
                     const std::vector<std::string_view>& options = {});
  // Add options to an existing result. False when absent.
  bool add_options(std::string_view name, const std::vector<std::string_view>& options);
  const SymbolResult* find_result(std::string_view name) const;
  const SymbolResult* find_result(SymbolId id) const;
  bool has_symbol(std::string_view name) const { return find_result(name) != nullptr; }
  // Every result in insertion order (removed ones flagged).
  const std::pmr::vector<SymbolResult*>& results() const { return results_; }
  // Remove a result: drop its score and/or hide it (composites).
  void remove_result(SymbolResult& r, bool remove_symbol, bool remove_weight);
  double score() const { return score_; }
  // Per-group sums of the current results (for replies with Flags: groups).
  std::vector<std::pair<std::string, double>> group_scores() const;

  void set_pre_result(PreResult pr);
  const std::optional<PreResult>& pre_result() const { return pre_result_; }
  // Final action (after the task finished).
  Action action() const { return action_; }
  const Thresholds& thresholds() const { return thresholds_; }
  // The subject to set for "rewrite subject" (empty otherwise).
  std::string rewritten_subject() const;

  SymbolState symbol_state(SymbolId id) const;
  bool symbol_enabled(SymbolId id) const;
  double weight_of(SymbolId id) const;
  const Applied& settings() const { return applied_; }
  // Apply settings from a rule (e.g. a Lua prefilter): only before filters run.
  void apply_settings(const Applied& a);

  // Per-symbol wall time in seconds (for Flags: profile and /counters).
  const std::pmr::vector<float>& symbol_times() const { return sym_time_; }
  double elapsed() const;  // seconds since the task started

  // Reply additions made by rules: the "milter" block (add_headers/remove_headers ...) and
  // any other top-level fields (e.g. "dkim-signature").
  json::Value& milter_reply() { return milter_; }
  const json::Value& milter_reply() const { return milter_; }
  json::Value& extra_reply() { return extra_; }
  const json::Value& extra_reply() const { return extra_; }

  // Upper-layer state; `key` distinguishes owners (in use: 1 Lua, 2 regexp rules, 3 auth
  // results, 16 Bayes).
  TaskExtension* extension(int key) const;
  void set_extension(int key, std::unique_ptr<TaskExtension> ext);

 private:
  enum class Stage : uint8_t {
    kInit, kPrefilters, kFilters, kComposites1, kPostfilters, kComposites2, kIdempotent, kDone
  };

  void advance();
  bool run_stage(const std::vector<SymbolId>& ids, bool by_priority);
  bool run_filters();
  void start_symbol(SymbolId id);
  void finish();
  void on_timeout();
  void compute_settings();
  bool skip_remaining() const;
  SymbolResult* result_slot(SymbolId id, std::string_view name);

  const Engine& engine_;
  Services& services_;
  std::string raw_;
  Envelope envelope_;
  core::Arena arena_;
  std::string id_;
  mime::Message* message_ = nullptr;

  Stage stage_ = Stage::kInit;
  std::pmr::vector<SymbolState> state_;
  std::pmr::vector<int32_t> result_index_;  // SymbolId -> index in results_, -1 none
  std::pmr::vector<SymbolResult*> results_;
  std::pmr::vector<float> sym_time_;
  std::pmr::vector<double> sym_start_;
  std::pmr::vector<uint8_t> enabled_;
  std::pmr::vector<double> weights_;
  size_t running_ = 0;
  size_t filter_cursor_ = 0;
  bool in_advance_ = false;
  bool reject_reached_ = false;
  double score_ = 0;
  Thresholds thresholds_;
  Applied applied_;
  std::optional<PreResult> pre_result_;
  Action action_ = Action::kNoAction;
  std::optional<Error> error_;
  bool timed_out_ = false;
  double start_mono_ = 0;
  double start_wall_ = 0;
  json::Value milter_;
  json::Value extra_;
  std::function<void(Task&)> done_;
  core::TimerPtr timer_;
  std::unique_ptr<dns::BudgetResolver> budget_resolver_;  // outlives holds_
  std::vector<std::unique_ptr<Cancelable>> holds_;
  std::vector<std::pair<int, std::unique_ptr<TaskExtension>>> extensions_;
};

}  // namespace mw::scan
