// Task: one message being scanned, from request to reply.
//
// A Task owns the raw message bytes, its Arena (every parsed view lives there), the envelope,
// and its Outcome (results, score, action, reply additions: outcome.h). It runs the stages of DESIGN.md ("The path of one message"): parse,
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
#include "scan/outcome.h"
#include "scan/settings.h"
#include "scan/symbols.h"

namespace mw::dns {
class Resolver;
class BudgetResolver;
}  // namespace mw::dns

namespace mw::scan {

class RelayChain;

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
  // Record in the worker's heartbeat (core/watchdog.h) that `symbol` of this task runs now
  // ("task <id> symbol <name>", truncated to the slot, without allocating); a no-op when the
  // worker has no watchdog. Clear it with services().heartbeat().clear_activity().
  void mark_running(std::string_view symbol);
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
  // The relay chain (received_chain.h) of the envelope and the parsed message, built on the
  // first call and kept for the task (modules and rules share it). REQUIRES: has_message().
  const RelayChain& relays();

  // ---- results (outcome.h)
  // Insert (or add to) a symbol's result: score = weight x multiplier. Ignored (returns
  // false) when the symbol is disabled for this task or the task has finished. Unknown names
  // get weight 0.
  bool insert_result(std::string_view name, double multiplier = 1.0,
                     const std::vector<std::string_view>& options = {});
  bool insert_result(SymbolId id, double multiplier = 1.0,
                     const std::vector<std::string_view>& options = {});
  // Results, score, pre-result, action and reply additions.
  Outcome& outcome() { return outcome_; }
  const Outcome& outcome() const { return outcome_; }

  // ---- secrets found in the message (style rule 21)
  // A rule that finds someone's secret in the message (the password of a credential-test
  // mail) registers it with the text to show instead (e.g. "Pa******"). From then on the
  // secret never leaves the task in clear through its results: options already inserted are
  // rewritten, later ones are masked as they are inserted (so replies, milter headers,
  // history and logs built from results only see the mask), and redact() masks it in any
  // other text a caller stores or prints (the Subject in history, detection events).
  // Secrets shorter than 3 bytes are ignored (masking them would mangle ordinary text).
  void add_secret(std::string_view secret, std::string_view mask);
  // `text` with every registered secret replaced by its mask (longest secrets first).
  std::string redact(std::string_view text) const;
  bool has_secrets() const { return !secrets_.empty(); }

  SymbolState symbol_state(SymbolId id) const;
  bool symbol_enabled(SymbolId id) const;
  const Applied& settings() const { return applied_; }
  // Apply settings from a rule (e.g. a Lua prefilter): only before filters run.
  void apply_settings(const Applied& a);

  // Per-symbol wall time in seconds (for Flags: profile and /counters).
  const std::pmr::vector<float>& symbol_times() const { return sym_time_; }
  double elapsed() const;  // seconds since the task started

  // Upper-layer state, one slot per owner key (engine.h ExtensionKey). Null when absent.
  TaskExtension* extension(const ExtensionKey& key) const { return extensions_.get(key); }
  void set_extension(const ExtensionKey& key, std::unique_ptr<TaskExtension> ext) {
    extensions_.set(key, std::move(ext));
  }

 private:
  enum class Stage : uint8_t {
    kInit, kPrefilters, kFilters, kComposites1, kPostfilters, kComposites2, kIdempotent, kDone
  };

  void advance();
  // Run the symbols of the current stage after kInit; true when the stage is complete.
  bool run_current_stage();
  bool run_stage(const std::vector<SymbolId>& ids, bool by_priority);
  bool run_filters();
  void start_symbol(SymbolId id);
  void finish();
  void on_timeout();
  void compute_settings();
  bool skip_remaining() const;
  // `options` with registered secrets masked, as arena strings.
  std::vector<std::string_view> redacted_options(const std::vector<std::string_view>& options);

  const Engine& engine_;
  Services& services_;
  std::string raw_;
  Envelope envelope_;
  core::Arena arena_;
  std::string id_;
  mime::Message* message_ = nullptr;
  std::unique_ptr<RelayChain> relays_;  // relays(): built on first use

  Stage stage_ = Stage::kInit;
  std::pmr::vector<SymbolState> state_;
  std::pmr::vector<float> sym_time_;
  std::pmr::vector<double> sym_start_;
  std::pmr::vector<uint8_t> enabled_;
  size_t running_ = 0;
  size_t filter_cursor_ = 0;
  bool in_advance_ = false;
  Outcome outcome_;
  Applied applied_;
  std::optional<Error> error_;
  bool timed_out_ = false;
  double start_mono_ = 0;
  double start_wall_ = 0;
  std::function<void(Task&)> done_;
  core::TimerPtr timer_;
  std::unique_ptr<dns::BudgetResolver> budget_resolver_;  // outlives holds_
  std::vector<std::unique_ptr<Cancelable>> holds_;
  std::vector<std::pair<std::string, std::string>> secrets_;  // secret, mask; longest first
  ExtensionSlots<TaskExtension> extensions_;
};

}  // namespace mw::scan
