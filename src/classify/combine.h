// The Bayes arithmetic: token probabilities and their chi-square (Fisher) combination, as
// Gary Robinson describes them ("A Statistical Approach to the Spam Problem", Linux
// Journal 107, 2003) and SpamBayes and SpamAssassin use them.
//
//   Token probability (Robinson's f(w)): with s and h the spam and ham messages learned that
//   hold the token, Ns and Nh the spam and ham messages learned in all,
//       p(w) = (s/Ns) / (s/Ns + h/Nh),   f(w) = (S*x + n*p(w)) / (S + n),   n = s + h,
//   S the strength of the prior (1) and x the assumed probability of an unknown token (0.5).
//   Tokens never learned are ignored.
//   Combination: of the tokens whose |f - 0.5| >= min_deviation, the `max_tokens` farthest
//   from 0.5 (all when 0), n of them, give
//       S = 1 - Q(-2 sum ln(1 - f), 2n)    (spamminess)
//       H = 1 - Q(-2 sum ln f, 2n)          (hamminess)
//       P = (1 + S - H) / 2                 the probability that the message is spam,
//   Q(x, v) being the chi-square survival function with v degrees of freedom (computed in
//   log space, so thousands of tokens neither underflow nor overflow).
//
// Ownership: plain values. Loop affinity: none. Failure modes: none (no tokens: 0.5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mw::classify {

struct CombineOptions {
  double strength = 1.0;       // S: weight of the prior against the observed counts
  double assumed = 0.5;        // x: probability of a token seen too little
  double min_deviation = 0.1;  // tokens with |f - 0.5| below this carry no evidence
  size_t max_tokens = 150;     // most significant tokens combined (0: all)
};

struct Counts {
  uint32_t spam = 0;
  uint32_t ham = 0;
};

struct Combined {
  double probability = 0.5;  // P: spam probability of the message
  double spamminess = 0;     // S
  double hamminess = 0;      // H
  size_t tokens = 0;         // tokens combined (n)
  size_t known = 0;          // tokens learned at least once
};

// f(w) for one token. REQUIRES: spam + ham > 0.
double token_probability(uint32_t spam, uint32_t ham, uint64_t total_spam, uint64_t total_ham,
                         const CombineOptions& options);

// Q(x2, dof): P(chi-square with `dof` degrees of freedom >= x2). REQUIRES: dof even, > 0.
double chi2_q(double x2, unsigned dof);

// Fisher's combination of token probabilities (each in (0, 1)), as above; no selection.
Combined fisher_combine(const std::vector<double>& probabilities);

// The whole classification of a message from the counts of its tokens.
Combined combine(const std::vector<Counts>& tokens, uint64_t total_spam, uint64_t total_ham,
                 const CombineOptions& options);

}  // namespace mw::classify
