#include "scan/symbols.h"

#include <algorithm>
#include <queue>

namespace mw::scan {

std::string_view symbol_type_name(SymbolType t) {
  switch (t) {
    case SymbolType::kNormal: return "normal";
    case SymbolType::kCallback: return "callback";
    case SymbolType::kVirtual: return "virtual";
    case SymbolType::kPrefilter: return "prefilter";
    case SymbolType::kPostfilter: return "postfilter";
    case SymbolType::kIdempotent: return "idempotent";
    case SymbolType::kComposite: return "composite";
    case SymbolType::kClassifier: return "classifier";
  }
  return "?";
}

Result<SymbolType> parse_symbol_type(std::string_view s) {
  if (s == "normal" || s.empty()) return SymbolType::kNormal;
  if (s == "callback") return SymbolType::kCallback;
  if (s == "virtual") return SymbolType::kVirtual;
  if (s == "prefilter") return SymbolType::kPrefilter;
  if (s == "postfilter") return SymbolType::kPostfilter;
  if (s == "idempotent") return SymbolType::kIdempotent;
  if (s == "composite") return SymbolType::kComposite;
  if (s == "classifier") return SymbolType::kClassifier;
  return fail(ErrorCode::kInvalidInput, "unknown symbol type '" + std::string(s) + "'");
}

Result<uint32_t> parse_symbol_flag(std::string_view s) {
  if (s == "nice") return uint32_t{kFlagNice};
  if (s == "empty") return uint32_t{kFlagEmpty};
  if (s == "skip") return uint32_t{kFlagSkip};
  if (s == "explicit_disable") return uint32_t{kFlagExplicitDisable};
  if (s == "explicit_enable") return uint32_t{kFlagExplicitEnable};
  if (s == "ignore_passthrough") return uint32_t{kFlagIgnorePassthrough};
  if (s == "one_shot") return uint32_t{kFlagOneShot};
  if (s == "nostat") return uint32_t{kFlagNoStat};
  // Accepted for Rspamd compatibility; no effect here.
  if (s == "trivial" || s == "fine" || s == "coro" || s == "mime" || s == "ghost") return 0u;
  return fail(ErrorCode::kInvalidInput, "unknown symbol flag '" + std::string(s) + "'");
}

SymbolId SymbolRegistry::placeholder(std::string_view name) {
  SymbolId existing = find(name);
  if (existing != kNoSymbol) return existing;
  auto def = std::make_unique<SymbolDef>();
  def->id = static_cast<SymbolId>(defs_.size());
  def->name = std::string(name);
  def->type = SymbolType::kVirtual;
  def->origin = "config";
  by_name_.emplace(def->name, def->id);
  defs_.push_back(std::move(def));
  placeholder_.push_back(true);
  return defs_.back()->id;
}

SymbolDef SymbolRegistry::virtual_of(SymbolId parent, std::string name, std::string description,
                                     std::optional<double> score) const {
  const SymbolDef& p = get(parent);
  SymbolDef d;
  d.name = std::move(name);
  d.type = SymbolType::kVirtual;
  d.parent = parent;
  d.parent_name = p.name;
  d.groups = p.groups;
  d.description = std::move(description);
  d.origin = p.origin;
  if (score) {
    d.score = *score;
    d.score_set = true;
  }
  return d;
}

Result<SymbolId> SymbolRegistry::add(SymbolDef def) {
  if (finalized_) return fail(ErrorCode::kInternal, "symbol registry is frozen");
  if (def.name.empty()) return fail(ErrorCode::kInvalidInput, "symbol without a name");
  SymbolId id = find(def.name);
  if (id != kNoSymbol) {
    size_t i = static_cast<size_t>(id);
    if (!placeholder_[i]) {
      return fail(ErrorCode::kInvalidInput,
                  "symbol " + def.name + " registered twice (first by " + defs_[i]->origin + ")");
    }
    // Fill in a placeholder created from configuration: the configuration wins for score,
    // description and groups it set.
    SymbolDef& cur = *defs_[i];
    def.id = id;
    if (cur.score_set) {
      def.score = cur.score;
      def.score_set = true;
    }
    if (!cur.description.empty()) def.description = cur.description;
    for (auto& g : cur.groups) {
      if (std::find(def.groups.begin(), def.groups.end(), g) == def.groups.end()) {
        def.groups.push_back(g);
      }
    }
    def.flags |= cur.flags;
    cur = std::move(def);
    placeholder_[i] = false;
    return id;
  }
  def.id = static_cast<SymbolId>(defs_.size());
  by_name_.emplace(def.name, def.id);
  defs_.push_back(std::make_unique<SymbolDef>(std::move(def)));
  placeholder_.push_back(false);
  return defs_.back()->id;
}

void SymbolRegistry::set_score(std::string_view name, double score) {
  SymbolDef& d = get_mut(placeholder(name));
  d.score = score;
  d.score_set = true;
}

void SymbolRegistry::set_description(std::string_view name, std::string description) {
  get_mut(placeholder(name)).description = std::move(description);
}

void SymbolRegistry::add_to_group(std::string_view name, std::string group) {
  SymbolDef& d = get_mut(placeholder(name));
  if (std::find(d.groups.begin(), d.groups.end(), group) == d.groups.end()) {
    d.groups.push_back(std::move(group));
  }
}

void SymbolRegistry::set_flags(std::string_view name, uint32_t flags) {
  get_mut(placeholder(name)).flags |= flags;
}

GroupDef& SymbolRegistry::group(std::string_view name) {
  for (auto& g : groups_) {
    if (g->name == name) return *g;
  }
  groups_.push_back(std::make_unique<GroupDef>());
  groups_.back()->name = std::string(name);
  return *groups_.back();
}

const GroupDef* SymbolRegistry::find_group(std::string_view name) const {
  for (const auto& g : groups_) {
    if (g->name == name) return g.get();
  }
  return nullptr;
}

Status SymbolRegistry::add_dependency(std::string_view from, std::string_view to) {
  SymbolId id = find(from);
  if (id == kNoSymbol) {
    return fail(ErrorCode::kNotFound, "dependency from unknown symbol " + std::string(from));
  }
  get_mut(id).deps.emplace_back(to);
  return {};
}

SymbolId SymbolRegistry::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? kNoSymbol : it->second;
}

