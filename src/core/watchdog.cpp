#include "core/watchdog.h"

#include <sys/mman.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace mw::core {

struct WorkerBoard::Shared {
  std::atomic<uint64_t> deaths;
  std::atomic<uint64_t> recorded;
  WorkerSlot slots[1];  // really `slots_` of them (the mapping is sized for all)
};

namespace {

uint64_t now_us() { return static_cast<uint64_t>(shared_monotonic() * 1e6); }

size_t mapping_size(size_t slots) {
  return sizeof(WorkerBoard::Shared) + (slots > 0 ? slots - 1 : 0) * sizeof(WorkerSlot);
}

}  // namespace

double shared_monotonic() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// ---- Heartbeat --------------------------------------------------------------------------------

void Heartbeat::beat(uint32_t open) {
  if (slot_ == nullptr) return;
  slot_->beat_us.store(now_us(), std::memory_order_relaxed);
  slot_->open.store(open, std::memory_order_relaxed);
}

void Heartbeat::set_activity(std::string_view what) {
  if (slot_ == nullptr) return;
  uint32_t seq = slot_->activity_seq.load(std::memory_order_relaxed);
  slot_->activity_seq.store(seq + 1, std::memory_order_release);  // odd: writing
  std::atomic_thread_fence(std::memory_order_release);
  size_t n = std::min(what.size(), sizeof slot_->activity - 1);
  if (n > 0) std::memcpy(slot_->activity, what.data(), n);  // an empty view may hold null
  slot_->activity[n] = '\0';
  std::atomic_thread_fence(std::memory_order_release);
  slot_->activity_seq.store(seq + 2, std::memory_order_release);
}

TimerPtr Heartbeat::attach(Dispatcher& dispatcher, double interval,
                           std::function<uint32_t()> open) {
  if (slot_ == nullptr) return nullptr;
  // The timer re-arms itself; it lives in the returned pointer, the callback refers to it.
  auto holder = std::make_shared<Timer*>(nullptr);
  Heartbeat self = *this;
  TimerPtr t = dispatcher.create_timer([self, holder, interval, open]() mutable {
    self.beat(open ? open() : 0);
    if (*holder != nullptr) (*holder)->enable(interval);
  });
  *holder = t.get();
  beat(open ? open() : 0);
  t->enable(interval);
  return t;
}

// ---- WorkerBoard ------------------------------------------------------------------------------

Result<std::unique_ptr<WorkerBoard>> WorkerBoard::create(size_t slots) {
  if (slots == 0) slots = 1;
  void* p = ::mmap(nullptr, mapping_size(slots), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    return fail(ErrorCode::kIo, std::string("cannot map the worker board: ") + std::strerror(errno));
  }
  std::memset(p, 0, mapping_size(slots));  // atomics of zero bytes are zero-initialised
  auto* shared = static_cast<Shared*>(p);
  return std::unique_ptr<WorkerBoard>(new WorkerBoard(shared, slots));
}

WorkerBoard::~WorkerBoard() { ::munmap(shared_, mapping_size(slots_)); }

int WorkerBoard::claim() {
  for (size_t i = 0; i < slots_; ++i) {
    WorkerSlot& s = shared_->slots[i];
    if (s.pid.load() == 0) {
      s.pid.store(-1);  // taken, pid to come
      s.beat_us.store(now_us());
      s.open.store(0);
      Heartbeat(&s).clear_activity();
      return static_cast<int>(i);
    }
  }
  return -1;
}

void WorkerBoard::assign(int slot, pid_t pid) {
  if (slot >= 0 && static_cast<size_t>(slot) < slots_) shared_->slots[slot].pid.store(pid);
}

void WorkerBoard::release(int slot) {
  if (slot >= 0 && static_cast<size_t>(slot) < slots_) shared_->slots[slot].pid.store(0);
}

double WorkerBoard::silence(int slot) const {
  if (slot < 0 || static_cast<size_t>(slot) >= slots_) return 0;
  uint64_t beat = shared_->slots[slot].beat_us.load(std::memory_order_relaxed);
  uint64_t now = now_us();
  return now > beat ? static_cast<double>(now - beat) / 1e6 : 0;
}

std::string WorkerBoard::activity(int slot) const {
  if (slot < 0 || static_cast<size_t>(slot) >= slots_) return {};
  const WorkerSlot& s = shared_->slots[slot];
  char copy[sizeof s.activity];
  for (int attempt = 0; attempt < 100; ++attempt) {
    uint32_t before = s.activity_seq.load(std::memory_order_acquire);
    if (before & 1) continue;
    std::memcpy(copy, s.activity, sizeof copy);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (s.activity_seq.load(std::memory_order_acquire) == before) {
      copy[sizeof copy - 1] = '\0';
      return copy;
    }
  }
  return "(being written)";
}

uint32_t WorkerBoard::open_connections(int slot) const {
  if (slot < 0 || static_cast<size_t>(slot) >= slots_) return 0;
  return shared_->slots[slot].open.load(std::memory_order_relaxed);
}

pid_t WorkerBoard::pid(int slot) const {
  if (slot < 0 || static_cast<size_t>(slot) >= slots_) return 0;
  return shared_->slots[slot].pid.load(std::memory_order_relaxed);
}

Heartbeat WorkerBoard::heartbeat(int slot) {
  if (slot < 0 || static_cast<size_t>(slot) >= slots_) return Heartbeat();
  return Heartbeat(&shared_->slots[slot]);
}

void WorkerBoard::count_death() { shared_->deaths.fetch_add(1); }

uint64_t WorkerBoard::deaths() const { return shared_->deaths.load(); }

uint64_t WorkerBoard::take_unrecorded_deaths() {
  uint64_t recorded = shared_->recorded.load();
  for (;;) {
    uint64_t total = shared_->deaths.load();
    if (total <= recorded) return 0;
    if (shared_->recorded.compare_exchange_weak(recorded, total)) return total - recorded;
  }
}

}  // namespace mw::core
