#include "classify/statistics.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "core/ascii.h"

namespace mw::classify {

namespace {

using store::OpPtr;
using store::Store;

std::string user_id_of(std::string_view user) {
  std::string l = core::to_lower(user);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(l.data(), l.size(), md, &len, EVP_sha256(), nullptr);
  return core::hex_encode(std::string_view(reinterpret_cast<const char*>(md), std::min(len, 8u)));
}

// The ids with row 0 (the totals) in front: still sorted.
std::vector<uint64_t> with_totals(const std::vector<uint64_t>& ids) {
  std::vector<uint64_t> all;
  all.reserve(ids.size() + 1);
  all.push_back(0);
  for (uint64_t id : ids) {
    if (id != 0) all.push_back(id);
  }
  return all;
}

// Several store operations towards one result; destroying it cancels them.
template <typename T>
class Steps : public store::Op {
 public:
  explicit Steps(std::function<void(Result<T>)> cb) : cb_(std::move(cb)) {}

 protected:
  void hold(OpPtr op) { ops_.push_back(std::move(op)); }
  // Call back (at most once). Nothing of `this` may be used afterwards: the callback may
  // destroy the handle, hence this object.
  void finish(Result<T> r) {
    auto cb = std::move(cb_);
    cb_ = nullptr;
    if (cb) cb(std::move(r));
  }

  // Steps running side by side: add_pending() before each starts, step_done() with its
  // status when it calls back. The last one finishes: with the first error, else outcome().
  void add_pending(int n = 1) { pending_ += n; }
  void step_done(const Status& st) {
    if (!st && !error_) error_ = st.error();
    if (--pending_ > 0) return;
    if (error_) return finish(fail(*error_));
    finish(outcome());
  }
  virtual T outcome() const = 0;

 private:
  std::function<void(Result<T>)> cb_;
  std::vector<OpPtr> ops_;
  int pending_ = 0;
  std::optional<Error> error_;
};

class LearnOp final : public Steps<LearnResult> {
 public:
  LearnOp(Store& s, Table t, std::string digest, std::vector<uint64_t> ids,
          std::optional<Class> cls, double ttl, std::function<void(Result<LearnResult>)> cb)
      : Steps(std::move(cb)), s_(s), t_(std::move(t)), digest_(std::move(digest)),
        ids_(with_totals(ids)), cls_(cls), ttl_(ttl) {}

  void start() {
    hold(s_.map_get(t_.learned, digest_, [this](Result<std::optional<std::string>> r) {
      if (!r) return finish(fail(r.error()));
      std::optional<Class> before = *r ? parse_class(**r) : std::nullopt;
      cls_ ? learn(before) : forget(before);
    }));
  }

 private:
  void learn(std::optional<Class> before) {
    if (before == cls_) return finish(LearnResult::kAlreadyLearned);
    int64_t spam = *cls_ == Class::kSpam ? 1 : (before ? -1 : 0);
    int64_t ham = *cls_ == Class::kHam ? 1 : (before ? -1 : 0);
    LearnResult done = before ? LearnResult::kRelearned : LearnResult::kLearned;
    change(spam, ham, done, [this] {
      return s_.map_set(t_.learned, digest_, std::string(class_name(*cls_)), ttl_,
                        [this](Status st) { step_done(st); });
    });
  }

  void forget(std::optional<Class> before) {
    if (!before) return finish(LearnResult::kNotLearned);
    int64_t spam = *before == Class::kSpam ? -1 : 0;
    int64_t ham = *before == Class::kHam ? -1 : 0;
    change(spam, ham, LearnResult::kForgotten, [this] {
      return s_.map_del(t_.learned, digest_, [this](Status st) { step_done(st); });
    });
  }

  // Change the counts; once done, record the digest (`record`) and count the learn.
  void change(int64_t spam, int64_t ham, LearnResult done, std::function<OpPtr()> record) {
    done_ = done;
    hold(s_.counts_add(t_.tokens, ids_, spam, ham, [this, record](Status st) {
      if (!st) return finish(fail(st.error()));
      add_pending();
      hold(record());
      if (done_ == LearnResult::kForgotten) return;
      add_pending();
      hold(s_.incr(std::string(kLearnedCounterKey), 1, 0, [this](Result<int64_t> r) {
        step_done(r ? Status() : Status(fail(r.error())));
      }));
      if (!t_.user_id.empty()) {
        add_pending();
        hold(s_.map_set(std::string(kUsersKey), t_.user_id, "", 0,
                        [this](Status s2) { step_done(s2); }));
      }
    }));
  }

  LearnResult outcome() const override { return done_; }

  Store& s_;
  Table t_;
  std::string digest_;
  std::vector<uint64_t> ids_;
  std::optional<Class> cls_;  // nullopt: forget
  double ttl_;
  LearnResult done_ = LearnResult::kLearned;
};

class InfoOp final : public Steps<Info> {
 public:
  InfoOp(Store& s, size_t max_users, std::function<void(Result<Info>)> cb)
      : Steps(std::move(cb)), s_(s), max_users_(max_users) {}

