#include "scan/task.h"

#include <sys/time.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/check.h"
#include "dns/budget_resolver.h"
#include "scan/received_chain.h"

namespace mw::scan {

Task::Task(const Engine& engine, Services& services, std::string raw, Envelope envelope)
    : engine_(engine),
      services_(services),
      raw_(std::move(raw)),
      envelope_(std::move(envelope)),
      arena_(engine.options.max_task_memory),
      id_(services.next_task_id()),
      state_(&arena_),
      sym_time_(&arena_),
      sym_start_(&arena_),
      enabled_(&arena_),
      outcome_(engine, arena_) {
  if (!envelope_.log_tag.empty()) id_ = envelope_.log_tag;
  size_t n = engine_.registry.size();
  state_.assign(n, SymbolState::kNotRun);
  sym_time_.assign(n, 0.0f);
  sym_start_.assign(n, 0.0);
  enabled_.assign(engine_.default_enabled().begin(), engine_.default_enabled().end());
  if (enabled_.size() < n) enabled_.resize(n, 1);
  start_mono_ = services_.dispatcher().monotonic();
  start_wall_ = services_.now();
}

Task::~Task() {
  // Cancel outstanding I/O before anything else goes away.
  holds_.clear();
  extensions_.clear();
}

core::ModuleLog Task::log(std::string_view module) const {
  return core::ModuleLog(services_.logger(), module, id_);
}

const RelayChain& Task::relays() {
  if (!relays_) {
    relays_ = std::make_unique<RelayChain>(
        RelayChain::build(envelope_, message_, engine_.options.trusted_relays));
  }
  return *relays_;
}

void Task::mark_running(std::string_view symbol) {
  core::Heartbeat& hb = services_.heartbeat();
  if (!hb.enabled()) return;
  char buf[sizeof(core::WorkerSlot::activity)];
  size_t n = 0;
  for (std::string_view part : {std::string_view("task "), std::string_view(id_),
                                std::string_view(" symbol "), symbol}) {
    size_t k = std::min(part.size(), sizeof buf - n);
    if (k > 0) std::memcpy(buf + n, part.data(), k);  // an empty view may hold null
    n += k;
  }
  hb.set_activity({buf, n});
}

dns::Resolver* Task::resolver() {
  if (budget_resolver_ == nullptr) {
    dns::Resolver* inner = services_.resolver();
    if (inner == nullptr) return nullptr;
    budget_resolver_ = std::make_unique<dns::BudgetResolver>(
        services_.dispatcher(), *inner, engine_.options.max_dns_lookups);
  }
  return budget_resolver_.get();
}

double Task::elapsed() const { return services_.dispatcher().monotonic() - start_mono_; }

void Task::hold(std::unique_ptr<Cancelable> c) {
  if (stage_ == Stage::kDone) return;  // dropping it cancels
  holds_.push_back(std::move(c));
}

// ---------------------------------------------------------------------------------------
// Running

void Task::run(std::function<void(Task&)> done) {
  done_ = std::move(done);
  for (const auto& hook : engine_.on_start) hook(*this);
  if (engine_.options.task_timeout > 0) {
    timer_ = services_.dispatcher().create_timer([this] { on_timeout(); });
    timer_->enable(engine_.options.task_timeout);
  }
  advance();
}

void Task::compute_settings() {
  const SettingsSet& set = engine_.settings;
  const Profile* profile = nullptr;
  if (!envelope_.settings_id.empty()) {
    profile = set.by_id(envelope_.settings_id);
    if (profile == nullptr) {
      log("settings").warn("unknown Settings-ID '" + envelope_.settings_id + "', ignored");
    }
  }
  if (profile == nullptr) profile = set.match(envelope_, message_);
  if (profile != nullptr) applied_.merge(profile->apply);
  if (!envelope_.settings_json.empty()) {
    auto v = json::parse(envelope_.settings_json);
    auto a = v ? applied_from_json(*v) : Result<Applied>(fail(v.error()));
    if (a) {
      a->id = a->id.empty() ? "inline" : a->id;
      applied_.merge(*a);
    } else {
      log("settings").warn("bad Settings header: " + a.error().message);
    }
  }
  if (!applied_.any) return;
  apply_settings(Applied{});
}

void Task::apply_settings(const Applied& extra) {
  if (extra.any) applied_.merge(extra);
  const SymbolRegistry& reg = engine_.registry;
  size_t n = reg.size();
  for (const auto& [a, t] : applied_.actions) outcome_.set_threshold(a, t);
  // The named symbols and groups are resolved once and their members marked, so the loop over
  // every symbol only tests bits (this runs for each message a settings profile matches).
  enum : uint8_t { kNamedOn = 1, kGroupOn = 2, kGroupOff = 4, kNamedOff = 8 };
  std::vector<uint8_t> mark(n, 0);
  auto mark_names = [&](const std::vector<std::string>& names, uint8_t bit) {
    for (const auto& s : names) {
      SymbolId id = reg.find(s);
      if (id != kNoSymbol) mark[static_cast<size_t>(id)] |= bit;
    }
  };
  auto mark_groups = [&](const std::vector<std::string>& names, uint8_t bit) {
    for (const auto& g : names) {
      if (const GroupDef* gd = reg.find_group(g)) {
        for (SymbolId id : gd->symbols) mark[static_cast<size_t>(id)] |= bit;
      }
    }
  };
  mark_names(applied_.symbols_enabled, kNamedOn);
  mark_names(applied_.symbols_disabled, kNamedOff);
  mark_groups(applied_.groups_enabled, kGroupOn);
  mark_groups(applied_.groups_disabled, kGroupOff);
  bool allow_list = !applied_.symbols_enabled.empty() || !applied_.groups_enabled.empty();
  for (size_t i = 0; i < n; ++i) {
    const SymbolDef& d = reg.get(static_cast<SymbolId>(i));
    bool named_on = (mark[i] & kNamedOn) != 0;
    bool on = enabled_[i] != 0;
    if (allow_list) on = named_on || (mark[i] & kGroupOn) || d.type == SymbolType::kComposite;
    if (d.flags & kFlagExplicitEnable) on = named_on;
    if (mark[i] & kNamedOff) on = false;
    if ((mark[i] & kGroupOff) && !(d.flags & kFlagExplicitDisable) && !named_on) on = false;
    enabled_[i] = on ? 1 : 0;
  }
  for (const auto& [name, weight] : applied_.scores) {
    SymbolId id = reg.find(name);
    if (id != kNoSymbol) outcome_.set_weight(id, weight);
  }
  // A callback parent must run when one of its virtual children is wanted.
  for (size_t i = 0; i < n; ++i) {
    const SymbolDef& d = reg.get(static_cast<SymbolId>(i));
    if (d.type == SymbolType::kVirtual && d.parent != kNoSymbol && enabled_[i]) {
      enabled_[static_cast<size_t>(d.parent)] = 1;
    }
  }
}

bool Task::skip_remaining() const {
  if (envelope_.flags & kTaskPassAll) return false;
  const auto& pr = outcome_.pre_result();
  if (pr && !pr->least) return true;
  return outcome_.reject_reached();
}

void Task::start_symbol(SymbolId id) {
  const SymbolDef& d = engine_.registry.get(id);
  size_t i = static_cast<size_t>(id);
  if (!d.callback) {
    state_[i] = SymbolState::kDone;
    return;
  }
  state_[i] = SymbolState::kRunning;
  ++running_;
  sym_start_[i] = services_.dispatcher().monotonic();
  core::Heartbeat& hb = services_.heartbeat();
  mark_running(d.name);
  RunState rs = RunState::kDone;
  try {
    rs = d.callback(*this, id);
  } catch (const core::ArenaExhausted&) {
    hb.clear_activity();
    log("scan").error("symbol " + d.name + ": per-message memory cap reached");
    symbol_failed(id);
    return;
  } catch (const std::exception& e) {
    hb.clear_activity();
    log("scan").error("symbol " + d.name + " failed: " + e.what());
    symbol_failed(id);
    return;
  }
  hb.clear_activity();
  if (rs == RunState::kDone && state_[i] == SymbolState::kRunning) {
    state_[i] = SymbolState::kDone;
    sym_time_[i] = static_cast<float>(services_.dispatcher().monotonic() - sym_start_[i]);
    --running_;
  }
}

void Task::finish_symbol(SymbolId id) {
  if (id < 0 || static_cast<size_t>(id) >= state_.size()) return;
  size_t i = static_cast<size_t>(id);
  if (state_[i] != SymbolState::kRunning) return;  // timed out or finished already
  state_[i] = SymbolState::kDone;
  sym_time_[i] = static_cast<float>(services_.dispatcher().monotonic() - sym_start_[i]);
  --running_;
  if (!in_advance_) advance();
}

void Task::symbol_failed(SymbolId id) {
  if (id < 0 || static_cast<size_t>(id) >= state_.size()) return;
  size_t i = static_cast<size_t>(id);
  if (state_[i] != SymbolState::kRunning) return;
  state_[i] = SymbolState::kFailed;
  sym_time_[i] = static_cast<float>(services_.dispatcher().monotonic() - sym_start_[i]);
  --running_;
  if (!in_advance_) advance();
}

bool Task::run_stage(const std::vector<SymbolId>& ids, bool honour_passthrough) {
  // Symbols of one priority run together; the next priority waits for them.
  while (filter_cursor_ < ids.size()) {
    int prio = engine_.registry.get(ids[filter_cursor_]).priority;
    while (filter_cursor_ < ids.size() &&
           engine_.registry.get(ids[filter_cursor_]).priority == prio) {
      SymbolId id = ids[filter_cursor_++];
      const SymbolDef& d = engine_.registry.get(id);
      size_t i = static_cast<size_t>(id);
      const auto& pr = outcome_.pre_result();
      bool passthrough = honour_passthrough && pr && !pr->least &&
                         !(d.flags & kFlagIgnorePassthrough);
      if (!enabled_[i] || (d.flags & kFlagSkip) || passthrough) {
        state_[i] = SymbolState::kSkipped;
        continue;
      }
      start_symbol(id);
    }
    if (running_ > 0) return false;
  }
  return running_ == 0;
}

bool Task::run_filters() {
  const auto& order = engine_.registry.filters();
  bool empty_message = raw_.empty();
  bool prefix_done = true;  // everything before k has finished: move the cursor past it
  for (size_t k = filter_cursor_; k < order.size(); ++k) {
    SymbolId id = order[k];
    size_t i = static_cast<size_t>(id);
    if (state_[i] == SymbolState::kNotRun) {
      const SymbolDef& d = engine_.registry.get(id);
      bool ignore_pt = (d.flags & kFlagIgnorePassthrough) && outcome_.pre_result();
      bool deps_ready = true;
      for (SymbolId dep : d.dep_ids) {
        SymbolState s = state_[static_cast<size_t>(dep)];
        if (s == SymbolState::kNotRun || s == SymbolState::kRunning) {
          deps_ready = false;
          break;
        }
      }
      if (!enabled_[i] || (d.flags & kFlagSkip) || (skip_remaining() && !ignore_pt) ||
          (empty_message && !(d.flags & kFlagEmpty))) {
        state_[i] = SymbolState::kSkipped;
      } else if (deps_ready) {
        start_symbol(id);
      }
    }
    SymbolState s = state_[i];
    bool terminal = s == SymbolState::kDone || s == SymbolState::kSkipped ||
                    s == SymbolState::kFailed;
    if (prefix_done && terminal) {
      filter_cursor_ = k + 1;
    } else {
      prefix_done = false;
    }
  }
  return running_ == 0 && filter_cursor_ >= order.size();
}

bool Task::run_current_stage() {
  switch (stage_) {
    case Stage::kPrefilters:
      return run_stage(engine_.registry.prefilters(), true);
    case Stage::kFilters:
      return run_filters();
    case Stage::kComposites1:
    case Stage::kComposites2:
      engine_.composites.process(*this);
      return true;
    case Stage::kPostfilters:
      return run_stage(engine_.registry.postfilters(), false);
    case Stage::kIdempotent:
      return run_stage(engine_.registry.idempotent(), false);
    case Stage::kInit:
    case Stage::kDone:
      break;
  }
  return true;
}

void Task::advance() {
  if (in_advance_ || stage_ == Stage::kDone) return;
  in_advance_ = true;
  bool waiting = false;
  // When the current stage is `done`, the next one starts (from its first symbol).
  auto enter = [this](bool done, Stage next) {
    if (done) {
      filter_cursor_ = 0;
      stage_ = next;
    }
    return done;
  };
  while (!waiting && stage_ != Stage::kDone) {
    switch (stage_) {
      case Stage::kInit: {
        try {
          core::Heartbeat& hb = services_.heartbeat();
          if (hb.enabled()) hb.set_activity("task " + id_ + " parsing the message");
          auto parsed = services_.parser().parse(arena_, raw_, engine_.options.limits);
          hb.clear_activity();
          if (!parsed) {
            error_ = parsed.error();
            stage_ = Stage::kDone;
            break;
          }
          message_ = *parsed;
          if (envelope_.ip.empty() && engine_.options.received_fill_envelope) {
            fill_envelope_from_received(*message_, engine_.options.trusted_relays, envelope_);
          }
        } catch (const core::ArenaExhausted&) {
          error_ = Error{ErrorCode::kLimit, "per-message memory cap reached while parsing"};
          stage_ = Stage::kDone;
          break;
        }
        compute_settings();
        if (applied_.want_spam || (envelope_.flags & kTaskSkip)) {
          stage_ = Stage::kDone;
          break;
        }
        for (const auto& s : applied_.symbols_add) insert_result(s, 1.0);
        enter(true, Stage::kPrefilters);
        break;
      }
      case Stage::kPrefilters:
      case Stage::kFilters:
      case Stage::kComposites1:
      case Stage::kPostfilters:
      case Stage::kComposites2:
      case Stage::kIdempotent: {
        // The stages follow each other in the order of the enum.
        auto next = static_cast<Stage>(static_cast<int>(stage_) + 1);
        waiting = !enter(run_current_stage(), next);
        break;
      }
      case Stage::kDone:
        break;
    }
  }
  in_advance_ = false;
  if (stage_ == Stage::kDone) finish();
}

void Task::on_timeout() {
  if (stage_ == Stage::kDone) return;
  timed_out_ = true;
  std::string names;
  for (size_t i = 0; i < state_.size(); ++i) {
    if (state_[i] == SymbolState::kRunning) {
      state_[i] = SymbolState::kFailed;
      names += (names.empty() ? "" : ", ") + engine_.registry.get(static_cast<SymbolId>(i)).name;
    }
  }
  running_ = 0;
  holds_.clear();
  log("scan").warn("task timed out after " + std::to_string(engine_.options.task_timeout) +
                   "s; unfinished: " + (names.empty() ? "-" : names));
  ++services_.counters().timeouts;
  // Results so far still count: go on with composites, but do not wait on I/O any more.
  if (stage_ == Stage::kInit || stage_ == Stage::kPrefilters || stage_ == Stage::kFilters) {
    // Mark what never started as skipped so composites see a consistent picture.
    for (auto& s : state_) {
      if (s == SymbolState::kNotRun) s = SymbolState::kSkipped;
    }
    if (stage_ == Stage::kInit) {
      stage_ = Stage::kDone;
    } else {
      engine_.composites.process(*this);
      engine_.composites.process(*this);
      stage_ = Stage::kDone;
    }
  } else {
    stage_ = Stage::kDone;
  }
  finish();
}

void Task::finish() {
  if (!done_ && stage_ != Stage::kDone) return;
  stage_ = Stage::kDone;
  if (timer_) timer_->disable();
  holds_.clear();
  outcome_.decide(error_.has_value());
  Counters& c = services_.counters();
  if (!error_) {
    ++c.scanned;
    ++c.actions[static_cast<size_t>(outcome_.action())];
    if (c.symbol_hits.size() < state_.size()) c.symbol_hits.resize(state_.size(), 0);
    for (const SymbolResult* r : outcome_.results()) {
      if (r->id != kNoSymbol && !r->removed) ++c.symbol_hits[static_cast<size_t>(r->id)];
    }
    c.record_time(elapsed());
  } else {
    ++c.errors;
  }
  for (const auto& hook : engine_.on_finish) hook(*this);
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) done(*this);
}

