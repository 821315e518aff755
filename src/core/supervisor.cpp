#include "core/supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>

#include "core/loop.h"

namespace mw::core {

namespace {

struct Generation {
  int id = 0;
  std::vector<WorkerSpec> specs;
};

// State of one supervisor run; lives on run()'s stack.
class Master {
 public:
  Master(Logger& logger, const SupervisorOptions& options, const Supervisor::Builder& build,
         WorkerBoard* board)
      : logger_(logger), options_(options), build_(build), board_(board) {}

  int run() {
    auto first = build_(false);
    if (!first) {
      logger_.error("main", "cannot start: " + first.error().message);
      return 1;
    }
    current_ = std::make_shared<Generation>();
    current_->id = 1;
    current_->specs = std::move(*first);
    signals_.push_back(loop_.create_signal(SIGCHLD, [this] { reap(); }));
    signals_.push_back(loop_.create_signal(SIGHUP, [this] { reload(); }));
    signals_.push_back(loop_.create_signal(SIGTERM, [this] { shutdown("SIGTERM"); }));
    signals_.push_back(loop_.create_signal(SIGINT, [this] { shutdown("SIGINT"); }));
    ::signal(SIGPIPE, SIG_IGN);
    if (board_ != nullptr && options_.stuck_timeout > 0) {
      watchdog_ = loop_.create_timer([this] { watch(); });
      watchdog_->enable(watch_interval());
    }
    for (size_t i = 0; i < current_->specs.size(); ++i) {
      for (int n = 0; n < current_->specs[i].count; ++n) {
        if (!spawn(current_, i)) return 1;
      }
    }
    loop_.run();
    return exit_status_;
  }

 private:
  bool spawn(const std::shared_ptr<Generation>& gen, size_t spec_index) {
    const WorkerSpec& spec = gen->specs[spec_index];
    int slot = board_ != nullptr ? board_->claim() : -1;
    pid_t pid = ::fork();
    if (pid < 0) {
      logger_.error("main", "fork failed for a " + spec.kind + " worker");
      if (board_ != nullptr) board_->release(slot);
      return false;
    }
    if (pid == 0) {
      // Child: forget the master's signal handling; the worker sets up its own. libevent
      // lets one event base own signals: the master's events go first, so that the
      // worker's loop can take them over (without, libevent warns once per signal).
      signals_.clear();
      ::signal(SIGCHLD, SIG_DFL);
      ::signal(SIGHUP, SIG_IGN);
      ::signal(SIGTERM, SIG_DFL);
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGPIPE, SIG_IGN);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      logger_.set_role(spec.kind);
      int status = spec.main(board_ != nullptr ? board_->heartbeat(slot) : Heartbeat());
      ::_exit(status);
    }
    if (board_ != nullptr) board_->assign(slot, pid);
    children_[pid] = Entry{gen, spec_index, loop_.monotonic(), slot, false};
    logger_.info("main", "started " + spec.kind + " worker pid " + std::to_string(pid) +
                             " (generation " + std::to_string(gen->id) + ")");
    return true;
  }

  void reap() {
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      auto it = children_.find(pid);
      if (it == children_.end()) continue;
      Entry e = it->second;
      children_.erase(it);
      uint32_t open = board_ != nullptr ? board_->open_connections(e.slot) : 0;
      std::string busy = board_ != nullptr ? board_->activity(e.slot) : std::string();
      if (board_ != nullptr) board_->release(e.slot);
      const WorkerSpec& spec = e.gen->specs[e.spec];
      std::string how = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                            : "status " + std::to_string(WEXITSTATUS(status));
      bool current = e.gen == current_;
      if (stopping_ || !current) {
        logger_.info("main", spec.kind + " worker pid " + std::to_string(pid) + " exited (" + how + ")");
        continue;
      }
      // Not asked to stop: a crash, a kill, the watchdog. Whatever it was serving is lost.
      if (board_ != nullptr) board_->count_death();
      // The count is from its last heartbeat; a task it was running is one more at least.
      if (!busy.empty() && open == 0) open = 1;
      if (open > 0) {
        logger_.error("main", spec.kind + " worker pid " + std::to_string(pid) + " had " +
                                  std::to_string(open) + " connection(s) open" +
                                  (busy.empty() ? std::string() : ", busy with " + busy) +
                                  ": their requests were lost unanswered (the clients see "
                                  "the connection close)");
      }
      // A worker of the running generation died: respawn it, slower if it dies young.
      double lived = loop_.monotonic() - e.started;
      double& delay = backoff_[e.spec];
      delay = lived < 2.0 ? std::min(options_.respawn_backoff_max, delay <= 0 ? 0.2 : delay * 2) : 0;
      logger_.warn("main", spec.kind + " worker pid " + std::to_string(pid) + " died (" + how +
                               "); respawning" +
                               (delay > 0 ? " in " + std::to_string(delay) + "s" : ""));
      auto gen = current_;
      size_t idx = e.spec;
      if (delay <= 0) {
        spawn(gen, idx);
      } else {
        add_timer(delay, [this, gen, idx] {
          if (!stopping_ && gen == current_) spawn(gen, idx);
        });
      }
    }
    if (stopping_ && children_.empty()) loop_.exit();
  }

