#include "server/password_check.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "server/password.h"

namespace mw::server {

namespace {

constexpr size_t kMaxClientsTracked = 10000;
constexpr size_t kMaxRemembered = 64;
constexpr size_t kMaxWaiters = 256;  // requests waiting on one running check

std::string hmac_of(const std::string& key, const std::string& text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

}  // namespace

// The helper thread: takes (id, password) jobs, computes PBKDF2 against the configured
// hashes and hands (id, outcome) back through an eventfd the loop watches.
class PasswordCheck::Worker {
 public:
  Worker(core::Dispatcher& dispatcher, const PasswordCheckOptions& options,
         std::function<void(uint64_t, Outcome)> on_done)
      : write_hash_(options.write_hash), read_hash_(options.read_hash),
        on_done_(std::move(on_done)) {
    efd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd_ < 0) return;
    event_ = dispatcher.create_fd_event(efd_, core::kRead, [this](uint32_t) { deliver(); });
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::exception&) {
      event_.reset();
    }
  }

  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      for (auto& j : jobs_) wipe(j.second);
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    event_.reset();
    if (efd_ >= 0) ::close(efd_);
  }

  bool usable() const { return thread_.joinable(); }

  void submit(uint64_t id, std::string given) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.emplace_back(id, std::move(given));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::pair<uint64_t, std::string> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (stop_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      Outcome outcome = Outcome::kWrong;
      if (!write_hash_.empty() && verify_password(job.second, write_hash_)) {
        outcome = Outcome::kWriteHash;
      } else if (!read_hash_.empty() && verify_password(job.second, read_hash_)) {
        outcome = Outcome::kReadHash;
      }
      wipe(job.second);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        results_.emplace_back(job.first, outcome);
      }
      uint64_t one = 1;
      ssize_t n = ::write(efd_, &one, sizeof one);
      (void)n;
    }
  }

  // On the loop: call back for every finished job.
  void deliver() {
    uint64_t count = 0;
    ssize_t n = ::read(efd_, &count, sizeof count);
    (void)n;
    std::vector<std::pair<uint64_t, Outcome>> ready;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ready.swap(results_);
    }
    for (const auto& [id, outcome] : ready) on_done_(id, outcome);
  }

  const std::string write_hash_;
  const std::string read_hash_;
  std::function<void(uint64_t, Outcome)> on_done_;
  int efd_ = -1;
  core::FdEventPtr event_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<uint64_t, std::string>> jobs_;     // guarded by mu_
  std::vector<std::pair<uint64_t, Outcome>> results_;    // guarded by mu_
  bool stop_ = false;                                     // guarded by mu_
  std::thread thread_;
};

PasswordCheck::PasswordCheck(core::Dispatcher& dispatcher, PasswordCheckOptions options)
    : dispatcher_(dispatcher), options_(std::move(options)) {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) {
    // No randomness: nothing is remembered (every check computes the hash).
    options_.cache_ttl = 0;
  }
  hmac_key_.assign(reinterpret_cast<char*>(key), sizeof key);
  OPENSSL_cleanse(key, sizeof key);
}

PasswordCheck::~PasswordCheck() {
  worker_.reset();  // joins the thread before the maps it reports into go away
  pending_.clear();
}

size_t PasswordCheck::failures(const std::string& client) const {
  auto it = failures_.find(client);
  return it == failures_.end() ? 0 : it->second.count;
}

bool PasswordCheck::limited(const std::string& client, double now) const {
  // Checks still running count as failures: guesses sent in parallel are limited too.
  size_t count = 0;
  if (auto it = in_flight_.find(client); it != in_flight_.end()) count += it->second;
  auto it = failures_.find(client);
  if (it != failures_.end() && now - it->second.since < options_.failure_window) {
    count += it->second.count;
  }
  return count >= options_.max_failures;
}

void PasswordCheck::record_failure(const std::string& client, double now) {
  auto it = failures_.find(client);
  if (it == failures_.end() || now - it->second.since >= options_.failure_window) {
    if (failures_.size() >= kMaxClientsTracked) {
      for (auto f = failures_.begin(); f != failures_.end();) {
        f = now - f->second.since >= options_.failure_window ? failures_.erase(f) : std::next(f);
      }
      // Still full: start over rather than grow (the pending cap still bounds the CPU an
      // attacker with many addresses can spend).
      if (failures_.size() >= kMaxClientsTracked) failures_.clear();
    }
    failures_[client] = Failures{1, now};
    return;
  }
  ++it->second.count;
}

void PasswordCheck::remember(const std::string& key, Outcome outcome, double now) {
  if (options_.cache_ttl <= 0) return;
  for (auto it = remembered_.begin(); it != remembered_.end();) {
    it = it->second.expires <= now ? remembered_.erase(it) : std::next(it);
  }
  if (remembered_.size() >= kMaxRemembered) remembered_.erase(remembered_.begin());
  remembered_[key] = Remembered{outcome, now + options_.cache_ttl};
}

void PasswordCheck::check(const std::string& client, std::string given,
                          std::function<void(Outcome)> done) {
  double now = dispatcher_.monotonic();
  if (limited(client, now)) {
    wipe(given);
    done(Outcome::kLimited);
    return;
  }
  std::string key = hmac_of(hmac_key_, given);
  if (auto it = remembered_.find(key); it != remembered_.end() && it->second.expires > now) {
    wipe(given);
    done(it->second.outcome);
    return;
  }
  if (auto it = running_.find(key); it != running_.end()) {
    wipe(given);
    auto& waiters = pending_.at(it->second).waiters;
    if (waiters.size() >= kMaxWaiters) {
      done(Outcome::kBusy);
      return;
    }
    waiters.push_back(Waiter{client, std::move(done)});
    return;
  }
  if (!worker_) {
    worker_ = std::make_unique<Worker>(dispatcher_, options_,
                                       [this](uint64_t id, Outcome o) { on_done(id, o); });
  }
  if (!worker_->usable() || pending_.size() >= options_.max_pending) {
    wipe(given);
    done(Outcome::kBusy);
    return;
  }
  uint64_t id = next_id_++;
  ++in_flight_[client];
  running_.emplace(key, id);
  Pending p{client, std::move(key), {}};
  p.waiters.push_back(Waiter{client, std::move(done)});
  pending_.emplace(id, std::move(p));
  worker_->submit(id, std::move(given));
}

void PasswordCheck::on_done(uint64_t id, Outcome outcome) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  running_.erase(p.key);
  if (auto f = in_flight_.find(p.client); f != in_flight_.end() && --f->second == 0) {
    in_flight_.erase(f);
  }
  double now = dispatcher_.monotonic();
  if (outcome == Outcome::kWrong) {
    for (const auto& w : p.waiters) record_failure(w.client, now);  // each was a guess
  } else {
    remember(p.key, outcome, now);
  }
  for (auto& w : p.waiters) w.done(outcome);
}

}  // namespace mw::server
