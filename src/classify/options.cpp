#include "classify/options.h"

#include "core/option_table.h"

namespace mw::classify {

namespace {

constexpr char kPrefix[] = "classifier.bayes";
constexpr double kCentury = 3153600000.0;  // seconds: the longest period an option takes

using B = BayesOptions;
using A = AutolearnOptions;
using X = ExpireOptions;

// In declaration order; the autolearn and expire rows start their own sections.
core::OptionTable<B> table() {
  using core::bind;
  using core::OptType;
  return {kPrefix, "The Bayes classifier: BAYES_SPAM / BAYES_HAM from learned statistics", {
      {&B::enabled,
       {"enabled", OptType::kBool, "true",
        "Classify every message (silent until min_learns of each class are learned)"}},
      {&B::min_learns,
       {"min_learns", OptType::kInt, "200",
        "Messages of each class to learn before the classifier gives a verdict", 1, 1e9}},
      {&B::min_tokens,
       {"min_tokens", OptType::kInt, "11",
        "Messages with fewer tokens from their text (words, word pairs) are neither classified "
        "nor learned", 1, 1e6}},
      {&B::per_user,
       {"per_user", OptType::kBool, "false",
        "Statistics per user (authenticated user, else Deliver-To, else first recipient)"}},
      {&B::spam_threshold,
       {"spam_threshold", OptType::kFloat, "0.6",
        "BAYES_SPAM from this spam probability; its score is scaled by 2(P - 0.5)", 0.5, 1}},
      {&B::ham_threshold,
       {"ham_threshold", OptType::kFloat, "0.4",
        "BAYES_HAM up to this spam probability; its score is scaled by 2(0.5 - P)", 0, 0.5}},
      {bind<&B::tokenizer, &TokenizerOptions::window>,
       {"window", OptType::kInt, "5",
        "Sparse bigrams: each word is paired with the next window-1 words", 1, 8}},
      {bind<&B::tokenizer, &TokenizerOptions::unigrams>,
       {"unigrams", OptType::kBool, "true", "Single words are tokens too"}},
      {bind<&B::tokenizer, &TokenizerOptions::max_words>,
       {"max_words", OptType::kInt, "600", "Words read per text part and of the Subject", 1,
        100000}},
      {bind<&B::combine, &CombineOptions::max_tokens>,
       {"max_tokens", OptType::kInt, "150",
        "Most significant tokens combined into the verdict (0: all)", 0, 1e6}},
      {bind<&B::combine, &CombineOptions::min_deviation>,
       {"min_deviation", OptType::kFloat, "0.1",
        "Tokens whose probability is closer than this to 0.5 are ignored", 0, 0.5}},
      {&B::learned_ttl,
       {"learned_ttl", OptType::kDuration, "\"0\"",
        "How long a learned message's digest is remembered (0: always)", 0, kCentury}},
      {bind<&B::autolearn, &A::enabled>,
       {"autolearn.enabled", OptType::kBool, "false",
        "Learn spam and ham from scans that cross the thresholds"}},
      {bind<&B::autolearn, &A::spam_threshold>,
       {"autolearn.spam_threshold", OptType::kFloat, "12.0",
        "Learn as spam from this score (without the Bayes symbols' own score)"}},
      {bind<&B::autolearn, &A::ham_threshold>,
       {"autolearn.ham_threshold", OptType::kFloat, "-0.5",
        "Learn as ham up to this score (without the Bayes symbols' own score)"}},
      {bind<&B::autolearn, &A::check_balance>,
       {"autolearn.check_balance", OptType::kBool, "true",
        "Skip a class already learned 1/min_balance times more often than the other"}},
      {bind<&B::autolearn, &A::min_balance>,
       {"autolearn.min_balance", OptType::kFloat, "0.9",
        "Smallest ratio of the other class's learns to this class's learns", 0.01, 1}},
      {bind<&B::expire, &X::interval>,
       {"expire.interval", OptType::kDuration, "\"1h\"",
        "How often an expiry pass runs (0: never)", 0, kCentury}},
      {bind<&B::expire, &X::rare_count>,
       {"expire.rare_count", OptType::kInt, "1",
        "Tokens seen in at most this many learned messages are rare", 0, 1e9}},
      {bind<&B::expire, &X::stale_after>,
       {"expire.stale_after", OptType::kDuration, "\"30d\"",
        "Rare tokens not learned again for this long are removed", 0, kCentury}},
      {bind<&B::expire, &X::batch>,
       {"expire.batch", OptType::kInt, "10000",
        "Tokens examined per step of a pass (one store transaction each)", 1, 100000}},
  }};
}

}  // namespace

void declare_options(core::Schema& s) {
  s.section("classifier", "Learned classifiers");
  table().declare(s);
  s.section("classifier.bayes.autolearn", "Learning from the scans' own verdicts (off by default)");
  s.section("classifier.bayes.expire", "Periodic removal of rare and stale tokens (controller)");
}

Result<BayesOptions> options_from(const core::Config& cfg) {
  BayesOptions o = table().read(cfg);
  if (o.autolearn.enabled && o.autolearn.ham_threshold >= o.autolearn.spam_threshold) {
    return fail(ErrorCode::kInvalidInput,
                "classifier.bayes.autolearn: ham_threshold must be below spam_threshold");
  }
  return o;
}

}  // namespace mw::classify
