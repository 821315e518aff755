#include "classify/expire.h"

#include "classify/statistics.h"

namespace mw::classify {

namespace {

constexpr char kLog[] = "bayes";
// Pause between two steps of a pass (the loop serves requests in between).
constexpr double kStepPause = 0.001;

}  // namespace

Expirer::Expirer(store::Store& store, core::Dispatcher& dispatcher, core::Logger& logger,
                 ExpireOptions options, std::function<double()> clock)
    : store_(store), dispatcher_(dispatcher), logger_(logger), options_(options),
      clock_(std::move(clock)) {}

Expirer::~Expirer() = default;

void Expirer::start() {
  if (options_.interval <= 0) return;
  timer_ = dispatcher_.create_timer([this] {
    if (!running_) {
      run_pass([this](Result<PassResult> r) {
        if (!r) {
          logger_.warn(kLog, "expiry pass failed: " + r.error().message);
          return;
        }
        logger_.info(kLog, "expiry pass: removed " + std::to_string(r->removed) + " of " +
                               std::to_string(r->examined) + " tokens in " +
                               std::to_string(r->tables) + " table(s)");
      });
    }
    timer_->enable(options_.interval);
  });
  timer_->enable(options_.interval);
}

void Expirer::run_pass(std::function<void(Result<PassResult>)> done) {
  running_ = true;
  done_ = std::move(done);
  result_ = PassResult{};
  older_than_ = clock_() - options_.stale_after;
  tables_ = {global_table().tokens};
  users_ = {""};
  op_ = store_.map_all(std::string(kUsersKey),
                       [this](Result<std::vector<std::pair<std::string, std::string>>> r) {
                         if (r) {
                           for (const auto& [id, unused] : *r) {
                             tables_.push_back(table_of_user_id(id).tokens);
                             users_.push_back(id);
                           }
                         }
                         next_table();
                       });
}

void Expirer::next_table() {
  if (tables_.empty()) {
    running_ = false;
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(result_);
    return;
  }
  cursor_.clear();
  ++result_.tables;
  step();
}

void Expirer::step() {
  op_ = store_.counts_expire(
      tables_.back(), options_.rare_count, older_than_, cursor_, options_.batch,
      [this](Result<store::Store::CountsExpiry> r) {
        if (!r) {
          running_ = false;
          auto done = std::move(done_);
          done_ = nullptr;
          if (done) done(fail(r.error()));
          return;
        }
        result_.examined += r->examined;
        result_.removed += r->removed;
        cursor_ = r->cursor;
        if (!cursor_.empty()) {
          step_timer_ = dispatcher_.create_timer([this] { step(); });
          step_timer_->enable(kStepPause);
          return;
        }
        std::string table = tables_.back();
        std::string user = users_.back();
        tables_.pop_back();
        users_.pop_back();
        if (user.empty()) return next_table();
        // A user whose table is now empty leaves the list.
        op_ = store_.counts_info(table, [this, user](Result<store::Store::CountsInfo> info) {
          if (info && info->rows == 0) {
            op_ = store_.map_del(std::string(kUsersKey), user, [this](Status) { next_table(); });
            return;
          }
          next_table();
        });
      });
}

}  // namespace mw::classify
