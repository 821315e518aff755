// Symbols, groups and the registry that holds them.
//
// A symbol is a named rule result with a weight (its score). Symbols are registered once at
// configuration time (by C++ modules, Lua rules and regexp rules), get their scores, groups
// and descriptions from the configuration ([symbols.NAME], [groups.NAME]) and are then frozen:
// the registry is immutable while messages are scanned, and shared by all tasks of a process.
//
// Ownership: the registry owns the definitions and their callbacks.
// Failure modes: registration and finalize() report conflicts (duplicate names, unknown
// parents, dependency cycles) as errors; nothing here runs on the scan path except lookups.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace mw::scan {

class Task;
using SymbolId = int32_t;
inline constexpr SymbolId kNoSymbol = -1;

enum class SymbolType : uint8_t {
  kNormal,      // a filter with a callback that inserts its own result
  kCallback,    // a filter whose callback only inserts virtual symbols
  kVirtual,     // a result slot owned by a parent callback symbol
  kPrefilter,   // runs before filters, by priority (high first); may force the action
  kPostfilter,  // runs after filters and the first composite pass, by priority (low first)
  kIdempotent,  // runs last and must not change results (history, exporters)
  kComposite,   // an expression over other symbols (see composites.h)
  kClassifier,  // a symbol filled by a classifier outside the callback model
};
std::string_view symbol_type_name(SymbolType t);
Result<SymbolType> parse_symbol_type(std::string_view s);

enum SymbolFlags : uint32_t {
  kFlagNone = 0,
  kFlagNice = 1u << 0,               // may have a negative score
  kFlagEmpty = 1u << 1,              // runs on empty messages too
  kFlagSkip = 1u << 2,               // registered but never run
  kFlagExplicitDisable = 1u << 3,    // settings must name it to disable it
  kFlagExplicitEnable = 1u << 4,     // disabled unless settings enable it
  kFlagIgnorePassthrough = 1u << 5,  // runs even after a pre-result forced the action
  kFlagOneShot = 1u << 6,            // only the highest of repeated inserts counts
  kFlagNoStat = 1u << 7,
};
Result<uint32_t> parse_symbol_flag(std::string_view s);

// What a callback tells the scheduler.
enum class RunState : uint8_t {
  kDone,     // finished: results (if any) are inserted
  kPending,  // waiting on I/O: the callback will call Task::finish_symbol(id) later
};

using SymbolCallback = std::function<RunState(Task& task, SymbolId self)>;

struct SymbolDef {
  SymbolId id = kNoSymbol;
  std::string name;
  SymbolType type = SymbolType::kNormal;
  double score = 0;              // configured weight
  bool score_set = false;        // the weight was given (registration or config)
  std::string description;
  std::vector<std::string> groups;
  int priority = 0;
  uint32_t flags = kFlagNone;
  SymbolId parent = kNoSymbol;   // for kVirtual
  std::string parent_name;       // resolved in finalize()
  std::vector<std::string> deps; // names of symbols that must run first
  std::vector<SymbolId> dep_ids; // resolved in finalize()
  SymbolCallback callback;       // empty for virtual / composite
  uint32_t max_shots = 100;      // how many inserts are counted
  std::string origin;            // "lua:rules/headers.lua:12", "module:spf", "regexp", "config"
};

struct GroupDef {
  std::string name;
  std::string description;
  double max_score = 0;          // 0 = no cap; caps the positive sum of the group
  double min_score = 0;          // 0 = no cap; caps the negative sum (a negative number)
  bool enabled = true;
  std::vector<SymbolId> symbols;
};

class SymbolRegistry {
 public:
  // Register a symbol. Re-registering a name that only got a score from configuration (a
  // placeholder) fills it in; registering a name twice with callbacks is an error.
  Result<SymbolId> add(SymbolDef def);
  // The definition of a virtual symbol of the registered symbol `parent` (whose callback
  // inserts it): the parent's groups and origin, `score` set when given. Change what
  // differs, then add() it.
  SymbolDef virtual_of(SymbolId parent, std::string name, std::string description,
                       std::optional<double> score = std::nullopt) const;
  // Configuration-only properties (score/description/groups from [symbols.NAME]); creates a
  // placeholder when the symbol is not (yet) registered.
  void set_score(std::string_view name, double score);
  void set_description(std::string_view name, std::string description);
  void add_to_group(std::string_view name, std::string group);
  void set_flags(std::string_view name, uint32_t flags);
  GroupDef& group(std::string_view name);  // get or create
  Status add_dependency(std::string_view from, std::string_view to);

  // Resolve parents and dependencies, compute the run order, drop placeholders that nobody
  // registered (kept as virtual symbols with their score so Lua can insert them).
  // Fails on dependency cycles and virtual symbols whose parent is unknown.
  Status finalize();

  SymbolId find(std::string_view name) const;
  const SymbolDef& get(SymbolId id) const { return *defs_[static_cast<size_t>(id)]; }
  SymbolDef& get_mut(SymbolId id) { return *defs_[static_cast<size_t>(id)]; }
  size_t size() const { return defs_.size(); }
  const std::vector<std::unique_ptr<SymbolDef>>& all() const { return defs_; }
  const std::vector<std::unique_ptr<GroupDef>>& groups() const { return groups_; }
  const GroupDef* find_group(std::string_view name) const;

  // Run order per stage (after finalize): prefilters by priority (high first), filters in
  // dependency order (ties by priority, then registration), postfilters (low priority first),
  // idempotent symbols.
  const std::vector<SymbolId>& prefilters() const { return prefilters_; }
  const std::vector<SymbolId>& filters() const { return filters_; }
  const std::vector<SymbolId>& postfilters() const { return postfilters_; }
  const std::vector<SymbolId>& idempotent() const { return idempotent_; }
  const std::vector<SymbolId>& composites() const { return composites_; }

 private:
  SymbolId placeholder(std::string_view name);

  std::vector<std::unique_ptr<SymbolDef>> defs_;
  std::unordered_map<std::string, SymbolId> by_name_;
  std::vector<std::unique_ptr<GroupDef>> groups_;
  std::vector<SymbolId> prefilters_, filters_, postfilters_, idempotent_, composites_;
  std::vector<bool> placeholder_;
  bool finalized_ = false;
};

}  // namespace mw::scan
