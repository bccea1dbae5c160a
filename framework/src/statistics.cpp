#include "lrlab/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace lrlab::stats {
namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Continued fraction for I_x(a, b), evaluated with the modified Lentz method (Numerical Recipes,
// 3rd ed., §6.4, betacf). Converges quickly for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-16;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < eps) break;
  }
  return h;
}
bool all_zero(const std::vector<double>& d) {
  return std::all_of(d.begin(), d.end(), [](double v) { return v == 0; });
}

// Differences that are equal but for rounding count as equal: values on a lattice (an accuracy
// k/113) give differences like 99/113 - 100/113 and 100/113 - 101/113, which are one difference
// and may differ in their last bit. Their sd is then ~1e-17, t enormous and p "0": nonsense. An sd
// below 1e-12 of the largest difference is rounding, never a measurement.
bool zero_variance(const std::vector<double>& d) {
  double largest = 0;
  for (double v : d) largest = std::max(largest, std::fabs(v));
  return sd(d) <= 1e-12 * largest;
}

}  // namespace

double mean(const std::vector<double>& x) {
  if (x.empty()) return nan;
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double sd(const std::vector<double>& x) {
  if (x.size() < 2) return nan;
  const double m = mean(x);
  double ss = 0;  // two-pass: sum of squared deviations, no cancellation
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // Prefactor x^a (1-x)^b / (a B(a, b)), in logs; then the fraction on the side where it converges,
  // using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double t_cdf(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return nan;
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2) (Abramowitz & Stegun 26.7.1 with 26.5.27).
  const double tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t > 0 ? 1 - tail : tail;
}

double t_quantile(double p, double df) {
  if (!(p > 0 && p < 1) || !(df > 0)) return nan;
  if (p == 0.5) return 0;
  if (p < 0.5) return -t_quantile(1 - p, df);
  // Bisection on the monotone CDF: slow-ish (about 100 halvings) but it cannot fail to converge,
  // and summary calls it once per configuration.
  double lo = 0, hi = 1;
  while (t_cdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Interval mean_ci(const std::vector<double>& x, double level) {
  if (x.size() < 2) return {nan, nan};
  const double n = static_cast<double>(x.size());
  const double half = t_quantile(0.5 + level / 2, n - 1) * sd(x) / std::sqrt(n);
  const double m = mean(x);
  return {m - half, m + half};
}

TestResult paired_t_test(const std::vector<double>& d) {
  TestResult r;
  r.n = d.size();
  r.exact = true;
  r.p = r.statistic = nan;
  if (d.size() < 2) {
    r.note = d.empty() ? "no pairs" : "1 pair: no t-test";
    return r;
  }
  const double m = mean(d), s = sd(d);
  if (all_zero(d)) {
    r.note = "all differences are 0";
    return r;
  }
  if (zero_variance(d)) {
    r.note = "differences have zero variance: no t-test";
    return r;
  }
  r.statistic = m / (s / std::sqrt(static_cast<double>(d.size())));
  r.p = 2 * t_cdf(-std::fabs(r.statistic), static_cast<double>(d.size() - 1));
  return r;
}

PairedEffect paired_effect(const std::vector<double>& d) {
  return {mean(d), mean_ci(d), d.size() < 2 || zero_variance(d) ? nan : mean(d) / sd(d)};
}

TestResult wilcoxon_signed_rank(const std::vector<double>& d, Alternative alternative) {
  std::vector<double> nz;
  for (double v : d)
    if (v != 0 && !std::isnan(v)) nz.push_back(v);
  TestResult r;
  r.n = nz.size();
  if (nz.empty()) {
    // Wilcoxon's method drops zero differences: with all of them 0 nothing is left to test.
    r.p = r.statistic = nan;
    r.exact = true;
    r.note = d.empty() ? "no pairs" : "all differences are 0";
    return r;
  }
  const std::size_t n = nz.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto i, auto j) { return std::fabs(nz[i]) < std::fabs(nz[j]); });
  // Doubled ranks: an average of tied ranks is a whole or half number, so 2·rank is an integer.
  std::vector<long> rank2(n);
  double tie_term = 0;  // Σ (t³ - t) over groups of ties, for the normal approximation's variance
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && std::fabs(nz[order[j + 1]]) == std::fabs(nz[order[i]])) ++j;
    const long sum_of_ranks2 = static_cast<long>(i + 1 + j + 1);  // 2 · average of ranks i+1..j+1
    for (std::size_t k = i; k <= j; ++k) rank2[order[k]] = sum_of_ranks2;
    const double t = static_cast<double>(j - i + 1);
    tie_term += t * t * t - t;
    i = j + 1;
  }
  long w2 = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (nz[i] > 0) w2 += rank2[i];
  r.statistic = w2 / 2.0;
  const double nn = static_cast<double>(n);
  if (n <= 50) {
    // Under H0 each rank's sign is + or - with probability 1/2, independently: the distribution of
    // 2·W+ is the convolution over ranks of {0, rank2}. counts[s] = P(2·W+ = s).
    const long total = std::accumulate(rank2.begin(), rank2.end(), 0L);
    std::vector<double> prob(static_cast<std::size_t>(total) + 1, 0.0);
    prob[0] = 1;
    long reach = 0;
    for (long rk : rank2) {
      for (long s = reach; s >= 0; --s) {
        prob[static_cast<std::size_t>(s + rk)] += 0.5 * prob[static_cast<std::size_t>(s)];
        prob[static_cast<std::size_t>(s)] *= 0.5;
      }
      reach += rk;
    }
    double lower = 0, upper = 0;
    for (long s = 0; s <= total; ++s) {
      if (s <= w2) lower += prob[static_cast<std::size_t>(s)];
      if (s >= w2) upper += prob[static_cast<std::size_t>(s)];
    }
    r.p = alternative == Alternative::greater ? std::min(1.0, upper) : std::min(1.0, 2 * std::min(lower, upper));
    r.exact = true;
    return r;
  }
  const double mu = nn * (nn + 1) / 4;
  const double var = nn * (nn + 1) * (2 * nn + 1) / 24 - tie_term / 48;
  if (alternative == Alternative::greater) {
    const double z = (r.statistic - mu - 0.5) / std::sqrt(var);  // with continuity correction
    r.p = std::min(1.0, 0.5 * std::erfc(z / std::sqrt(2.0)));
    return r;
  }
  const double z = (std::fabs(r.statistic - mu) - 0.5) / std::sqrt(var);  // with continuity correction
  r.p = std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
  return r;
}

}  // namespace lrlab::stats
