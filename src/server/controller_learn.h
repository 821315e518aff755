// The Bayes classifier on the controller (Rspamd's learning API, so that `rspamc learn_spam`
// and `rspamc learn_ham` work unchanged):
//
//   POST /learnspam, POST /learnham   the body is the message; User, Deliver-To and Rcpt
//                                     choose the per-user statistics (per_user = true)
//   POST /learnclass                  the class in the `Class` header (or ?class=):
//                                     "spam" or "ham"
// Replies, as Rspamd's:
//   200 {"success":true}              learned (or moved from the other class)
//   208 {"error":"<MSGID> has been already learned as spam, ignore it"}
//   204 "<MSGID> contains less tokens than required for bayes classifier: N < 11" (reason)
//   400 {"error":"Empty body is not permitted"}, unknown class; 405 for a method other than
//   POST; 503 when the classifier is disabled or the store is unavailable; 500 store errors.
// They are write routes of the controller (Access::kWrite): the enable password (or the
// password when there is no enable password) is required, as for Rspamd; the controller
// checks it before the route runs.
//
// /stat: "learned" (messages learned), "total_learns" (learns of both classes now in the
// statistics) and "statfiles": BAYES_SPAM and BAYES_HAM with revision (messages learned),
// total/used (tokens), size (bytes in the store), type (store backend), users.
//
// The controller process also runs the expiry pass (classify/expire.h).
//
// Ownership: owns its word splitter, the learns in flight and the expirer; borrows the
// engine, services and store (they outlive it). Loop affinity: the controller's loop.
#pragma once

#include <memory>

#include "server/controller.h"
#include "classify/expire.h"
#include "classify/options.h"
#include "classify/statistics.h"
#include "classify/words.h"
#include "scan/engine.h"
#include "store/store.h"

namespace mw::server {

class LearnService {
 public:
  // `store` may be null (learning then answers 503). Logs why when the classifier's options
  // cannot be read (the service then refuses learning too).
  LearnService(const scan::Engine& engine, scan::Services& services, store::Store* store);
  ~LearnService();

  // Add the routes and the /stat source to `controller`, start the expiry timer.
  // REQUIRES: the service outlives the controller's routes.
  void attach(Controller& controller);

 private:
  void learn(proto::http::Request&& request, proto::http::ResponderPtr responder,
             bool by_header, classify::Class cls);
  void stat(std::function<void(json::Value)> done);

  const scan::Engine& engine_;
  scan::Services& services_;
  store::Store* store_;
  bool enabled_ = false;
  classify::BayesOptions options_;
  classify::WordSplitter splitter_;
  std::unique_ptr<classify::Expirer> expirer_;
  core::Dispatcher* dispatcher_ = nullptr;  // set by attach()
};

}  // namespace mw::server
