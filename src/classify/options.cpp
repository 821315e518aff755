#include "classify/options.h"

namespace mw::classify {

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("classifier", "Learned classifiers");
  s.section("classifier.bayes",
            "The Bayes classifier: BAYES_SPAM / BAYES_HAM from learned statistics");
  s.add({"classifier.bayes.enabled", OptType::kBool, "true",
         "Classify every message (silent until min_learns of each class are learned)"});
  s.add({"classifier.bayes.min_learns", OptType::kInt, "200",
         "Messages of each class to learn before the classifier gives a verdict", 1, 1e9});
  s.add({"classifier.bayes.min_tokens", OptType::kInt, "11",
         "Messages with fewer tokens from their text (words, word pairs) are neither classified "
         "nor learned", 1, 1e6});
  s.add({"classifier.bayes.per_user", OptType::kBool, "false",
         "Statistics per user (authenticated user, else Deliver-To, else first recipient)"});
  s.add({"classifier.bayes.spam_threshold", OptType::kFloat, "0.6",
         "BAYES_SPAM from this spam probability; its score is scaled by 2(P - 0.5)", 0.5, 1});
  s.add({"classifier.bayes.ham_threshold", OptType::kFloat, "0.4",
         "BAYES_HAM up to this spam probability; its score is scaled by 2(0.5 - P)", 0, 0.5});
  s.add({"classifier.bayes.window", OptType::kInt, "5",
         "Sparse bigrams: each word is paired with the next window-1 words", 1, 8});
  s.add({"classifier.bayes.unigrams", OptType::kBool, "true", "Single words are tokens too"});
  s.add({"classifier.bayes.max_words", OptType::kInt, "600",
         "Words read per text part and of the Subject", 1, 100000});
  s.add({"classifier.bayes.max_tokens", OptType::kInt, "150",
         "Most significant tokens combined into the verdict (0: all)", 0, 1e6});
  s.add({"classifier.bayes.min_deviation", OptType::kFloat, "0.1",
         "Tokens whose probability is closer than this to 0.5 are ignored", 0, 0.5});
  s.add({"classifier.bayes.learned_ttl", OptType::kDuration, "\"0\"",
         "How long a learned message's digest is remembered (0: always)", 0, 3153600000.0});
  s.section("classifier.bayes.autolearn", "Learning from the scans' own verdicts (off by default)");
  s.add({"classifier.bayes.autolearn.enabled", OptType::kBool, "false",
         "Learn spam and ham from scans that cross the thresholds"});
  s.add({"classifier.bayes.autolearn.spam_threshold", OptType::kFloat, "12.0",
         "Learn as spam from this score (without the Bayes symbols' own score)"});
  s.add({"classifier.bayes.autolearn.ham_threshold", OptType::kFloat, "-0.5",
         "Learn as ham up to this score (without the Bayes symbols' own score)"});
  s.add({"classifier.bayes.autolearn.check_balance", OptType::kBool, "true",
         "Skip a class already learned 1/min_balance times more often than the other"});
  s.add({"classifier.bayes.autolearn.min_balance", OptType::kFloat, "0.9",
         "Smallest ratio of the other class's learns to this class's learns", 0.01, 1});
  s.section("classifier.bayes.expire", "Periodic removal of rare and stale tokens (controller)");
  s.add({"classifier.bayes.expire.interval", OptType::kDuration, "\"1h\"",
         "How often an expiry pass runs (0: never)", 0, 3153600000.0});
  s.add({"classifier.bayes.expire.rare_count", OptType::kInt, "1",
         "Tokens seen in at most this many learned messages are rare", 0, 1e9});
  s.add({"classifier.bayes.expire.stale_after", OptType::kDuration, "\"30d\"",
         "Rare tokens not learned again for this long are removed", 0, 3153600000.0});
  s.add({"classifier.bayes.expire.batch", OptType::kInt, "10000",
         "Tokens examined per step of a pass (one store transaction each)", 1, 100000});
}

Result<BayesOptions> options_from(const core::Config& cfg) {
  BayesOptions o;
  o.enabled = cfg.get_bool("classifier.bayes.enabled");
  o.min_learns = static_cast<uint64_t>(cfg.get_int("classifier.bayes.min_learns"));
  o.min_tokens = static_cast<size_t>(cfg.get_int("classifier.bayes.min_tokens"));
  o.per_user = cfg.get_bool("classifier.bayes.per_user");
  o.spam_threshold = cfg.get_float("classifier.bayes.spam_threshold");
  o.ham_threshold = cfg.get_float("classifier.bayes.ham_threshold");
  o.tokenizer.window = static_cast<unsigned>(cfg.get_int("classifier.bayes.window"));
  o.tokenizer.unigrams = cfg.get_bool("classifier.bayes.unigrams");
  o.tokenizer.max_words = static_cast<size_t>(cfg.get_int("classifier.bayes.max_words"));
  o.combine.max_tokens = static_cast<size_t>(cfg.get_int("classifier.bayes.max_tokens"));
  o.combine.min_deviation = cfg.get_float("classifier.bayes.min_deviation");
  o.learned_ttl = cfg.get_duration("classifier.bayes.learned_ttl");
  o.autolearn.enabled = cfg.get_bool("classifier.bayes.autolearn.enabled");
  o.autolearn.spam_threshold = cfg.get_float("classifier.bayes.autolearn.spam_threshold");
  o.autolearn.ham_threshold = cfg.get_float("classifier.bayes.autolearn.ham_threshold");
  o.autolearn.check_balance = cfg.get_bool("classifier.bayes.autolearn.check_balance");
  o.autolearn.min_balance = cfg.get_float("classifier.bayes.autolearn.min_balance");
  o.expire.interval = cfg.get_duration("classifier.bayes.expire.interval");
  o.expire.rare_count = static_cast<uint32_t>(cfg.get_int("classifier.bayes.expire.rare_count"));
  o.expire.stale_after = cfg.get_duration("classifier.bayes.expire.stale_after");
  o.expire.batch = static_cast<size_t>(cfg.get_int("classifier.bayes.expire.batch"));
  if (o.autolearn.enabled && o.autolearn.ham_threshold >= o.autolearn.spam_threshold) {
    return fail(ErrorCode::kInvalidInput,
                "classifier.bayes.autolearn: ham_threshold must be below spam_threshold");
  }
  return o;
}

}  // namespace mw::classify
