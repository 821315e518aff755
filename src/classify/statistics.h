// Statistics: the Bayes classifier's data in the store (store/store.h): reading the counts
// of a message's tokens, learning, moving and forgetting a message, what /stat shows.
//
// Store keys (format 1: a new tokenizer or layout gets a new number and starts afresh):
//   bayes1:t             count table (store.h): row 0 = {spam, ham} messages learned, row
//                        <token> = {spam, ham} learned messages holding the token
//   bayes1:l             map: digest of a learned message (hex) -> "spam" | "ham"
//   bayes1:u:<id>:t/:l   the same for one user (<id>: 16 hex digits of the SHA-256 of the
//                        lower-cased user name; names are not stored)
//   bayes1:users         map: <id> -> "" for each user with statistics (expiry, /stat)
//   stat:learned         counter: messages learned (the controller's "learned")
// A message's tokens and the class totals change in one counts_add, so they always agree.
//
// Learning a message (by its digest, see learn.h):
//   not learned before       -> its tokens +1 in its class                  kLearned
//   learned as the same class -> nothing                                    kAlreadyLearned
//   learned as the other class -> +1 in its class and -1 in the other       kRelearned
// Forgetting: -1 in the class it was learned as, digest removed (kForgotten), or
// kNotLearned. The digest is recorded only after the counts changed.
//
// Operations are asynchronous like the store's: the callback runs once, from the loop,
// unless the returned handle was destroyed first (then never; a learn already under way in
// the store may still complete). Failure modes: the store's errors (kIo, kLimit, ...).
// Ownership: the store is borrowed and must outlive the handles. Loop affinity: the
// store's Dispatcher.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classify/combine.h"
#include "classify/options.h"
#include "core/result.h"
#include "scan/envelope.h"
#include "store/store.h"

namespace mw::classify {

enum class Class : uint8_t { kSpam, kHam };
std::string_view class_name(Class c);  // "spam", "ham"
// "spam" or "ham" in any case; nullopt otherwise.
std::optional<Class> parse_class(std::string_view s);

struct Table {
  std::string tokens;   // count table key
  std::string learned;  // digest map key
  std::string user_id;  // empty for the global statistics
};
Table global_table();
Table user_table(std::string_view user);
// Whose statistics a message uses when per_user is on: the authenticated user, else
// Deliver-To, else the first recipient, lower-cased ("" when none: the global ones).
std::string stat_user(const scan::Envelope& envelope);
Table table_for(const BayesOptions& options, const scan::Envelope& envelope);

struct Snapshot {
  uint64_t learns_spam = 0;
  uint64_t learns_ham = 0;
  std::vector<Counts> counts;  // in the order of the ids asked for
};
// The class totals and the counts of `ids` (sorted, unique, without 0), in one store
// operation (one transaction / round trip).
store::OpPtr read(store::Store& store, const Table& table, const std::vector<uint64_t>& ids,
                  std::function<void(Result<Snapshot>)> cb);

enum class LearnResult { kLearned, kRelearned, kAlreadyLearned, kForgotten, kNotLearned };
std::string_view learn_result_name(LearnResult r);

// Learn a message (its digest and tokens: sorted, unique, without 0) as `cls`. The digest
// is remembered for `learned_ttl` seconds (0: always).
store::OpPtr learn(store::Store& store, const Table& table, std::string digest,
                   std::vector<uint64_t> ids, Class cls, double learned_ttl,
                   std::function<void(Result<LearnResult>)> cb);
// Undo the learning of a message.
store::OpPtr forget(store::Store& store, const Table& table, std::string digest,
                    std::vector<uint64_t> ids, std::function<void(Result<LearnResult>)> cb);

struct ClassInfo {
  uint64_t learns = 0;  // messages learned
  uint64_t tokens = 0;  // tokens seen in this class
  uint64_t bytes = 0;   // store size of those tokens (the table's size shared by rows)
};
struct Info {
  ClassInfo spam;
  ClassInfo ham;
  uint64_t users = 0;    // users with statistics of their own
  uint64_t learned = 0;  // stat:learned
};
// Totals over the global statistics and at most `max_users` users' (users counts them all).
store::OpPtr info(store::Store& store, size_t max_users, std::function<void(Result<Info>)> cb);

// Keys the expiry pass and /stat walk.
inline constexpr std::string_view kUsersKey = "bayes1:users";
inline constexpr std::string_view kLearnedCounterKey = "stat:learned";
// The table of a user id as listed in kUsersKey.
Table table_of_user_id(std::string_view user_id);

}  // namespace mw::classify
