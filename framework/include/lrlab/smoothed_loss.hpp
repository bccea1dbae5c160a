#pragma once
// The smoothed training loss of the learning-rate range test, and its divergence rule: fastai's
// (fastai.learner.AvgSmoothLoss and fastai.callback.schedule.LRFinder), written once so that the
// policy that stops a trial (divergence_stop) and `lrlab find-lr`, which stores the curve and
// suggests rates from it, see the same numbers bit for bit:
//
//   avg_t      = beta * avg_{t-1} + (1 - beta) * loss_t          avg_{-1} = 0
//   smoothed_t = avg_t / (1 - beta^(t+1))                        (bias correction, as Adam's)
//   diverged   : smoothed_t > diverge * min(smoothed_0 .. smoothed_t)
//
// The raw loss of one minibatch is noisy; the moving average follows its trend, and the bias
// correction removes the pull towards the zero it starts from (smoothed_0 is loss_0 itself).
// fastai's defaults: beta 0.98, diverge 4.
//
//   DivergenceWatch watch(0.98, 4.0);
//   const DivergenceWatch::Reading r = watch.add(loss);  // after each step, in step order
//   if (r.diverged) ...;                                 // r.smoothed, r.minimum, r.minimum_at
//
// The rule needs a positive loss (cross-entropy, squared error): while the smallest smoothed loss
// is zero or negative nothing counts as diverged (fastai's test would fire at once). A NaN loss
// makes every later smoothed value NaN, which never compares as diverged: the core already ends a
// trial whose loss is not finite (status diverged).
#include <cmath>
#include <cstdint>
#include <limits>

#include "state.hpp"

namespace lrlab {

class SmoothedLoss {
 public:
  explicit SmoothedLoss(double beta = 0.98) : beta_(beta) {}

  // Adds the loss of the next step; returns the smoothed loss through it.
  double add(double loss) {
    avg_ = beta_ * avg_ + (1.0 - beta_) * loss;
    ++count_;
    return value();
  }
  // The smoothed loss through the last step added (NaN before the first).
  double value() const {
    if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
    return avg_ / (1.0 - std::pow(beta_, static_cast<double>(count_)));
  }
  std::int64_t count() const { return count_; }
  double beta() const { return beta_; }

  void persist(StateArchive& a) { a(avg_, count_); }

 private:
  double beta_;
  double avg_ = 0.0;
  std::int64_t count_ = 0;
};

class DivergenceWatch {
 public:
  DivergenceWatch(double beta = 0.98, double diverge = 4.0) : smooth_(beta), diverge_(diverge) {}

  struct Reading {
    double smoothed;          // the smoothed loss through this step
    double minimum;           // the smallest smoothed loss so far, this step included
    std::int64_t minimum_at;  // the step (0-based, in the order losses were added) where it was
    bool diverged;            // smoothed > diverge * minimum, with minimum > 0
  };

  Reading add(double loss) {
    const std::int64_t step = smooth_.count();
    const double s = smooth_.add(loss);
    if (s < minimum_) {  // fastai updates its best loss before the test
      minimum_ = s;
      minimum_at_ = step;
    }
    return Reading{s, minimum_, minimum_at_, minimum_ > 0.0 && s > diverge_ * minimum_};
  }

  double diverge() const { return diverge_; }

  void persist(StateArchive& a) { a(smooth_, minimum_, minimum_at_); }

 private:
  SmoothedLoss smooth_;
  double diverge_;
  double minimum_ = std::numeric_limits<double>::infinity();
  std::int64_t minimum_at_ = -1;
};

}  // namespace lrlab
