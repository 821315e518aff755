#include "maps/registry.h"

#include "core/config.h"
#include "match/scratch.h"

namespace mw::maps {

class MapRegistry::Watch final : public core::Deletable {
 public:
  Watch(std::weak_ptr<MapRegistry> reg, core::Dispatcher& d, double interval)
      : reg_(std::move(reg)), interval_(interval) {
    timer_ = d.create_timer([this] { fire(); });
    timer_->enable(interval_);
  }
  ~Watch() override {
    if (auto r = reg_.lock()) r->watched_ = nullptr;
  }

 private:
  void fire() {
    auto r = reg_.lock();
    if (!r) return;
    r->check_reload();
    timer_->enable(interval_);
  }
  std::weak_ptr<MapRegistry> reg_;
  double interval_;
  core::TimerPtr timer_;
};

MapRegistry::MapRegistry(RegistryOptions options, core::Logger& logger)
    : options_(std::move(options)), logger_(logger) {}

MapRegistry::~MapRegistry() = default;

Result<Map*> MapRegistry::add(MapSpec spec) {
  auto m = Map::load(std::move(spec), options_.limits, logger_);
  if (!m) return fail(m.error());
  maps_.push_back(std::move(*m));
  return maps_.back().get();
}

size_t MapRegistry::check_reload() {
  size_t n = 0;
  for (auto& m : maps_) {
    if (m->reload_if_changed()) ++n;
  }
  return n;
}

match::Scratch* MapRegistry::scratch() {
  if (scratch_ == nullptr && !scratch_failed_) {
    auto s = match::Scratch::create(options_.limits.match);
    if (s) {
      scratch_ = std::move(*s);
    } else {
      scratch_failed_ = true;
      logger_.error("maps", "cannot allocate a regexp scratch: " + s.error().message);
    }
  }
  return scratch_.get();
}

bool MapRegistry::reloadable() const {
  if (options_.check_interval <= 0) return false;
  for (const auto& m : maps_) {
    if (!m->spec().files.empty()) return true;
  }
  return false;
}

std::unique_ptr<core::Deletable> MapRegistry::watch(core::Dispatcher& dispatcher) {
  if (watched_ == &dispatcher || !reloadable()) return nullptr;
  watched_ = &dispatcher;
  return std::make_unique<Watch>(weak_from_this(), dispatcher, options_.check_interval);
}

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("maps", "File maps (IP, domain, e-mail, string, regexp and glob lists)");
  s.add({"maps.check_interval", OptType::kDuration, "\"5s\"",
         "How often each worker checks map files for changes (0: never reload)", 0, 86400});
  s.add({"maps.max_file_size", OptType::kSize, "\"64M\"", "Largest map file that is read"});
}

RegistryOptions options_from(const core::Config& cfg, const match::MatchOptions& match) {
  RegistryOptions o;
  o.check_interval = cfg.get_duration("maps.check_interval");
  o.limits.max_file_size = cfg.get_size("maps.max_file_size");
  o.limits.match = match;
  return o;
}

}  // namespace mw::maps
