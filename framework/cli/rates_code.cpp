#include "rates_code.hpp"

#include <bit>

#include "lrlab/analysis/table.hpp"
#include "lrlab/build_info.hpp"
#include "lrlab/json.hpp"
#include "output.hpp"

namespace lrlab::cli {

std::string py_float(double v) { return Json(v).dump(); }

Runs rate_runs(const std::vector<double>& lr) {
  Runs r;
  for (std::size_t t = 0; t < lr.size(); ++t)
    if (t == 0 || std::bit_cast<std::uint64_t>(lr[t]) != std::bit_cast<std::uint64_t>(lr[t - 1])) r.starts.push_back(static_cast<std::int64_t>(t)), r.rates.push_back(lr[t]);
  return r;
}

namespace {


// `NAME = [a, b, ...]`, wrapped at about 100 columns.
template <class T, class F>
void py_list(std::ostream& out, const std::string& name, const std::vector<T>& items, F text) {
  out << name << " = [";
  std::size_t column = 100;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = text(items[i]) + ",";
    if (column + item.size() + 1 > 100) out << "\n   ", column = 3;
    out << " " << item;
    column += item.size() + 1;
  }
  out << "\n]\n";
}

void header(std::ostream& out, const RateTable& r, const Runs& runs) {
  out << "# Learning rates exported by `lrlab export-schedule` (lrlab " << build_info::version << ", " << build_info::git_commit
      << ").\n";
  for (const std::string& line : r.about) out << "# " << line << "\n";
  out << "#\n"
         "# The rates are a table, not a formula: RATES[i] is the rate of every update from step\n"
         "# BOUNDARIES[i] (counted from 0) to the next boundary, each written as the shortest text that\n"
         "# reads back as the double lrlab used (Python's repr); a step past the table keeps its last rate.\n"
         "# A table is exact for any schedule, a plugin's included, and for a trial's policy decisions.\n"
         "# "
      << runs.rates.size() << (runs.rates.size() == 1 ? " run" : " runs") << " of equal rates over " << r.lr.size() << " steps.\n";
}

void table(std::ostream& out, const Runs& runs) {
  py_list(out, "BOUNDARIES", runs.starts, [](std::int64_t s) { return std::to_string(s); });
  py_list(out, "RATES", runs.rates, py_float);
}

void pytorch(std::ostream& out, const RateTable& r) {
  const Runs runs = rate_runs(r.lr);
  header(out, r, runs);
  out << R"(#
# PyTorch: LambdaLR multiplies the optimizer's initial lr by lr_lambda(n), n the number of
# scheduler.step() calls so far. So create the optimizer with lr=BASE_LR and call scheduler.step()
# once per update, after optimizer.step(): update t (from 0) then runs at BASE_LR * lr_lambda(t),
# lrlab's rate of step t (to one rounding of the division and one of the product, ~1e-16 relative):
#   optimizer = torch.optim.Adam(model.parameters(), lr=BASE_LR)
#   scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
#   for ...: loss.backward(); optimizer.step(); optimizer.zero_grad(); scheduler.step()
import bisect

BASE_LR = )" << py_float(r.base_lr)
      << R"(
)";
  table(out, runs);
  out << R"(

def lr_at(step):
    """lrlab's learning rate of update `step` (counted from 0)."""
    return RATES[max(bisect.bisect_right(BOUNDARIES, step) - 1, 0)]


def lr_lambda(step):
    """LambdaLR's factor: the rate of update `step` relative to BASE_LR."""
    return lr_at(step) / BASE_LR
)";
}

void keras(std::ostream& out, const RateTable& r) {
  const Runs runs = rate_runs(r.lr);
  header(out, r, runs);
  out << R"(#
# Keras: pass LrlabSchedule() as the optimizer's learning_rate. Keras calls it with the optimizer's
# `iterations`, the number of updates already applied: update t (from 0) runs at the rate of step t,
# as in lrlab. Written with Keras 3's keras.ops (any backend), or TensorFlow ops under Keras 2. The
# rates are float64; an optimizer whose variables are float32 rounds them to float32.
#   optimizer = keras.optimizers.Adam(learning_rate=LrlabSchedule())
# A saved model names the class: keras.models.load_model(path, custom_objects={"LrlabSchedule": LrlabSchedule}).
try:
    import keras
    ops = keras.ops  # Keras 3
except (ImportError, AttributeError):
    import tensorflow as tf
    keras = tf.keras
    ops = None

)";
  table(out, runs);
  out << R"(

class LrlabSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """lrlab's learning rate of each update: the table above, looked up by binary search."""

    def __init__(self, boundaries=BOUNDARIES, rates=RATES, name="lrlab"):
        super().__init__()
        self.boundaries = [int(b) for b in boundaries]
        self.rates = [float(v) for v in rates]
        self.name = name

    def __call__(self, step):
        if ops is not None:
            boundaries = ops.convert_to_tensor(self.boundaries, dtype="int64")
            rates = ops.convert_to_tensor(self.rates, dtype="float64")
            step = ops.reshape(ops.cast(step, "int64"), (1,))
            i = ops.maximum(ops.searchsorted(boundaries, step, side="right") - 1, 0)
            return ops.reshape(ops.take(rates, i), ())
        boundaries = tf.constant(self.boundaries, dtype=tf.int64)
        rates = tf.constant(self.rates, dtype=tf.float64)
        step = tf.reshape(tf.cast(step, tf.int64), [1])
        i = tf.maximum(tf.searchsorted(boundaries, step, side="right") - 1, 0)
        return tf.reshape(tf.gather(rates, i), [])

    def get_config(self):
        return {"boundaries": list(self.boundaries), "rates": list(self.rates), "name": self.name}
)";
}

void optax(std::ostream& out, const RateTable& r) {
  const Runs runs = rate_runs(r.lr);
  header(out, r, runs);
  out << R"(#
# Optax: `schedule` is a schedule (optax.adam(learning_rate=schedule)); optax calls it with `count`,
# the number of updates already applied, so update t (from 0) runs at the rate of step t, as in
# lrlab. jnp ops only, so it works under jax.jit. JAX computes in float32 unless x64 is on
# (jax.config.update("jax_enable_x64", True)): then the rates are exact, else float32 roundings.
#   optimizer = optax.adam(learning_rate=schedule)
import jax.numpy as jnp

)";
  table(out, runs);
  out << R"(

def schedule(count):
    """lrlab's learning rate of update `count` (counted from 0)."""
    i = jnp.searchsorted(jnp.asarray(BOUNDARIES), count, side="right") - 1
    return jnp.asarray(RATES)[jnp.clip(i, 0, len(RATES) - 1)]
)";
}

// Every step, `step,lr`, numbers as preview's csv prints them.
void csv(std::ostream& out, const RateTable& r) {
  Table t{{"step", "lr"}, {}};
  t.rows.reserve(r.lr.size());
  for (std::size_t i = 0; i < r.lr.size(); ++i) t.rows.push_back({static_cast<std::int64_t>(i), r.lr[i]});
  print(out, t, Format::csv);
}

}  // namespace

void write_rates_as(std::ostream& out, const RateTable& r, const std::string& format) {
  if (format == "pytorch") pytorch(out, r);
  else if (format == "keras") keras(out, r);
  else if (format == "optax") optax(out, r);
  else csv(out, r);
}

}  // namespace lrlab::cli
