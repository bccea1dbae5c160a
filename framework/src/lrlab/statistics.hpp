#pragma once
// Small-sample statistics for comparing configurations over repeats: lrlab summary ranks with them,
// and the paired_wilcoxon pruner (pruner.hpp) decides with them while a sweep runs.
//
// Repeat r of every configuration shares its seed (docs/contracts.md, "Step and seed conventions"), so two
// configurations are compared on paired samples: the paired t-test and the Wilcoxon signed-rank
// test below take the per-repeat differences.
#include <cstddef>
#include <string>
#include <vector>

namespace lrlab::stats {

double mean(const std::vector<double>& x);
// Sample standard deviation (divisor n - 1); NaN for fewer than 2 values.
double sd(const std::vector<double>& x);

// The regularized incomplete beta function I_x(a, b), for a, b > 0 and x in [0, 1].
double incomplete_beta(double a, double b, double x);
// Student's t distribution with `df` > 0 degrees of freedom: P(T <= t).
double t_cdf(double t, double df);
// Its inverse: the t with P(T <= t) = p, for p in (0, 1).
double t_quantile(double p, double df);

// A confidence interval for the mean: mean ± t_{(1+level)/2, n-1} · sd / sqrt(n). NaN bounds for n < 2.
struct Interval {
  double low, high;
};
Interval mean_ci(const std::vector<double>& x, double level = 0.95);

struct TestResult {
  std::size_t n = 0;      // pairs used (the Wilcoxon test drops zero differences)
  double statistic = 0;   // t for the t-test; W+ (sum of ranks of positive differences) for Wilcoxon
  double p = 1;           // two-sided p-value; NaN when the test cannot be computed
  bool exact = false;     // Wilcoxon: exact null distribution rather than the normal approximation
  std::string note;       // why p is NaN, for people: "all differences are 0", ...
};

// Paired t-test on differences d (two-sided, df = n - 1). With every difference equal (sd = 0) the
// t statistic is 0/0 or ±infinity: that is no evidence of anything (a metric on a lattice, two
// identical configurations), so p is NaN with a note, never 0.
TestResult paired_t_test(const std::vector<double>& d);

// The size of a paired difference: its mean with a 95% Student-t interval, and Cohen's d_z = mean of
// the differences / their sd (NaN when the sd is 0 or there are fewer than 2).
struct PairedEffect {
  double mean;
  Interval ci95;
  double d_z;
};
PairedEffect paired_effect(const std::vector<double>& d);

// Which differences a test counts as evidence: either sign (two-sided), or only d > 0 (`greater`:
// the alternative that the differences are positive).
enum class Alternative { two_sided, greater };

// Wilcoxon signed-rank test on differences d: zeros dropped (Wilcoxon's method), ties get average
// ranks. All differences 0 (or none): p is NaN with a note. Exact null distribution of W+ by
// enumeration for n <= 50 (it stays exact with tied ranks, computed on doubled ranks); the normal
// approximation with tie correction above that. An infinite difference (a repeat that diverged)
// takes the largest rank.
TestResult wilcoxon_signed_rank(const std::vector<double>& d, Alternative alternative = Alternative::two_sided);

}  // namespace lrlab::stats
