#include "scan/maps_support.h"

#include <utility>
#include <vector>

#include "scan/task.h"

namespace mw::scan {

namespace {

// The process's map reload timers, one per live registry: a watch whose registry is gone
// (an engine of an older configuration) is dropped when the next one is added.
struct MapsWatches final : ServiceExtension {
  void add(const std::shared_ptr<maps::MapRegistry>& reg, std::unique_ptr<core::Deletable> h) {
    std::erase_if(watches, [](const auto& w) { return w.first.expired(); });
    watches.emplace_back(reg, std::move(h));
  }
  std::vector<std::pair<std::weak_ptr<maps::MapRegistry>, std::unique_ptr<core::Deletable>>>
      watches;
};
constexpr ExtensionKey kMapsWatchKey{"maps watches"};

}  // namespace

std::string replace_var(std::string text, std::string_view var, std::string_view value) {
  if (var.empty()) return text;
  for (size_t pos = 0; (pos = text.find(var, pos)) != std::string::npos; pos += value.size()) {
    text.replace(pos, var.size(), value);
  }
  return text;
}

std::string expand_confdir(std::string path, const Engine& engine) {
  return replace_var(std::move(path), "$CONFDIR", engine.config ? engine.config->dir() : ".");
}

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
    auto handle = reg->watch(d);
    if (!handle) return;
    Services& services = task.services();
    auto* w = static_cast<MapsWatches*>(services.extension(kMapsWatchKey));
    if (w == nullptr) {
      auto made = std::make_unique<MapsWatches>();
      w = made.get();
      services.set_extension(kMapsWatchKey, std::move(made));
    }
    w->add(reg, std::move(handle));
  });
  return *engine.maps;
}

}  // namespace mw::scan
