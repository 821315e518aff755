// MapRegistry: every map of one configuration (engine), their reload timer and the regexp
// scratch their lookups use.
//
// Maps are loaded when the configuration is (in the master, so configtest sees errors);
// workers inherit them at fork. Each worker then watches the files itself: watch() arms a
// timer on the worker's Dispatcher that calls check_reload() every `check_interval` seconds
// (one stat() per file). The timer belongs to the returned handle, which the worker keeps
// with its other per-process state and destroys before its Dispatcher; destroying it stops
// the watching (a later watch() from another Dispatcher starts again).
//
// Ownership: the registry owns its maps (handed out as raw pointers that live as long as the
// registry). Loop affinity: the worker thread. Failure modes: add() reports Map::load
// errors; reloading never fails (see map.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "maps/map.h"

namespace mw::maps {

struct RegistryOptions {
  double check_interval = 5.0;  // seconds between file checks in a worker
  MapLimits limits;
};

class MapRegistry : public std::enable_shared_from_this<MapRegistry> {
 public:
  MapRegistry(RegistryOptions options, core::Logger& logger);
  ~MapRegistry();
  MapRegistry(const MapRegistry&) = delete;
  MapRegistry& operator=(const MapRegistry&) = delete;

  // Load a map and keep it. The pointer stays valid while the registry lives.
  Result<Map*> add(MapSpec spec);
  const std::vector<MapPtr>& maps() const { return maps_; }

  // Stat every file and reload the maps that changed. Returns how many were reloaded.
  size_t check_reload();

  // The scratch for regexp/glob lookups in this process (created on first use; null when it
  // cannot be allocated, then those maps match nothing).
  match::Scratch* scratch();

  // Start watching from `dispatcher` unless this registry already watches from it. The
  // handle owns the timer. REQUIRES: the handle dies before `dispatcher`.
  std::unique_ptr<core::Deletable> watch(core::Dispatcher& dispatcher);
  bool watching(const core::Dispatcher& dispatcher) const { return watched_ == &dispatcher; }

  const RegistryOptions& options() const { return options_; }
  // True when reloading can change anything: some map reads files and check_interval > 0.
  bool reloadable() const;

 private:
  class Watch;
  RegistryOptions options_;
  core::Logger& logger_;
  std::vector<MapPtr> maps_;
  std::unique_ptr<match::Scratch> scratch_;
  bool scratch_failed_ = false;
  const core::Dispatcher* watched_ = nullptr;
};

// [maps] options: check_interval, max_file_size.
void declare_options(core::Schema& schema);
// REQUIRES: declare_options went into the config's schema.
RegistryOptions options_from(const core::Config& cfg, const match::MatchOptions& match);

}  // namespace mw::maps
