#include "core/loop.h"

#include <event2/event.h>
#include <time.h>

#include "core/check.h"

namespace mw::core {

namespace {

class TimerImpl final : public Timer {
 public:
  TimerImpl(event_base* base, std::function<void()> cb) : cb_(std::move(cb)) {
    ev_ = event_new(base, -1, 0, &TimerImpl::fire, this);
  }
  ~TimerImpl() override { event_free(ev_); }
  void enable(double seconds) override {
    if (seconds < 0) seconds = 0;
    struct timeval tv;
    tv.tv_sec = static_cast<time_t>(seconds);
    tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
    event_add(ev_, &tv);
  }
  void disable() override { event_del(ev_); }
  bool enabled() const override { return event_pending(ev_, EV_TIMEOUT, nullptr) != 0; }

 private:
  static void fire(evutil_socket_t, short, void* arg) {
    auto* self = static_cast<TimerImpl*>(arg);
    // Copy: the callback may destroy this timer.
    auto cb = self->cb_;
    cb();
  }
  event* ev_;
  std::function<void()> cb_;
};

class FdEventImpl final : public FdEvent {
 public:
  FdEventImpl(event_base* base, int fd, uint32_t events, std::function<void(uint32_t)> cb)
      : base_(base), fd_(fd), cb_(std::move(cb)) {
    set_events(events);
  }
  ~FdEventImpl() override {
    if (ev_ != nullptr) event_free(ev_);
  }
  void set_events(uint32_t events) override {
    if (ev_ != nullptr) {
      event_free(ev_);
      ev_ = nullptr;
    }
    short what = EV_PERSIST;
    if (events & kRead) what |= EV_READ;
    if (events & kWrite) what |= EV_WRITE;
    if ((what & (EV_READ | EV_WRITE)) == 0) return;
    ev_ = event_new(base_, fd_, what, &FdEventImpl::fire, this);
    event_add(ev_, nullptr);
  }
  int fd() const override { return fd_; }

 private:
  static void fire(evutil_socket_t, short what, void* arg) {
    auto* self = static_cast<FdEventImpl*>(arg);
    uint32_t ev = 0;
    if (what & EV_READ) ev |= kRead;
    if (what & EV_WRITE) ev |= kWrite;
    auto cb = self->cb_;
    cb(ev);
  }
  event_base* base_;
  int fd_;
  event* ev_ = nullptr;
  std::function<void(uint32_t)> cb_;
};

class SignalImpl final : public FdEvent {
 public:
  SignalImpl(event_base* base, int signo, std::function<void()> cb) : signo_(signo), cb_(std::move(cb)) {
    ev_ = evsignal_new(base, signo, &SignalImpl::fire, this);
    event_add(ev_, nullptr);
  }
  ~SignalImpl() override { event_free(ev_); }
  void set_events(uint32_t) override {}
  int fd() const override { return signo_; }

 private:
  static void fire(evutil_socket_t, short, void* arg) {
    auto* self = static_cast<SignalImpl*>(arg);
    auto cb = self->cb_;
    cb();
  }
  int signo_;
  event* ev_;
  std::function<void()> cb_;
};

}  // namespace

Dispatcher::Dispatcher() {
  base_ = event_base_new();
  if (base_ == nullptr) MW_PANIC("cannot create an event loop");
  post_event_ = event_new(base_, -1, 0, [](evutil_socket_t, short, void* arg) {
    static_cast<Dispatcher*>(arg)->run_posted();
  }, this);
}

Dispatcher::~Dispatcher() {
  posted_.clear();
  to_delete_.clear();
  event_free(post_event_);
  event_base_free(base_);
}

void Dispatcher::run() { event_base_dispatch(base_); }
void Dispatcher::run_once_nonblock() { event_base_loop(base_, EVLOOP_NONBLOCK); }
void Dispatcher::exit() { event_base_loopbreak(base_); }

double Dispatcher::monotonic() const {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

TimerPtr Dispatcher::create_timer(std::function<void()> cb) {
  return std::make_unique<TimerImpl>(base_, std::move(cb));
}

FdEventPtr Dispatcher::create_fd_event(int fd, uint32_t events, std::function<void(uint32_t)> cb) {
  return std::make_unique<FdEventImpl>(base_, fd, events, std::move(cb));
}

FdEventPtr Dispatcher::create_signal(int signo, std::function<void()> cb) {
  return std::make_unique<SignalImpl>(base_, signo, std::move(cb));
}

void Dispatcher::reinit_after_fork() { event_reinit(base_); }

void Dispatcher::post(std::function<void()> cb) {
  posted_.push_back(std::move(cb));
  if (!event_pending(post_event_, EV_TIMEOUT, nullptr)) {
    struct timeval zero = {0, 0};
    event_add(post_event_, &zero);
  }
}

void Dispatcher::deferred_delete(std::unique_ptr<Deletable> obj) {
  to_delete_.push_back(std::move(obj));
  post([] {});
}

void Dispatcher::run_posted() {
  // Callbacks may post more work; that runs on the next iteration.
  std::vector<std::function<void()>> now;
  now.swap(posted_);
  for (auto& cb : now) cb();
  to_delete_.clear();
  if (!posted_.empty()) {
    struct timeval zero = {0, 0};
    event_add(post_event_, &zero);
  }
}

}  // namespace mw::core
