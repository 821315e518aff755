#include "scan/maps_support.h"

#include "scan/task.h"

namespace mw::scan {

maps::MapRegistry& engine_maps(Engine& engine, core::Logger& logger) {
  if (engine.maps) return *engine.maps;
  maps::RegistryOptions opts;
  if (engine.config) opts = maps::options_from(*engine.config, engine.options.match);
  engine.maps = std::make_shared<maps::MapRegistry>(opts, logger);
  std::weak_ptr<maps::MapRegistry> weak = engine.maps;
  engine.on_start.push_back([weak](Task& task) {
    auto reg = weak.lock();
    core::Dispatcher& d = task.services().dispatcher();
    if (!reg || !reg->reloadable() || reg->watching(d)) return;
    // The first task of this process: bring the maps up to date (they were read when the
    // configuration was loaded, maybe long ago) and watch them from now on.
    reg->check_reload();
    if (auto handle = reg->watch(d)) task.services().attach(std::move(handle));
  });
  return *engine.maps;
}

}  // namespace mw::scan
