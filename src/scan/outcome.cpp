#include "scan/outcome.h"

#include <algorithm>
#include <cmath>

#include "scan/engine.h"

namespace mw::scan {

Outcome::Outcome(const Engine& engine, core::Arena& arena)
    : engine_(engine),
      arena_(arena),
      index_(&arena),
      results_(&arena),
      weights_(&arena),
      thresholds_(engine.thresholds) {
  size_t n = engine_.registry.size();
  index_.assign(n, -1);
  weights_.resize(n);
  for (size_t i = 0; i < n; ++i) weights_[i] = engine_.registry.get(static_cast<SymbolId>(i)).score;
}

double Outcome::weight_of(SymbolId id) const {
  return id >= 0 && static_cast<size_t>(id) < weights_.size() ? weights_[static_cast<size_t>(id)]
                                                              : 0;
}

SymbolResult* Outcome::slot(SymbolId id, std::string_view name) {
  if (id != kNoSymbol) {
    int32_t idx = index_[static_cast<size_t>(id)];
    if (idx >= 0) return results_[static_cast<size_t>(idx)];
  } else {
    for (SymbolResult* r : results_) {
      if (r->id == kNoSymbol && r->name == name) return r;
    }
  }
  auto* r = arena_.make<SymbolResult>(&arena_);
  r->id = id;
  r->name = id != kNoSymbol ? std::string_view(engine_.registry.get(id).name) : arena_.dup(name);
  if (id != kNoSymbol) index_[static_cast<size_t>(id)] = static_cast<int32_t>(results_.size());
  results_.push_back(r);
  return r;
}

void Outcome::add_unique_options(SymbolResult& r, const std::vector<std::string_view>& options) {
  for (auto o : options) {
    if (r.options.size() >= engine_.options.max_options) break;
    o = o.substr(0, engine_.options.max_option_length);
    if (std::find(r.options.begin(), r.options.end(), o) == r.options.end()) {
      r.options.push_back(arena_.dup(o));
    }
  }
}

void Outcome::insert_unknown(std::string_view name, const std::vector<std::string_view>& options) {
  SymbolResult* r = slot(kNoSymbol, name);
  ++r->shots;
  add_unique_options(*r, options);
}

void Outcome::insert(SymbolId id, double multiplier, const std::vector<std::string_view>& options) {
  size_t i = static_cast<size_t>(id);
  const SymbolDef& d = engine_.registry.get(id);
  if (!std::isfinite(multiplier)) multiplier = 1.0;
  SymbolResult* r = slot(id, d.name);
  double weight = weights_[i];
  double delta = weight * multiplier;
  double contribution = 0;
  if (r->shots == 0) {
    contribution = delta;
  } else if (d.flags & kFlagOneShot) {
    if (std::fabs(delta) > std::fabs(r->score) && std::signbit(delta) == std::signbit(r->score)) {
      contribution = delta - r->score;
    }
  } else if (r->shots < d.max_shots) {
    contribution = delta;
  }
  ++r->shots;
  r->weight = weight;
  // Group caps: a group's positive sum never exceeds its max_score (negative: min_score).
  for (int g : engine_.symbol_groups(id)) {
    const GroupDef& gd = *engine_.registry.groups()[static_cast<size_t>(g)];
    double sum = 0;
    for (SymbolId member : gd.symbols) {
      if (const SymbolResult* mr = find_result(member)) {
        if (!mr->removed) sum += mr->score;
      }
    }
    if (gd.max_score > 0 && contribution > 0) {
      contribution = std::max(0.0, std::min(contribution, gd.max_score - sum));
    }
    if (gd.min_score < 0 && contribution < 0) {
      contribution = std::min(0.0, std::max(contribution, gd.min_score - sum));
    }
  }
  r->score += contribution;
  score_ += contribution;
  add_unique_options(*r, options);
  auto reject = thresholds_.get(Action::kReject);
  if (reject && score_ >= *reject) reject_reached_ = true;
}

bool Outcome::add_options(std::string_view name, const std::vector<std::string_view>& options) {
  const SymbolResult* cr = find_result(name);
  if (cr == nullptr) return false;
  add_unique_options(*const_cast<SymbolResult*>(cr), options);
  return true;
}

const SymbolResult* Outcome::find_result(SymbolId id) const {
  if (id < 0 || static_cast<size_t>(id) >= index_.size()) return nullptr;
  int32_t idx = index_[static_cast<size_t>(id)];
  if (idx < 0) return nullptr;
  const SymbolResult* r = results_[static_cast<size_t>(idx)];
  return r->removed ? nullptr : r;
}

const SymbolResult* Outcome::find_result(std::string_view name) const {
  SymbolId id = engine_.registry.find(name);
  if (id != kNoSymbol) return find_result(id);
  for (const SymbolResult* r : results_) {
    if (r->id == kNoSymbol && r->name == name && !r->removed) return r;
  }
  return nullptr;
}

void Outcome::remove_result(SymbolResult& r, bool remove_symbol, bool remove_weight) {
  if (remove_weight) {
    score_ -= r.score;
    r.score = 0;
  }
  if (remove_symbol) r.removed = true;
}

std::vector<std::pair<std::string, double>> Outcome::group_scores() const {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& g : engine_.registry.groups()) {
    double sum = 0;
    bool any = false;
    for (SymbolId id : g->symbols) {
      if (const SymbolResult* r = find_result(id)) {
        sum += r->score;
        any = true;
      }
    }
    if (any) out.emplace_back(g->name, sum);
  }
  return out;
}

void Outcome::set_pre_result(PreResult pr) {
  if (pre_result_ && pre_result_->priority > pr.priority) return;
  pre_result_ = std::move(pr);
}

void Outcome::apply_forced_score(const PreResult& pr) {
  if (pr.score) {
    score_ = pr.action == Action::kNoAction ? std::min(score_, *pr.score) : *pr.score;
    return;
  }
  if (pr.action == Action::kNoAction) return;
  std::optional<double> t = thresholds_.get(pr.action);
  if (!t && (pr.action == Action::kDiscard || pr.action == Action::kQuarantine)) {
    t = thresholds_.required_score();
  }
  if (t && score_ < *t) score_ = *t;
}

Action Outcome::current_action() const {
  if (decided_) return action_;
  if (pre_result_ && !pre_result_->least) return pre_result_->action;
  return thresholds_.action_for(score_);
}

void Outcome::decide(bool failed) {
  if (pre_result_ && !pre_result_->least) {
    action_ = pre_result_->action;
    apply_forced_score(*pre_result_);
  } else {
    action_ = thresholds_.action_for(score_);
    if (pre_result_ && pre_result_->least && pre_result_->action > action_) {
      action_ = pre_result_->action;
    }
  }
  if (failed) action_ = Action::kNoAction;
  decided_ = true;
}

}  // namespace mw::scan