Status SymbolRegistry::finalize() {
  prefilters_.clear();
  filters_.clear();
  postfilters_.clear();
  idempotent_.clear();
  composites_.clear();
  for (auto& g : groups_) g->symbols.clear();

  for (auto& d : defs_) {
    if (d->type == SymbolType::kVirtual && !d->parent_name.empty()) {
      SymbolId p = find(d->parent_name);
      if (p == kNoSymbol) {
        return fail(ErrorCode::kInvalidInput,
                    "virtual symbol " + d->name + " has unknown parent " + d->parent_name);
      }
      d->parent = p;
    }
    for (const auto& gname : d->groups) group(gname).symbols.push_back(d->id);
  }

  // Filters in dependency order: Kahn's algorithm, ties broken by priority (high first) and
  // registration order, so the order is deterministic.
  std::vector<SymbolId> runnable;
  for (auto& d : defs_) {
    if (d->type == SymbolType::kNormal || d->type == SymbolType::kCallback) {
      runnable.push_back(d->id);
    }
  }
  std::vector<int> indegree(defs_.size(), 0);
  std::vector<std::vector<SymbolId>> dependents(defs_.size());
  for (SymbolId id : runnable) {
    SymbolDef& d = *defs_[static_cast<size_t>(id)];
    d.dep_ids.clear();
    for (const auto& dep_name : d.deps) {
      SymbolId dep = find(dep_name);
      if (dep == kNoSymbol) continue;  // a missing dependency is ignored (module disabled)
      const SymbolDef& dd = get(dep);
      if (dd.type == SymbolType::kVirtual && dd.parent != kNoSymbol) dep = dd.parent;
      const SymbolDef& target = get(dep);
      if (target.type != SymbolType::kNormal && target.type != SymbolType::kCallback) continue;
      if (dep == id) continue;
      d.dep_ids.push_back(dep);
      ++indegree[static_cast<size_t>(id)];
      dependents[static_cast<size_t>(dep)].push_back(id);
    }
  }
  auto cmp = [this](SymbolId a, SymbolId b) {
    const SymbolDef& da = get(a);
    const SymbolDef& db = get(b);
    if (da.priority != db.priority) return da.priority < db.priority;  // max-heap: high first
    return a > b;
  };
  std::priority_queue<SymbolId, std::vector<SymbolId>, decltype(cmp)> ready(cmp);
  for (SymbolId id : runnable) {
    if (indegree[static_cast<size_t>(id)] == 0) ready.push(id);
  }
  while (!ready.empty()) {
    SymbolId id = ready.top();
    ready.pop();
    filters_.push_back(id);
    for (SymbolId next : dependents[static_cast<size_t>(id)]) {
      if (--indegree[static_cast<size_t>(next)] == 0) ready.push(next);
    }
  }
  if (filters_.size() != runnable.size()) {
    std::string names;
    for (SymbolId id : runnable) {
      if (indegree[static_cast<size_t>(id)] > 0) names += (names.empty() ? "" : ", ") + get(id).name;
    }
    return fail(ErrorCode::kInvalidInput, "dependency cycle between symbols: " + names);
  }

  for (auto& d : defs_) {
    switch (d->type) {
      case SymbolType::kPrefilter: prefilters_.push_back(d->id); break;
      case SymbolType::kPostfilter: postfilters_.push_back(d->id); break;
      case SymbolType::kIdempotent: idempotent_.push_back(d->id); break;
      case SymbolType::kComposite: composites_.push_back(d->id); break;
      default: break;
    }
  }
  auto by_prio_desc = [this](SymbolId a, SymbolId b) {
    if (get(a).priority != get(b).priority) return get(a).priority > get(b).priority;
    return a < b;
  };
  auto by_prio_asc = [this](SymbolId a, SymbolId b) {
    if (get(a).priority != get(b).priority) return get(a).priority < get(b).priority;
    return a < b;
  };
  std::stable_sort(prefilters_.begin(), prefilters_.end(), by_prio_desc);
  std::stable_sort(postfilters_.begin(), postfilters_.end(), by_prio_asc);
  std::stable_sort(idempotent_.begin(), idempotent_.end(), by_prio_asc);
  finalized_ = true;
  return {};
}

}  // namespace mw::scan
