// PasswordCheck: the controller's password verification, off its event loop.
//
// A controller password is a PBKDF2 hash (password.h): checking one costs ~0.1-0.2 s of CPU.
// Run on the loop, every request carrying a `Password` would stall every other request of
// the controller (health checks included), and anybody could make it run. So:
//   - hashes are computed on one helper thread, at most `max_pending` requests waiting
//     (more: kBusy); the loop is called back when a check is done;
//   - a client address with `max_failures` wrong passwords within `failure_window` seconds
//     (checks still running count as wrong) gets kLimited (no hash computed) until that
//     window ends;
//   - a password that matched is remembered for `cache_ttl` seconds, keyed by an HMAC of it
//     under a random per-process key (the password itself is never kept), so a dashboard
//     polling with the right password, or rspamc learning a folder (one request per
//     message), does not pay PBKDF2 on every request; a wrong one is never remembered;
//   - requests carrying a password whose check is already running wait for that check
//     (one hash per password however many requests arrive together); only the first counts
//     as in flight for its client.
//
// Ownership: owns the helper thread (started on first use, joined on destruction) and its
// eventfd. Loop affinity: check() and the callbacks run on the Dispatcher's thread.
// Failure modes: none reported; a check that cannot start (no thread, no eventfd) answers
// kBusy. Destroying the PasswordCheck drops pending callbacks without calling them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/loop.h"

namespace mw::server {

struct PasswordCheckOptions {
  std::string write_hash;        // enable_password ("" = none)
  std::string read_hash;         // password ("" = none)
  size_t max_failures = 10;      // wrong passwords per client address and window
  double failure_window = 60;    // seconds
  double cache_ttl = 60;         // seconds a matching password is remembered
  size_t max_pending = 16;       // checks waiting for the helper thread
};

class PasswordCheck {
 public:
  // Which configured hash the password matched.
  enum class Outcome { kWriteHash, kReadHash, kWrong, kLimited, kBusy };

  PasswordCheck(core::Dispatcher& dispatcher, PasswordCheckOptions options);
  ~PasswordCheck();
  PasswordCheck(const PasswordCheck&) = delete;
  PasswordCheck& operator=(const PasswordCheck&) = delete;

  // Check `given` for a request from `client` (an address; "" for unix sockets). `done` runs
  // exactly once from the loop, possibly before check() returns (remembered password,
  // limited client, busy).
  void check(const std::string& client, std::string given, std::function<void(Outcome)> done);

  // Failures recorded for `client` in its current window (tests).
  size_t failures(const std::string& client) const;

  class Worker;

 private:
  struct Waiter {
    std::string client;
    std::function<void(Outcome)> done;
  };
  struct Pending {
    std::string client;  // who submitted it (counted in in_flight_)
    std::string key;     // HMAC of the password
    std::vector<Waiter> waiters;
  };
  struct Failures {
    size_t count = 0;
    double since = 0;
  };
  struct Remembered {
    Outcome outcome;
    double expires;
  };

  bool limited(const std::string& client, double now) const;
  void record_failure(const std::string& client, double now);
  void remember(const std::string& key, Outcome outcome, double now);
  void on_done(uint64_t id, Outcome outcome);

  core::Dispatcher& dispatcher_;
  PasswordCheckOptions options_;
  std::string hmac_key_;
  std::unordered_map<std::string, Failures> failures_;
  std::unordered_map<std::string, size_t> in_flight_;  // checks running per client
  std::map<std::string, Remembered> remembered_;
  std::unordered_map<uint64_t, Pending> pending_;
  std::unordered_map<std::string, uint64_t> running_;  // key -> id of its pending check
  uint64_t next_id_ = 1;
  std::unique_ptr<Worker> worker_;  // last: its callbacks use everything above
};

}  // namespace mw::server
