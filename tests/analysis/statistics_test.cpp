// The statistics behind `lrlab summary`, against closed forms and published table values.
#include <catch2/catch.hpp>
#include <cmath>

#include "lrlab/statistics.hpp"
#include "wilcoxon_oracle.hpp"

using namespace lrlab::stats;

TEST_CASE("incomplete beta matches its closed forms", "[analysis][statistics]") {
  for (double x : {0.01, 0.2, 0.5, 0.77, 0.99}) {
    CHECK(incomplete_beta(3.5, 1, x) == Approx(std::pow(x, 3.5)).epsilon(1e-12));        // I_x(a,1) = x^a
    CHECK(incomplete_beta(1, 2.5, x) == Approx(1 - std::pow(1 - x, 2.5)).epsilon(1e-12));  // I_x(1,b) = 1-(1-x)^b
  }
  CHECK(incomplete_beta(2, 3, 0) == 0);
  CHECK(incomplete_beta(2, 3, 1) == 1);
}

TEST_CASE("t CDF matches the closed forms for 1, 2 and 3 degrees of freedom", "[analysis][statistics]") {
  const double pi = std::acos(-1.0);
  for (double t : {-7.0, -1.3, 0.0, 0.4, 2.0, 12.0}) {
    CHECK(t_cdf(t, 1) == Approx(0.5 + std::atan(t) / pi).epsilon(1e-12));                // Cauchy
    CHECK(t_cdf(t, 2) == Approx(0.5 + t / (2 * std::sqrt(2 + t * t))).epsilon(1e-12));
    const double u = t / std::sqrt(3.0);
    CHECK(t_cdf(t, 3) == Approx(0.5 + (u / (1 + u * u) + std::atan(u)) / pi).epsilon(1e-12));
  }
}

TEST_CASE("t quantiles match closed forms and published tables", "[analysis][statistics]") {
  const double pi = std::acos(-1.0);
  for (double p : {0.6, 0.9, 0.975, 0.999}) {
    CHECK(t_quantile(p, 1) == Approx(std::tan(pi * (p - 0.5))).epsilon(1e-10));
    CHECK(t_quantile(p, 2) == Approx((2 * p - 1) / std::sqrt(2 * p * (1 - p))).epsilon(1e-10));
  }
  // Two-sided 95% and 99% critical values (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
  CHECK(t_quantile(0.975, 4) == Approx(2.776445105197793).epsilon(1e-10));
  CHECK(t_quantile(0.975, 10) == Approx(2.228138851986274).epsilon(1e-10));
  CHECK(t_quantile(0.975, 30) == Approx(2.042272456301238).epsilon(1e-10));
  CHECK(t_quantile(0.995, 5) == Approx(4.032142983557536).epsilon(1e-10));
  CHECK(t_quantile(0.95, 3) == Approx(2.353363434801823).epsilon(1e-10));
  CHECK(t_quantile(0.975, 1e7) == Approx(1.959963984540054).epsilon(1e-6));  // the normal limit
  CHECK(t_quantile(0.025, 4) == Approx(-2.776445105197793).epsilon(1e-10));
  CHECK(t_quantile(0.5, 7) == 0);
  CHECK(std::isnan(t_quantile(1.0, 3)));
}

TEST_CASE("mean, sd and the 95% interval, by hand", "[analysis][statistics]") {
  const std::vector<double> x{1, 2, 3, 6};
  CHECK(mean(x) == 3);
  CHECK(sd(x) == Approx(std::sqrt(14.0 / 3)));  // squared deviations 4+1+0+9 over n-1 = 3
  const auto ci = mean_ci(x);
  const double half = 3.182446305284263 * std::sqrt(14.0 / 3) / 2;  // t_{0.975,3} · sd / sqrt(4)
  CHECK(ci.low == Approx(3 - half).epsilon(1e-10));
  CHECK(ci.high == Approx(3 + half).epsilon(1e-10));
  CHECK(std::isnan(mean_ci({5}).low));
}

TEST_CASE("paired t-test, by hand", "[analysis][statistics]") {
  // d = 1,2,3,4: mean 2.5, sd sqrt(5/3), t = 2.5 / (sd / 2); df 3.
  const auto r = paired_t_test({1, 2, 3, 4});
  const double t = 2.5 / (std::sqrt(5.0 / 3) / 2);
  CHECK(r.statistic == Approx(t));
  const double pi = std::acos(-1.0), u = t / std::sqrt(3.0);
  CHECK(r.p == Approx(2 * (0.5 - (u / (1 + u * u) + std::atan(u)) / pi)).epsilon(1e-10));
  // No spread: no t-test (NaN, with a note), never p = 0 or 1.
  CHECK(std::isnan(paired_t_test({3, 3, 3}).p));
  CHECK(std::isnan(paired_t_test({0, 0, 0}).p));
  CHECK(std::isnan(paired_t_test({2}).p));
  CHECK(paired_t_test({2}).note == "1 pair: no t-test");
}