// ---------------------------------------------------------------------------------------
// Results

SymbolState Task::symbol_state(SymbolId id) const {
  return id >= 0 && static_cast<size_t>(id) < state_.size() ? state_[static_cast<size_t>(id)]
                                                            : SymbolState::kNotRun;
}

bool Task::symbol_enabled(SymbolId id) const {
  return id >= 0 && static_cast<size_t>(id) < enabled_.size() && enabled_[static_cast<size_t>(id)];
}

bool Task::insert_result(std::string_view name, double multiplier,
                         const std::vector<std::string_view>& options) {
  SymbolId id = engine_.registry.find(name);
  if (id != kNoSymbol) return insert_result(id, multiplier, options);
  if (name.empty()) return false;
  if (!secrets_.empty()) {
    outcome_.insert_unknown(name, redacted_options(options));
    return true;
  }
  outcome_.insert_unknown(name, options);
  return true;
}

bool Task::insert_result(SymbolId id, double multiplier,
                         const std::vector<std::string_view>& options) {
  if (id < 0 || static_cast<size_t>(id) >= enabled_.size()) return false;
  if (!enabled_[static_cast<size_t>(id)]) return false;
  if (stage_ == Stage::kDone) return false;
  if (!secrets_.empty()) {
    outcome_.insert(id, multiplier, redacted_options(options));
    return true;
  }
  outcome_.insert(id, multiplier, options);
  return true;
}

std::vector<std::string_view> Task::redacted_options(
    const std::vector<std::string_view>& options) {
  std::vector<std::string_view> out;
  out.reserve(options.size());
  for (auto o : options) out.push_back(arena_.dup(redact(o)));
  return out;
}

void Task::add_secret(std::string_view secret, std::string_view mask) {
  if (secret.size() < 3 || secret == mask) return;
  for (const auto& [s, m] : secrets_) {
    if (s == secret) return;
  }
  secrets_.emplace_back(secret, mask);
  std::stable_sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) {
    return a.first.size() > b.first.size();
  });
  for (SymbolResult* r : outcome_.results_) {
    for (auto& o : r->options) {
      if (o.find(secret) != std::string_view::npos) o = arena_.dup(redact(o));
    }
  }
}

std::string Task::redact(std::string_view text) const {
  std::string out(text);
  for (const auto& [secret, mask] : secrets_) {
    size_t at = 0;
    while ((at = out.find(secret, at)) != std::string::npos) {
      out.replace(at, secret.size(), mask);
      at += mask.size();
    }
  }
  return out;
}

}  // namespace mw::scan
