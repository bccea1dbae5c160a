#pragma once
// RunningGradient: the least-squares slope of a sequence y_0, y_1, ... against its index, with its
// standard error, updated one value at a time (recursive least squares). After dlib's
// running_gradient (dlib/statistics/running_gradient.h, D. King, 2016), which its dnn_trainer uses
// to decide that the training loss has stopped decreasing.
//
// Model y_i = w0 * i + w1 + noise. RLS keeps P = (X'X + 1e-6 I)^-1 (starting from 1e6 I, a nearly
// flat prior) and the estimate w; per value, with x = (i, 1):
//   k = 1 + x'Px;  P <- P - (Px)(Px)'/k (symmetrised);  w <- w + P x (y - x'w);  rss += (y - x'w)^2 k
// The slope's standard error is sqrt(rss/(n-2) * 12/(n^3-n)): 12/(n^3-n) = 1/sum_i (i - mean)^2 for
// equally spaced i. P(slope < t) assumes a normal slope estimate. The prior acts as a ridge of 1e-6:
// it adds about 1e-6 |w|^2 to rss, so losses far from zero (say 70) get a visibly larger standard
// error than plain least squares would give; dlib behaves the same way.
#include <cmath>
#include <cstddef>

namespace lrlab::plateau {

class RunningGradient {
 public:
  void add(double y) {
    const double x0 = static_cast<double>(n_), x1 = 1.0;
    const double px0 = p00_ * x0 + p01_ * x1, px1 = p01_ * x0 + p11_ * x1;  // P x (P symmetric)
    const double k = 1.0 + x0 * px0 + x1 * px1;
    p00_ -= px0 * px0 / k;
    p01_ -= px0 * px1 / k;
    p11_ -= px1 * px1 / k;
    const double err = y - (x0 * w0_ + x1 * w1_);
    const double g0 = p00_ * x0 + p01_ * x1, g1 = p01_ * x0 + p11_ * x1;  // updated P times x
    w0_ += g0 * err;
    w1_ += g1 * err;
    const double residual = y - (x0 * w0_ + x1 * w1_);
    rss_ += residual * residual * k;
    ++n_;
  }

  std::size_t size() const { return n_; }
  double slope() const { return w0_; }  // needs size() > 1

  double standard_error() const {  // needs size() > 2
    const double n = static_cast<double>(n_);
    return std::sqrt(rss_ / (n - 2.0) * 12.0 / (n * n * n - n));
  }

  double probability_slope_below(double t) const {  // needs size() > 2
    const double se = standard_error();
    if (se == 0.0) return t > w0_ ? 1.0 : (t < w0_ ? 0.0 : 0.5);
    return 0.5 * std::erfc(-(t - w0_) / se / std::sqrt(2.0));
  }
  double probability_slope_above(double t) const { return 1.0 - probability_slope_below(t); }

 private:
  std::size_t n_ = 0;
  double p00_ = 1e6, p01_ = 0.0, p11_ = 1e6;
  double w0_ = 0.0, w1_ = 0.0;
  double rss_ = 0.0;
};

}  // namespace lrlab::plateau