  void start() {
    add_table(global_table());
    add_pending();
    hold(s_.get(std::string(kLearnedCounterKey), [this](Result<std::optional<std::string>> r) {
      if (r && *r) {
        info_.learned = static_cast<uint64_t>(std::max<long long>(0, std::atoll((*r)->c_str())));
      }
      step_done(r ? Status() : Status(fail(r.error())));
    }));
    add_pending();
    hold(s_.map_all(std::string(kUsersKey),
                    [this](Result<std::vector<std::pair<std::string, std::string>>> r) {
                      if (r) {
                        info_.users = r->size();
                        size_t n = std::min(r->size(), max_users_);
                        for (size_t i = 0; i < n; ++i) add_table(table_of_user_id((*r)[i].first));
                      }
                      step_done(r ? Status() : Status(fail(r.error())));
                    }));
  }

 private:
  // The table's size and its totals row.
  void add_table(const Table& t) {
    add_pending(2);
    hold(s_.counts_info(t.tokens, [this](Result<Store::CountsInfo> r) {
      if (r) {
        info_.spam.tokens += r->rows_a;
        info_.ham.tokens += r->rows_b;
        uint64_t both = r->rows_a + r->rows_b;
        if (both > 0) {
          info_.spam.bytes += r->bytes * r->rows_a / both;
          info_.ham.bytes += r->bytes * r->rows_b / both;
        }
      }
      step_done(r ? Status() : Status(fail(r.error())));
    }));
    hold(s_.counts_get(t.tokens, {0}, [this](Result<std::vector<Store::CountRow>> r) {
      if (r && !r->empty()) {
        info_.spam.learns += (*r)[0].a;
        info_.ham.learns += (*r)[0].b;
      }
      step_done(r ? Status() : Status(fail(r.error())));
    }));
  }

  Info outcome() const override { return info_; }

  Store& s_;
  size_t max_users_;
  Info info_;
};

}  // namespace

std::string_view class_name(Class c) { return c == Class::kSpam ? "spam" : "ham"; }

std::optional<Class> parse_class(std::string_view s) {
  std::string l = core::to_lower(s);
  if (l == "spam") return Class::kSpam;
  if (l == "ham") return Class::kHam;
  return std::nullopt;
}

std::string_view learn_result_name(LearnResult r) {
  switch (r) {
    case LearnResult::kLearned: return "learned";
    case LearnResult::kRelearned: return "relearned";
    case LearnResult::kAlreadyLearned: return "already learned";
    case LearnResult::kForgotten: return "forgotten";
    case LearnResult::kNotLearned: return "not learned";
  }
  return "?";
}

Table global_table() { return Table{"bayes1:t", "bayes1:l", ""}; }

Table table_of_user_id(std::string_view id) {
  std::string base = "bayes1:u:" + std::string(id);
  return Table{base + ":t", base + ":l", std::string(id)};
}

Table user_table(std::string_view user) { return table_of_user_id(user_id_of(user)); }

std::string stat_user(const scan::Envelope& env) {
  if (!env.user.empty()) return core::to_lower(env.user);
  if (!env.deliver_to.empty()) return core::to_lower(env.deliver_to);
  if (!env.rcpts.empty() && !env.rcpts.front().empty()) return core::to_lower(env.rcpts.front());
  return {};
}

Table table_for(const BayesOptions& o, const scan::Envelope& env) {
  if (!o.per_user) return global_table();
  std::string user = stat_user(env);
  return user.empty() ? global_table() : user_table(user);
}

OpPtr read(Store& store, const Table& table, const std::vector<uint64_t>& ids,
           std::function<void(Result<Snapshot>)> cb) {
  return store.counts_get(table.tokens, with_totals(ids),
                          [cb = std::move(cb)](Result<std::vector<Store::CountRow>> r) {
                            if (!r) return cb(fail(r.error()));
                            Snapshot snap;
                            if (r->empty()) return cb(std::move(snap));
                            snap.learns_spam = (*r)[0].a;
                            snap.learns_ham = (*r)[0].b;
                            snap.counts.resize(r->size() - 1);
                            for (size_t i = 1; i < r->size(); ++i) {
                              snap.counts[i - 1] = Counts{(*r)[i].a, (*r)[i].b};
                            }
                            cb(std::move(snap));
                          });
}

OpPtr learn(Store& store, const Table& table, std::string digest, std::vector<uint64_t> ids,
            Class cls, double learned_ttl, std::function<void(Result<LearnResult>)> cb) {
  auto op = std::make_unique<LearnOp>(store, table, std::move(digest), std::move(ids), cls,
                                      learned_ttl, std::move(cb));
  op->start();
  return op;
}

OpPtr forget(Store& store, const Table& table, std::string digest, std::vector<uint64_t> ids,
             std::function<void(Result<LearnResult>)> cb) {
  auto op = std::make_unique<LearnOp>(store, table, std::move(digest), std::move(ids),
                                      std::nullopt, 0, std::move(cb));
  op->start();
  return op;
}

OpPtr info(Store& store, size_t max_users, std::function<void(Result<Info>)> cb) {
  auto op = std::make_unique<InfoOp>(store, max_users, std::move(cb));
  op->start();
  return op;
}

}  // namespace mw::classify