  void reload() {
    if (stopping_) return;
    logger_.info("main", "SIGHUP: reloading configuration and rules");
    auto next = build_(true);
    if (!next) {
      logger_.error("main", "reload failed, keeping the running configuration: " +
                                next.error().message);
      return;
    }
    auto gen = std::make_shared<Generation>();
    gen->id = current_->id + 1;
    gen->specs = std::move(*next);
    auto old = current_;
    current_ = gen;
    backoff_.clear();
    for (size_t i = 0; i < gen->specs.size(); ++i) {
      for (int n = 0; n < gen->specs[i].count; ++n) spawn(gen, i);
    }
    // The new workers accept on the same sockets; the old ones finish what they have.
    for (const auto& [pid, e] : children_) {
      if (e.gen == old) ::kill(pid, SIGTERM);
    }
    schedule_kill(old);
  }

  // One-shot timer; fired timers are pruned when new ones are added.
  void add_timer(double seconds, std::function<void()> cb) {
    timers_.erase(std::remove_if(timers_.begin(), timers_.end(),
                                 [](const TimerPtr& t) { return !t->enabled(); }),
                  timers_.end());
    auto t = loop_.create_timer(std::move(cb));
    t->enable(seconds);
    timers_.push_back(std::move(t));
  }

  void schedule_kill(const std::shared_ptr<Generation>& gen) {
    add_timer(options_.drain_timeout, [this, gen] {
      for (const auto& [pid, e] : children_) {
        if (gen == nullptr || e.gen == gen) {
          logger_.warn("main", "worker pid " + std::to_string(pid) +
                                   " did not drain in time; killing it");
          ::kill(pid, SIGKILL);
        }
      }
    });
  }

  double watch_interval() const { return std::min(1.0, options_.stuck_timeout / 4); }

  // The watchdog: kill workers whose loop has not turned for stuck_timeout.
  void watch() {
    for (auto& [pid, e] : children_) {
      if (e.killed || e.slot < 0) continue;
      double silent = board_->silence(e.slot);
      if (silent < options_.stuck_timeout) continue;
      std::string what = board_->activity(e.slot);
      logger_.error("main", e.gen->specs[e.spec].kind + " worker pid " + std::to_string(pid) +
                                ": event loop stuck for " +
                                std::to_string(static_cast<int>(silent)) +
                                "s (stuck_timeout), busy with " +
                                (what.empty() ? std::string("nothing recorded") : what) +
                                "; killing it");
      ::kill(pid, SIGKILL);
      e.killed = true;
    }
    watchdog_->enable(watch_interval());
  }

  void shutdown(const char* why) {
    if (stopping_) return;
    stopping_ = true;
    logger_.info("main", std::string(why) + ": stopping workers");
    for (const auto& [pid, e] : children_) ::kill(pid, SIGTERM);
    if (children_.empty()) {
      loop_.exit();
      return;
    }
    schedule_kill(nullptr);
  }

  struct Entry {
    std::shared_ptr<Generation> gen;
    size_t spec;
    double started;
    int slot;     // on the board (-1: none)
    bool killed;  // by the watchdog
  };

  Logger& logger_;
  const SupervisorOptions& options_;
  const Supervisor::Builder& build_;
  WorkerBoard* board_;
  Dispatcher loop_;
  TimerPtr watchdog_;
  std::vector<FdEventPtr> signals_;
  std::shared_ptr<Generation> current_;
  std::map<pid_t, Entry> children_;
  std::map<size_t, double> backoff_;
  std::vector<TimerPtr> timers_;
  bool stopping_ = false;
  int exit_status_ = 0;
};

}  // namespace

Supervisor::Supervisor(Logger& logger, SupervisorOptions options, WorkerBoard* board)
    : logger_(logger), options_(options), board_(board) {}

int Supervisor::run(const Builder& build) {
  Master m(logger_, options_, build, board_);
  return m.run();
}

}  // namespace mw::core
