#pragma once
// A table of learning rates as code for a Python training loop (`lrlab export-schedule`): a
// LambdaLR factor function (pytorch), a Keras LearningRateSchedule subclass (keras), an Optax
// schedule (optax), or `step,lr` rows (csv).
//
// The code is a table, not a formula: runs of equal rates (the first step of each and its rate, in
// the shortest text that reads back as the double lrlab used, as Python's repr), looked up by binary
// search; steps past the end keep the last rate. Only a table is exact for every schedule, a
// plugin's as well as the built-ins, and for a trial's policy decisions.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace lrlab::cli {

// The rates to export and what they are, for the header comment.
struct RateTable {
  std::vector<double> lr;  // lr[t]: the rate of update t
  double base_lr = 1e-3;   // the optimizer's learning_rate (LambdaLR's factors are relative to it)
  std::vector<std::string> about;
};

// Runs of equal rates (by their bits): the first step of each, and its rate.
struct Runs {
  std::vector<std::int64_t> starts;
  std::vector<double> rates;
};
Runs rate_runs(const std::vector<double>& lr);

// A Python float literal that reads back as `v` exactly: the shortest such text, as Python's repr
// writes it ("1.0" keeps its point, so a list of them is floats).
std::string py_float(double v);

// `format`: pytorch, keras, optax or csv (the caller checked it).
void write_rates_as(std::ostream& out, const RateTable& r, const std::string& format);

}  // namespace lrlab::cli
