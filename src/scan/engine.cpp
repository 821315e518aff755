#include "scan/engine.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "core/check.h"
#include "match/scratch.h"
#include "scan/regexp_rules.h"

namespace mw::scan {

Engine::Engine() = default;
Engine::~Engine() = default;

Status Engine::finalize() {
  MW_TRY(registry.finalize());
  composites.finalize(registry);
  symbol_groups_.assign(registry.size(), {});
  const auto& groups = registry.groups();
  for (size_t g = 0; g < groups.size(); ++g) {
    for (SymbolId id : groups[g]->symbols) {
      symbol_groups_[static_cast<size_t>(id)].push_back(static_cast<int>(g));
    }
  }
  default_enabled_.assign(registry.size(), 1);
  for (size_t i = 0; i < registry.size(); ++i) {
    const SymbolDef& d = registry.get(static_cast<SymbolId>(i));
    bool on = !(d.flags & (kFlagSkip | kFlagExplicitEnable));
    for (int g : symbol_groups_[i]) {
      if (!groups[static_cast<size_t>(g)]->enabled) on = false;
    }
    default_enabled_[i] = on ? 1 : 0;
  }
  return {};
}

void Counters::record_time(double seconds) {
  time_sum += seconds;
  size_t i = 0;
  while (i < std::size(kBuckets) && seconds > kBuckets[i]) ++i;
  ++time_buckets[i];
}

Services::Services(core::Dispatcher& dispatcher, core::Logger& logger)
    : dispatcher_(dispatcher), logger_(logger) {
  id_salt_ = static_cast<uint32_t>(::getpid()) * 2654435761u ^ static_cast<uint32_t>(time(nullptr));
}

Services::~Services() = default;

match::Scratch& Services::scratch(const match::MatchOptions& options) {
  if (!scratch_) {
    auto s = match::Scratch::create(options);
    if (!s) MW_PANIC("cannot allocate the regexp scratch: " + s.error().message);
    scratch_ = std::move(*s);
  }
  return *scratch_;
}

double Services::now() const {
  if (clock_) return clock_();
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string Services::next_task_id() {
  uint32_t v = static_cast<uint32_t>(++task_seq_) * 2246822519u ^ id_salt_;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%06x", v & 0xFFFFFF);
  return buf;
}

}  // namespace mw::scan
