#include "scan/composites.h"

#include <algorithm>

#include "match/regexp.h"
#include "scan/task.h"

namespace mw::scan {

namespace {

Result<CompositeAtom> parse_atom(std::string_view text) {
  CompositeAtom a;
  if (!text.empty() && (text[0] == '~' || text[0] == '-' || text[0] == '^')) {
    a.prefix = text[0];
    text.remove_prefix(1);
  }
  if (text.substr(0, 2) == "g:") {
    a.kind = CompositeAtom::Kind::kGroup;
    a.name = std::string(text.substr(2));
    return a;
  }
  if (text.substr(0, 3) == "g+:") {
    a.kind = CompositeAtom::Kind::kGroupPositive;
    a.name = std::string(text.substr(3));
    return a;
  }
  if (text.substr(0, 3) == "g-:") {
    a.kind = CompositeAtom::Kind::kGroupNegative;
    a.name = std::string(text.substr(3));
    return a;
  }
  auto br = text.find('[');
  if (br != std::string_view::npos && text.back() == ']') {
    a.name = std::string(text.substr(0, br));
    std::string_view opts = text.substr(br + 1, text.size() - br - 2);
    if (!opts.empty() && opts.front() == '/') {
      auto re = match::Regexp::compile(opts);
      if (!re) return fail(ErrorCode::kInvalidInput, "bad option regexp in " + std::string(text) +
                                                         ": " + re.error().message);
      a.option_re = std::shared_ptr<match::Regexp>(std::move(*re));
    } else {
      size_t start = 0;
      while (start <= opts.size()) {
        size_t comma = opts.find(',', start);
        if (comma == std::string_view::npos) comma = opts.size();
        std::string_view o = opts.substr(start, comma - start);
        while (!o.empty() && o.front() == ' ') o.remove_prefix(1);
        while (!o.empty() && o.back() == ' ') o.remove_suffix(1);
        if (!o.empty()) a.options.emplace_back(o);
        start = comma + 1;
      }
    }
  } else {
    a.name = std::string(text);
  }
  if (a.name.empty()) return fail(ErrorCode::kInvalidInput, "empty composite atom");
  return a;
}

}  // namespace

void declare_composite_options(core::Schema& s) {
  using core::OptType;
  s.section("composites.*", "A composite symbol: an expression over other symbols");
  s.add({"composites.*.expression", OptType::kString, "", "Expression, e.g. \"A & !B\""});
  s.add({"composites.*.score", OptType::kFloat, "0", "Score of the composite"});
  s.add({"composites.*.group", OptType::kString, "\"composite\"", "Group of the composite"});
  s.add({"composites.*.description", OptType::kString, "\"\"", "Description"});
  s.add({"composites.*.policy", OptType::kString, "\"default\"",
         "What happens to the atoms when it matches", {}, {},
         {"default", "remove_weight", "remove_symbol", "leave"}});
  s.add({"composites.*.enabled", OptType::kBool, "true", "Set false to disable"});
}

Status Composites::add(std::string name, std::string_view expression, SymbolRegistry& registry,
                       std::string policy) {
  auto expr = Expression::parse(expression);
  if (!expr) {
    return fail(ErrorCode::kInvalidInput, "composite " + name + ": " + expr.error().message);
  }
  CompositeDef c;
  c.name = name;
  c.expression = std::move(*expr);
  if (policy == "remove_weight") c.policy = CompositeDef::Policy::kRemoveWeight;
  else if (policy == "remove_symbol") c.policy = CompositeDef::Policy::kRemoveSymbol;
  else if (policy == "leave") c.policy = CompositeDef::Policy::kLeave;
  for (const auto& text : c.expression.atoms()) {
    auto atom = parse_atom(text);
    if (!atom) return fail(ErrorCode::kInvalidInput, "composite " + name + ": " + atom.error().message);
    c.atoms.push_back(std::move(*atom));
  }
  SymbolId existing = registry.find(name);
  if (existing == kNoSymbol || registry.get(existing).type == SymbolType::kVirtual) {
    SymbolDef def;
    def.name = name;
    def.type = SymbolType::kComposite;
    def.origin = "composite";
    auto id = registry.add(std::move(def));
    if (!id) return fail(id.error());
    c.id = *id;
  } else {
    c.id = existing;
  }
  for (auto& d : defs_) {
    if (d.name == c.name) {
      d = std::move(c);
      return {};
    }
  }
  defs_.push_back(std::move(c));
  return {};
}

Status Composites::load(const core::Config& cfg, SymbolRegistry& registry) {
  std::optional<json::Value> root = cfg.value("composites");
  if (!root) return {};
  auto string_or = [](const json::Value* v, std::string_view fallback) {
    return std::string(v != nullptr ? v->str_or(fallback) : fallback);
  };
  for (const auto& [name, t] : root->members()) {
    if (!t.is_object()) continue;
    const json::Value* enabled = t.find("enabled");
    if (enabled != nullptr && !enabled->as_bool(true)) continue;
    const json::Value* expr = t.find("expression");
    if (expr == nullptr || !expr->is_string()) {
      return fail(ErrorCode::kInvalidInput, "composite " + name + " has no expression");
    }
    MW_TRY(add(name, expr->as_string(), registry, string_or(t.find("policy"), "default")));
    if (const json::Value* sc = t.find("score")) registry.set_score(name, sc->as_double());
    registry.add_to_group(name, string_or(t.find("group"), "composite"));
    if (const json::Value* d = t.find("description")) {
      registry.set_description(name, std::string(d->str_or("")));
    }
  }
  return {};
}

void Composites::finalize(const SymbolRegistry& registry) {
  for (auto& c : defs_) {
    c.id = registry.find(c.name);
    for (auto& a : c.atoms) {
      if (a.kind == CompositeAtom::Kind::kSymbol) a.symbol = registry.find(a.name);
    }
  }
}

double Composites::eval_atom(Task& task, const CompositeDef& c, const CompositeAtom& a,
                             std::vector<int>& visiting) const {
  const SymbolRegistry& reg = task.engine().registry;
  if (a.kind != CompositeAtom::Kind::kSymbol) {
    const GroupDef* g = reg.find_group(a.name);
    if (g == nullptr) return 0;
    for (SymbolId id : g->symbols) {
      const SymbolResult* r = task.outcome().find_result(id);
      if (r == nullptr) continue;
      if (a.kind == CompositeAtom::Kind::kGroup) return 1;
      if (a.kind == CompositeAtom::Kind::kGroupPositive && r->score > 0) return 1;
      if (a.kind == CompositeAtom::Kind::kGroupNegative && r->score < 0) return 1;
    }
    return 0;
  }
  // A composite used as an atom: evaluate it first (once).
  for (size_t i = 0; i < defs_.size(); ++i) {
    if (defs_[i].id == a.symbol && a.symbol != kNoSymbol && &defs_[i] != &c) {
      if (task.outcome().find_result(a.symbol) == nullptr) eval(task, i, visiting);
      break;
    }
  }
  const SymbolResult* r = a.symbol != kNoSymbol ? task.outcome().find_result(a.symbol) : task.outcome().find_result(a.name);
  if (r == nullptr) return 0;
  for (const auto& o : a.options) {
    if (std::find(r->options.begin(), r->options.end(), o) == r->options.end()) return 0;
  }
  if (a.option_re) {
    bool any = false;
    for (auto o : r->options) any = any || a.option_re->matches(o);
    if (!any) return 0;
  }
  return 1;
}

bool Composites::eval(Task& task, size_t index, std::vector<int>& visiting) const {
  const CompositeDef& c = defs_[index];
  if (c.id == kNoSymbol || !task.symbol_enabled(c.id)) return false;
  if (task.outcome().find_result(c.id) != nullptr) return true;
  if (std::find(visiting.begin(), visiting.end(), static_cast<int>(index)) != visiting.end()) {
    return false;  // a cycle: treat as not matching
  }
  visiting.push_back(static_cast<int>(index));
  double v = c.expression.eval(
      [&](int atom) { return eval_atom(task, c, c.atoms[static_cast<size_t>(atom)], visiting); });
  visiting.pop_back();
  if (v == 0) return false;
  task.insert_result(c.id, 1.0);
  return true;
}

void Composites::process(Task& task) const {
  struct Removal {
    SymbolId id;
    std::string name;
    bool remove_symbol;
    bool remove_weight;
    bool forced;
  };
  std::vector<Removal> removals;
  std::vector<int> visiting;
  for (size_t i = 0; i < defs_.size(); ++i) {
    const CompositeDef& c = defs_[i];
    bool already = c.id != kNoSymbol && task.outcome().find_result(c.id) != nullptr;
    if (already || !eval(task, i, visiting)) continue;
    for (const auto& a : c.atoms) {
      if (a.kind != CompositeAtom::Kind::kSymbol) continue;
      const SymbolResult* r = a.symbol != kNoSymbol ? task.outcome().find_result(a.symbol)
                                                    : task.outcome().find_result(a.name);
      if (r == nullptr) continue;
      bool rs = true, rw = true;
      switch (c.policy) {
        case CompositeDef::Policy::kDefault: break;
        case CompositeDef::Policy::kRemoveWeight: rs = false; break;
        case CompositeDef::Policy::kRemoveSymbol: rw = false; break;
        case CompositeDef::Policy::kLeave: rs = rw = false; break;
      }
      if (a.prefix == '~') rw = false;
      if (a.prefix == '-') rs = rw = false;
      removals.push_back({a.symbol, a.name, rs, rw, a.prefix == '^'});
    }
  }
  // A symbol is removed only if every composite that matched it agrees (unless forced).
  std::vector<std::string> done;
  for (const auto& r : removals) {
    if (std::find(done.begin(), done.end(), r.name) != done.end()) continue;
    done.push_back(r.name);
    bool rs = true, rw = true, forced = false;
    for (const auto& o : removals) {
      if (o.name != r.name) continue;
      rs = rs && o.remove_symbol;
      rw = rw && o.remove_weight;
      forced = forced || o.forced;
    }
    if (forced) rs = rw = true;
    if (!rs && !rw) continue;
    const SymbolResult* res = r.id != kNoSymbol ? task.outcome().find_result(r.id) : task.outcome().find_result(r.name);
    if (res != nullptr) task.outcome().remove_result(*const_cast<SymbolResult*>(res), rs, rw);
  }
}

}  // namespace mw::scan
