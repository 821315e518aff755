// The Bayes arithmetic (combine.h) on known inputs. Expected values are computed by hand from
// the formulas (and agree with printed chi-square tables: Q(9.488, 4) = 0.05,
// Q(20.483, 10) = 0.025).
#include "classify/combine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mw::classify {
namespace {

TEST(Chi2, KnownValues) {
  EXPECT_NEAR(chi2_q(2 * std::log(100.0), 2), 0.01, 1e-12);  // e^(-x/2) for 2 dof
  EXPECT_NEAR(chi2_q(10, 4), 0.040427681994512805, 1e-12);
  EXPECT_NEAR(chi2_q(20, 10), 0.029252688076961072, 1e-12);
  EXPECT_NEAR(chi2_q(300, 300), 0.4891417702506406, 1e-9);
  EXPECT_NEAR(chi2_q(9.488, 4), 0.05, 1e-4);
  EXPECT_NEAR(chi2_q(20.483, 10), 0.025, 1e-4);
  EXPECT_EQ(chi2_q(0, 10), 1.0);
  EXPECT_EQ(chi2_q(-3, 10), 1.0);
}

TEST(Chi2, ExtremesStayFinite) {
  // Thousands of tokens: plain summation would underflow e^-m and overflow m^i / i!.
  double tiny = chi2_q(1e5, 6000);
  EXPECT_TRUE(std::isfinite(tiny));
  EXPECT_GE(tiny, 0.0);
  EXPECT_LT(tiny, 1e-100);
  double big = chi2_q(100, 6000);  // far below the mean (6000): certainly exceeded
  EXPECT_NEAR(big, 1.0, 1e-12);
  EXPECT_NEAR(chi2_q(6000, 6000), 0.49757211010466784, 1e-9);  // about one half
}

TEST(TokenProbability, Robinson) {
  CombineOptions o;  // s = 1, x = 0.5
  // Only in spam: p = 1, n = 10 -> (0.5 + 10) / 11.
  EXPECT_NEAR(token_probability(10, 0, 100, 100, o), 10.5 / 11, 1e-12);
  // Frequencies, not counts: 1 of 10 spams vs 1 of 100 hams -> p = 0.1 / 0.11, n = 2.
  EXPECT_NEAR(token_probability(1, 1, 10, 100, o), (0.5 + 2 * (0.1 / 0.11)) / 3, 1e-12);
  // Seen once in ham: pulled towards 0.5 by the prior.
  EXPECT_NEAR(token_probability(0, 1, 100, 100, o), 0.25, 1e-12);
  // A stronger prior pulls harder.
  o.strength = 3;
  EXPECT_NEAR(token_probability(0, 1, 100, 100, o), 1.5 / 4, 1e-12);
}

TEST(Fisher, KnownCombinations) {
  Combined one = fisher_combine({0.99});
  EXPECT_NEAR(one.probability, 0.99, 1e-12);
  EXPECT_NEAR(one.spamminess, 0.99, 1e-12);
  EXPECT_NEAR(one.hamminess, 0.01, 1e-12);
  Combined two = fisher_combine({0.9, 0.8});
  EXPECT_NEAR(two.probability, 0.9291412340556515, 1e-12);
  EXPECT_NEAR(two.spamminess, 0.9017595398914371, 1e-12);
  EXPECT_NEAR(two.hamminess, 0.043477071780133936, 1e-12);
  EXPECT_NEAR(fisher_combine({0.99, 0.01}).probability, 0.5, 1e-12);  // conflicting evidence
  EXPECT_NEAR(fisher_combine({0.2, 0.3, 0.25}).probability, 0.13394486947385492, 1e-12);
  EXPECT_EQ(fisher_combine({}).probability, 0.5);
  EXPECT_EQ(fisher_combine({}).tokens, 0u);
}

TEST(Fisher, ManyTokensSaturateWithoutOverflow) {
  std::vector<double> spammy(3000, 0.9), hammy(3000, 0.1);
  EXPECT_GT(fisher_combine(spammy).probability, 0.999999);
  EXPECT_LT(fisher_combine(hammy).probability, 0.000001);
  std::vector<double> certain(50, 1.0);  // clamped away from log(0)
  EXPECT_TRUE(std::isfinite(fisher_combine(certain).probability));
  EXPECT_GT(fisher_combine(certain).probability, 0.999);
}

TEST(Combine, SelectionOfTokens) {
  CombineOptions o;
  o.max_tokens = 2;
  o.min_deviation = 0.1;
  // learns: 100 spam, 100 ham.
  std::vector<Counts> tokens = {
      {0, 0},   // unknown: ignored
      {50, 0},  // f = 50.5/51 = 0.990
      {0, 50},  // f = 0.5/51 = 0.0098
      {6, 5},   // f = (0.5 + 11 * 6/11) / 12 = 0.5417: within 0.1 of 0.5, ignored
      {20, 0},  // f = 20.5/21 = 0.976: third strongest, cut by max_tokens
  };
  Combined c = combine(tokens, 100, 100, o);
  EXPECT_EQ(c.known, 4u);
  EXPECT_EQ(c.tokens, 2u);
  double f1 = 50.5 / 51, f2 = 0.5 / 51;
  EXPECT_NEAR(c.probability, fisher_combine({f1, f2}).probability, 1e-12);
  o.max_tokens = 0;  // all significant ones
  c = combine(tokens, 100, 100, o);
  EXPECT_EQ(c.tokens, 3u);
  EXPECT_NEAR(c.probability, fisher_combine({f1, f2, 20.5 / 21}).probability, 1e-12);
  EXPECT_GT(c.probability, 0.5);
}

TEST(Combine, ImbalancedTotalsUseFrequencies) {
  CombineOptions o;
  o.max_tokens = 0;
  // The token is in 10% of 1000 spams and 10% of 100 hams: no evidence either way.
  Combined c = combine({{100, 10}}, 1000, 100, o);
  EXPECT_EQ(c.tokens, 0u);
  EXPECT_EQ(c.probability, 0.5);
}

}  // namespace
}  // namespace mw::classify
