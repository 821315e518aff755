// Composites: symbols defined as expressions over other symbols.
//
//   [composites.NAME]
//   expression = "A & !B | (C & D)"   # see expression.h
//   score = 5.0
//   group = "..."  description = "..."
//   policy = "default" | "remove_weight" | "remove_symbol" | "leave"
//
// Atoms: a symbol name; a composite name; `g:group` (any symbol of the group), `g+:group`
// (any with a positive score), `g-:group` (negative); `SYM[opt1,opt2]` (all listed options
// present) or `SYM[/re/i]` (an option matching). Prefixes: `~` keep the atom's weight and
// remove its symbol, `-` keep both, `^` force removal even if another composite keeps it.
// When a composite matches, its atoms are removed according to the policy and prefixes
// (default: symbol and weight removed) and the composite is inserted.
//
// Evaluation runs twice per task (after filters and after postfilters); a composite that
// already fired is not re-evaluated. Composites may reference composites (no cycles).
//
// Ownership: immutable after load, part of the Engine.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "scan/expression.h"
#include "scan/symbols.h"

namespace mw::match {
class Regexp;
}

namespace mw::scan {

class Task;

struct CompositeAtom {
  enum class Kind { kSymbol, kGroup, kGroupPositive, kGroupNegative };
  Kind kind = Kind::kSymbol;
  char prefix = 0;  // 0, '~', '-', '^'
  std::string name;
  std::vector<std::string> options;           // all must be present
  std::shared_ptr<match::Regexp> option_re;   // one option must match
  SymbolId symbol = kNoSymbol;                // resolved at finalize
};

struct CompositeDef {
  SymbolId id = kNoSymbol;
  std::string name;
  Expression expression;
  enum class Policy { kDefault, kRemoveWeight, kRemoveSymbol, kLeave } policy = Policy::kDefault;
  std::vector<CompositeAtom> atoms;  // parallel to expression.atoms()
};

class Composites {
 public:
  // Parse [composites.*] and register each composite as a kComposite symbol (score, group,
  // description) in `registry`.
  Status load(const core::Config& cfg, SymbolRegistry& registry);
  // Add one composite (Lua: rspamd_config:add_composite(name, expr)).
  Status add(std::string name, std::string_view expression, SymbolRegistry& registry,
             std::string policy = "default");
  // Resolve atom symbol ids; call after the registry is finalized.
  void finalize(const SymbolRegistry& registry);

  // One evaluation pass over a task's current results.
  void process(Task& task) const;
  const std::vector<CompositeDef>& all() const { return defs_; }

 private:
  double eval_atom(Task& task, const CompositeDef& c, const CompositeAtom& a,
                   std::vector<int>& visiting) const;
  bool eval(Task& task, size_t index, std::vector<int>& visiting) const;

  std::vector<CompositeDef> defs_;
};

void declare_composite_options(core::Schema& schema);

}  // namespace mw::scan
