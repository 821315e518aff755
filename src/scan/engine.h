// Engine and Services: what a Task needs around it.
//
// Engine: everything built from the configuration at load time (symbol registry, thresholds,
// composites, settings profiles, regexp rules, limits). Immutable while scanning and shared
// by every task of the process; a reload builds a new Engine.
//
// Services: the per-process runtime (event loop, logger, MIME parser, DNS resolver, regexp
// scratch, store, counters). Mutable, one per worker process, used from its loop thread only.
//
// Ownership: the app owns both; tasks hold references. REQUIRES: both outlive every task.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/watchdog.h"
#include "match/options.h"
#include "mime/parser.h"
#include "scan/actions.h"
#include "scan/composites.h"
#include "scan/settings.h"
#include "scan/symbols.h"

namespace mw::dns {
class Resolver;
}
namespace mw::store {
class Store;
}
namespace mw::match {
class Scratch;
}
namespace mw::maps {
class MapRegistry;
}

namespace mw::scan {

class Task;
class RegexpRules;

struct EngineOptions {
  double task_timeout = 8.0;               // seconds for all filters of one message
  size_t max_task_memory = 256u << 20;     // arena cap per message
  mime::Limits limits;
  size_t max_options = 64;                 // options kept per symbol
  uint32_t max_dns_lookups = 64;           // DNS lookups per message (0 = no limit)
  size_t max_option_length = 4096;         // bytes per option
  std::string subject_template = "*** SPAM *** %s";
  std::string hostname;                    // options.hostname, else this host's FQDN
  IpNetworks local_networks;
  IpNetworks trusted_relays;               // local_networks + received.trusted_networks
  bool received_fill_envelope = true;      // received.fill_envelope (received_chain.h)
  match::MatchOptions match;               // regexp engines, cache, scan limits
};

// Hooks that run at fixed points of every task, registered by modules that are not symbols
// (e.g. history recording). Called on the loop thread.
using TaskHook = std::function<void(Task&)>;

// Something the engine keeps alive for its callbacks (e.g. the Lua state whose functions
// the registry's callbacks call). Destroyed after everything else in the Engine.
class EngineResource {
 public:
  virtual ~EngineResource() = default;
};

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Declared first so that it is destroyed last.
  std::vector<std::unique_ptr<EngineResource>> resources;
  core::ConfigPtr config;
  SymbolRegistry registry;
  Thresholds thresholds;
  Composites composites;
  SettingsSet settings;
  EngineOptions options;
  std::unique_ptr<RegexpRules> regexp_rules;  // may be null when no regexp rules exist
  std::vector<TaskHook> on_start;             // when a task starts, before it is parsed
  std::vector<TaskHook> on_finish;            // after the action is decided
  // File maps of this configuration (null until a module or rule adds one; see
  // scan/maps_support.h). Declared after `resources`: destroyed before the Lua state.
  std::shared_ptr<maps::MapRegistry> maps;

  // Called once after every symbol is registered: finalizes the registry and resolves
  // composites and group memberships.
  Status finalize();

  // Indexes into registry.groups() of the groups a symbol belongs to (after finalize).
  const std::vector<int>& symbol_groups(SymbolId id) const {
    return symbol_groups_[static_cast<size_t>(id)];
  }
  // Whether each symbol runs when no settings say otherwise (skip flag, disabled groups,
  // explicit_enable symbols are off).
  const std::vector<uint8_t>& default_enabled() const { return default_enabled_; }

 private:
  std::vector<std::vector<int>> symbol_groups_;
  std::vector<uint8_t> default_enabled_;
};

// Counters a worker keeps (for /stat and /metrics).
struct Counters {
  uint64_t scanned = 0;
  uint64_t actions[static_cast<size_t>(Action::kCount)] = {};
  uint64_t errors = 0;
  uint64_t timeouts = 0;
  std::vector<uint64_t> symbol_hits;  // indexed by SymbolId
  // Scan time histogram buckets (seconds): <=0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
  // 2.5, 5, 10, +Inf; plus the sum.
  static constexpr double kBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  uint64_t time_buckets[12] = {};
  double time_sum = 0;
  void record_time(double seconds);
};

// The key of one owner's extension slot: a constant the owner defines, e.g.
//   inline constexpr ExtensionKey kLuaExtension{"lua"};
// Slots are found by the key's address, so two owners can never share a slot by accident.
struct ExtensionKey {
  std::string_view name;  // for debugging only
};

// State of upper layers attached to a Task or the Services, one slot per owner key. This is
// the one way upper layers keep their own state there.
template <typename T>
class ExtensionSlots {
 public:
  T* get(const ExtensionKey& key) const {
    for (const auto& [k, e] : slots_) {
      if (k == &key) return e.get();
    }
    return nullptr;
  }
  // Replaces (and destroys) what the slot held before.
  void set(const ExtensionKey& key, std::unique_ptr<T> ext) {
    for (auto& [k, e] : slots_) {
      if (k == &key) {
        e = std::move(ext);
        return;
      }
    }
    slots_.emplace_back(&key, std::move(ext));
  }
  void clear() { slots_.clear(); }

 private:
  std::vector<std::pair<const ExtensionKey*, std::unique_ptr<T>>> slots_;
};

// Per-process state of upper layers kept with the Services (e.g. outbound's event sink, the
// map reload timer): created on first use in the process that uses it, destroyed with the
// Services (before the Dispatcher they were created with).
class ServiceExtension {
 public:
  virtual ~ServiceExtension() = default;
};

class Services {
 public:
  Services(core::Dispatcher& dispatcher, core::Logger& logger);
  ~Services();

  core::Dispatcher& dispatcher() { return dispatcher_; }
  core::Logger& logger() { return logger_; }
  mime::Parser& parser() { return parser_; }
  dns::Resolver* resolver() { return resolver_; }
  void set_resolver(dns::Resolver* r) { resolver_ = r; }
  // The process's state store (null when none is configured or it failed to open).
  store::Store* store() { return store_; }
  void set_store(store::Store* s) { store_ = s; }
  // Wall-clock time in epoch seconds as this process sees it: the real clock, or the
  // recorded time during `mailward replay`.
  double now() const;
  void set_clock(std::function<double()> clock) { clock_ = std::move(clock); }
  Counters& counters() { return counters_; }
  // The process's regexp scratch (created on first use, i.e. after fork in workers).
  match::Scratch& scratch(const match::MatchOptions& options);

  // Unique, short task ids for log lines.
  std::string next_task_id();

  // The worker's heartbeat (core/watchdog.h): tasks record what they run in it, so that
  // the master's watchdog can name what a stuck worker was busy with. Disabled by default.
  core::Heartbeat& heartbeat() { return heartbeat_; }
  void set_heartbeat(core::Heartbeat h) { heartbeat_ = h; }

  // Upper-layer state of this process, one slot per owner key. Null when absent.
  ServiceExtension* extension(const ExtensionKey& key) const { return extensions_.get(key); }
  void set_extension(const ExtensionKey& key, std::unique_ptr<ServiceExtension> ext) {
    extensions_.set(key, std::move(ext));
  }

 private:
  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  mime::Parser parser_;
  dns::Resolver* resolver_ = nullptr;
  store::Store* store_ = nullptr;
  std::function<double()> clock_;
  std::unique_ptr<match::Scratch> scratch_;
  Counters counters_;
  core::Heartbeat heartbeat_;
  uint64_t task_seq_ = 0;
  uint32_t id_salt_;
  // Last: destroyed first, while everything above still lives.
  ExtensionSlots<ServiceExtension> extensions_;
};

}  // namespace mw::scan
