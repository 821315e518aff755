#include "classify/combine.h"

#include <algorithm>
#include <cmath>

namespace mw::classify {

namespace {

// Keeps token probabilities away from 0 and 1 (log of zero), as any real count allows.
constexpr double kClamp = 1e-9;

double inverse_total(uint64_t total) {
  return 1.0 / static_cast<double>(std::max<uint64_t>(total, 1));
}

// token_probability() with the class totals given as inverses (combine() computes them once).
double probability(uint32_t spam, uint32_t ham, double inv_spam, double inv_ham,
                   const CombineOptions& o) {
  double ps = static_cast<double>(spam) * inv_spam;
  double ph = static_cast<double>(ham) * inv_ham;
  double p = ps + ph > 0 ? ps / (ps + ph) : o.assumed;
  double n = static_cast<double>(spam) + static_cast<double>(ham);
  return (o.strength * o.assumed + n * p) / (o.strength + n);
}

}  // namespace

double token_probability(uint32_t spam, uint32_t ham, uint64_t total_spam, uint64_t total_ham,
                         const CombineOptions& o) {
  return probability(spam, ham, inverse_total(total_spam), inverse_total(total_ham), o);
}

double chi2_q(double x2, unsigned dof) {
  if (!(x2 > 0)) return 1.0;
  // Q = e^-m * sum_{i < dof/2} m^i / i!, summed in log space around its largest term.
  double m = x2 / 2;
  double log_m = std::log(m);
  unsigned k = std::max(dof / 2, 1u);
  double top = std::min(static_cast<double>(k - 1), std::floor(m));
  double best = -m + top * log_m - std::lgamma(top + 1);
  double log_term = -m;
  double sum = std::exp(log_term - best);
  for (unsigned i = 1; i < k; ++i) {
    log_term += log_m - std::log(static_cast<double>(i));
    sum += std::exp(log_term - best);
  }
  double log_q = best + std::log(sum);
  return log_q >= 0 ? 1.0 : std::exp(log_q);
}

Combined fisher_combine(const std::vector<double>& probabilities) {
  Combined out;
  out.tokens = probabilities.size();
  out.known = probabilities.size();
  if (probabilities.empty()) return out;
  double log_f = 0, log_1f = 0;
  for (double f : probabilities) {
    f = std::clamp(f, kClamp, 1 - kClamp);
    log_f += std::log(f);
    log_1f += std::log1p(-f);
  }
  unsigned dof = static_cast<unsigned>(2 * probabilities.size());
  out.spamminess = 1 - chi2_q(-2 * log_1f, dof);
  out.hamminess = 1 - chi2_q(-2 * log_f, dof);
  out.probability = (1 + out.spamminess - out.hamminess) / 2;
  return out;
}

Combined combine(const std::vector<Counts>& tokens, uint64_t total_spam, uint64_t total_ham,
                 const CombineOptions& o) {
  std::vector<double> f;
  f.reserve(tokens.size());
  size_t known = 0;
  const double inv_spam = inverse_total(total_spam);
  const double inv_ham = inverse_total(total_ham);
  for (const Counts& c : tokens) {
    if (c.spam == 0 && c.ham == 0) continue;
    ++known;
    double p = probability(c.spam, c.ham, inv_spam, inv_ham, o);
    if (std::fabs(p - 0.5) >= o.min_deviation) f.push_back(p);
  }
  if (o.max_tokens > 0 && f.size() > o.max_tokens) {
    auto farther = [](double a, double b) { return std::fabs(a - 0.5) > std::fabs(b - 0.5); };
    std::nth_element(f.begin(), f.begin() + static_cast<ptrdiff_t>(o.max_tokens), f.end(),
                     farther);
    f.resize(o.max_tokens);
  }
  Combined out = fisher_combine(f);
  out.known = known;
  return out;
}

}  // namespace mw::classify
