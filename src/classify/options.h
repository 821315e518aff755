// The `[classifier.bayes]` configuration (declared once: configtest, configdump and the
// docs come from these declarations).
//
//   [classifier.bayes]
//   enabled          true     classify every message (symbols BAYES_SPAM / BAYES_HAM)
//   min_learns       200      messages of EACH class to learn before the classifier speaks
//   min_tokens       11       messages with fewer tokens from their text (words and word
//                             pairs) are neither classified nor learned
//   per_user         false    statistics per user: the authenticated user, else Deliver-To,
//                             else the first recipient (global statistics when none)
//   spam_threshold   0.6      BAYES_SPAM from this spam probability (score x 2(P - 0.5))
//   ham_threshold    0.4      BAYES_HAM up to this spam probability (score x 2(0.5 - P))
//   window           5        sparse bigrams: each word with the next window-1 words
//   unigrams         true     single words are tokens too
//   max_words        600      words read per text part (and of the Subject)
//   max_tokens       150      most significant tokens combined (0: all)
//   min_deviation    0.1      tokens with |f - 0.5| below this are ignored
//   learned_ttl      "0"      how long a learned message's digest is remembered (0: always)
//   [classifier.bayes.autolearn]
//   enabled          false    learn from the scan's own verdict
//   spam_threshold   12.0     learn spam from this score (Bayes' own score left out)
//   ham_threshold    -0.5     learn ham up to this score (Bayes' own score left out)
//   check_balance    true     skip a class learned 1/min_balance times more than the other
//   min_balance      0.9
//   [classifier.bayes.expire]
//   interval         "1h"     how often the controller runs an expiry pass (0: never)
//   rare_count       1        tokens seen in at most this many learned messages ...
//   stale_after      "30d"    ... and not learned again for this long are removed
//   batch            10000    tokens examined per step of a pass
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>

#include "classify/combine.h"
#include "classify/tokenizer.h"
#include "core/config.h"
#include "core/result.h"

namespace mw::classify {

struct AutolearnOptions {
  bool enabled = false;
  double spam_threshold = 12.0;
  double ham_threshold = -0.5;
  bool check_balance = true;
  double min_balance = 0.9;
};

struct ExpireOptions {
  double interval = 3600;      // seconds; 0: no expiry pass
  uint32_t rare_count = 1;     // a + b <= this ...
  double stale_after = 30 * 86400.0;  // ... and unchanged for this long
  size_t batch = 10000;
};

struct BayesOptions {
  bool enabled = true;
  uint64_t min_learns = 200;
  size_t min_tokens = 11;
  bool per_user = false;
  double spam_threshold = 0.6;
  double ham_threshold = 0.4;
  double learned_ttl = 0;
  TokenizerOptions tokenizer;
  CombineOptions combine;
  AutolearnOptions autolearn;
  ExpireOptions expire;
};

void declare_options(core::Schema& schema);
// Ranges are checked by the schema; kInvalidInput when autolearn is on with its ham
// threshold not below its spam threshold.
Result<BayesOptions> options_from(const core::Config& cfg);

}  // namespace mw::classify