TEST_CASE("paired effect: mean difference, its 95% interval and d_z, by hand", "[analysis][statistics]") {
  // d = 1, 2, 3, 6: mean 3, sd sqrt(14/3); d_z = 3 / sd; interval 3 ± t_{0.975,3} · sd / 2.
  const auto e = paired_effect({1, 2, 3, 6});
  const double sd = std::sqrt(14.0 / 3);
  CHECK(e.mean == 3);
  CHECK(e.d_z == Approx(3 / sd).epsilon(1e-12));
  CHECK(e.ci95.low == Approx(3 - 3.182446305284263 * sd / 2).epsilon(1e-10));
  CHECK(e.ci95.high == Approx(3 + 3.182446305284263 * sd / 2).epsilon(1e-10));
  CHECK(std::isnan(paired_effect({0.5}).d_z));
  CHECK(std::isnan(paired_effect({0.5}).ci95.low));
}

TEST_CASE("Wilcoxon signed-rank test: exact p-values by enumeration", "[analysis][statistics]") {
  // All 5 positive: W+ = 15, P(W+ >= 15) = 1/32, two-sided 2/32.
  auto r = wilcoxon_signed_rank({1, 2, 3, 4, 5});
  CHECK(r.statistic == 15);
  CHECK(r.exact);
  CHECK(r.p == Approx(2.0 / 32));
  // Rank 2 negative: W+ = 13; W+ >= 13 when the negative ranks sum to <= 2: {}, {1}, {2}: 3/32.
  r = wilcoxon_signed_rank({1, -2, 3, 4, 5});
  CHECK(r.statistic == 13);
  CHECK(r.p == Approx(6.0 / 32));
  // Ties and a zero: 0 dropped; |0.5| twice shares rank 1.5; W+ = 1.5 + 3 = 4.5. Sign patterns give
  // W+ in {0, 1.5, 1.5, 3, 3, 4.5, 4.5, 6}: P(W+ >= 4.5) = 3/8, two-sided 6/8.
  r = wilcoxon_signed_rank({0.5, -0.5, 0, 1});
  CHECK(r.n == 3);
  CHECK(r.statistic == 4.5);
  CHECK(r.p == Approx(0.75));
  // Three repeats can never reach p < 0.25.
  CHECK(wilcoxon_signed_rank({0.1, 0.2, 0.3}).p == Approx(0.25));
  CHECK(std::isnan(wilcoxon_signed_rank({0, 0}).p));  // nothing left once the zeros are dropped
  // Above 50 pairs, the normal approximation: 60 positive differences give a tiny p.
  std::vector<double> many;
  for (int i = 1; i <= 60; ++i) many.push_back(i);
  r = wilcoxon_signed_rank(many);
  CHECK_FALSE(r.exact);
  CHECK(r.p < 1e-9);
}

TEST_CASE("Wilcoxon signed-rank test, one-sided: P(W+ >= w) by hand and by enumeration", "[analysis][statistics]") {
  // All 5 positive: W+ = 15, only the all-positive pattern reaches it: 1/32.
  CHECK(wilcoxon_signed_rank({1, 2, 3, 4, 5}, Alternative::greater).p == Approx(1.0 / 32));
  // Rank 2 negative: W+ = 13, reached when the negative ranks sum to <= 2 ({}, {1}, {2}): 3/32.
  CHECK(wilcoxon_signed_rank({1, -2, 3, 4, 5}, Alternative::greater).p == Approx(3.0 / 32));
  // All negative: W+ = 0, every pattern reaches it: p = 1.
  CHECK(wilcoxon_signed_rank({-1, -2, -3}, Alternative::greater).p == Approx(1.0));
  // A diverged repeat (an infinite difference) takes the largest rank.
  CHECK(wilcoxon_signed_rank({0.1, 0.2, 0.3, 0.4, INFINITY}, Alternative::greater).p == Approx(1.0 / 32));
  for (const std::vector<double>& d : std::vector<std::vector<double>>{{0.3, -0.1, 0.2, 0.5, -0.4, 0.6},
                                                                       {1, 1, -1, 2, 0, 3, -2},
                                                                       {-0.2, 0.7, 0.7, 0.1, 0.9}})
    CHECK(wilcoxon_signed_rank(d, Alternative::greater).p == Approx(lrlab::test::wilcoxon_by_enumeration(d, true)));
  // Above 50 pairs, the normal approximation: 60 positive differences give a tiny p, 60 negative ~1.
  std::vector<double> up, down;
  for (int i = 1; i <= 60; ++i) up.push_back(i), down.push_back(-i);
  CHECK(wilcoxon_signed_rank(up, Alternative::greater).p < 1e-9);
  CHECK(wilcoxon_signed_rank(down, Alternative::greater).p > 0.999);
}
