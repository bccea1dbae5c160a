#!/usr/bin/env python3
"""lrlab's Keras-family schedules against a transcription of Keras 3's code.

The classes below follow keras/src/optimizers/schedules/learning_rate_schedule.py (Keras 3)
operation by operation, in float64 (Keras itself computes in the dtype of initial_learning_rate,
float32 by default, so its own numbers carry ~1e-7 relative rounding). Each parameter set is
previewed with `lrlab preview --format csv` and compared point by point to 1e-9 relative.

Usage: keras_schedules.py PATH/TO/lrlab
Plain Python 3 standard library only.
"""
import math
import sys

from lrlab_preview import Comparison, preview


# --- Keras 3, transcribed -------------------------------------------------------------------

def exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    p = step / decay_steps
    if staircase:
        p = math.floor(p)
    return initial_learning_rate * decay_rate ** p


def inverse_time_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    p = step / decay_steps
    if staircase:
        p = math.floor(p)
    return initial_learning_rate / (1 + decay_rate * p)


def polynomial_decay(step, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False):
    global_step = float(step)
    decay_steps_recomp = float(decay_steps)
    if cycle:
        # "Find the first multiple of decay_steps that is bigger than global_step. If global_step
        # is zero set the multiplier to 1"
        multiplier = 1.0 if global_step == 0 else math.ceil(global_step / decay_steps)
        decay_steps_recomp = decay_steps_recomp * multiplier
    else:
        global_step = min(global_step, decay_steps_recomp)
    p = global_step / decay_steps_recomp
    return (initial_learning_rate - end_learning_rate) * (1 - p) ** power + end_learning_rate


def piecewise_constant(step, boundaries, values):
    result = 0.0
    result += (step <= boundaries[0]) * values[0]
    result += (step > boundaries[-1]) * values[-1]
    for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
        result += ((step > low) and (step <= high)) * value
    return result


def cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    def decay_function(step, decay_steps, decay_from_lr):
        completed_fraction = step / decay_steps
        cosine_decayed = 0.5 * (1.0 + math.cos(math.pi * completed_fraction))
        decayed = (1 - alpha) * cosine_decayed + alpha
        return decay_from_lr * decayed

    def warmup_function(step, warmup_steps, warmup_target, initial_learning_rate):
        completed_fraction = step / warmup_steps
        total_step_delta = warmup_target - initial_learning_rate
        return total_step_delta * completed_fraction + initial_learning_rate

    global_step = float(step)
    if warmup_target is None:
        global_step = min(global_step, float(decay_steps))
        return decay_function(global_step, float(decay_steps), initial_learning_rate)
    global_step = min(global_step, float(decay_steps) + float(warmup_steps))
    if global_step < warmup_steps:
        return warmup_function(global_step, float(warmup_steps), warmup_target, initial_learning_rate)
    return decay_function(global_step - warmup_steps, float(decay_steps), warmup_target)


def cosine_decay_restarts(step, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                          exact_restarts=True):
    completed_fraction = float(step) / first_decay_steps
    if t_mul == 1.0:
        i_restart = math.floor(completed_fraction)
        completed_fraction -= i_restart
    else:
        i_restart = math.floor(math.log(1.0 - completed_fraction * (1.0 - t_mul)) / math.log(t_mul))
        if exact_restarts:
            # lrlab's one documented deviation (see `lrlab describe cosine_decay_restarts`): at an
            # exact restart the quotient of logarithms can round just below the integer; take the
            # period whose start the step has reached.
            def before(k):
                return (1.0 - t_mul ** k) / (1.0 - t_mul)
            while before(i_restart + 1) <= completed_fraction:
                i_restart += 1
            while i_restart > 0 and before(i_restart) > completed_fraction:
                i_restart -= 1
        sum_r = (1.0 - t_mul ** i_restart) / (1.0 - t_mul)
        completed_fraction = (completed_fraction - sum_r) / t_mul ** i_restart
    m_fac = m_mul ** i_restart
    cosine_decayed = 0.5 * m_fac * (1.0 + math.cos(math.pi * completed_fraction))
    decayed = (1 - alpha) * cosine_decayed + alpha
    return initial_learning_rate * decayed


KERAS = {
    "exponential_decay": exponential_decay,
    "inverse_time_decay": inverse_time_decay,
    "polynomial_decay": polynomial_decay,
    "piecewise_constant": piecewise_constant,
    "cosine_decay": cosine_decay,
    "cosine_decay_restarts": cosine_decay_restarts,
}

# --- parameter sets: (lrlab schedule, steps, optimizer rate) -------------------------------
# Keras needs initial_learning_rate; where a set leaves it out, lrlab uses the optimizer's rate
# and so does the reference.
CASES = [
    ({"type": "exponential_decay", "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}, 300, 1e-3),
    ({"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.96, "staircase": True}, 1000, 0.01),
    ({"type": "exponential_decay", "decay_steps": 2.5, "decay_rate": 1.01}, 400, 0.003),
    ({"type": "exponential_decay", "decay_steps": 1, "decay_rate": 0.999, "staircase": True}, 3000, 0.05),
    ({"type": "inverse_time_decay", "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}, 500, 1e-3),
    ({"type": "inverse_time_decay", "decay_steps": 7, "decay_rate": 2.0, "staircase": True}, 500, 0.02),
    ({"type": "inverse_time_decay", "decay_steps": 0.5, "decay_rate": 0.0}, 50, 0.02),
    ({"type": "polynomial_decay", "initial_learning_rate": 0.1, "decay_steps": 100}, 300, 1e-3),
    ({"type": "polynomial_decay", "decay_steps": 100, "end_learning_rate": 0.001, "power": 2.0}, 300, 0.1),
    ({"type": "polynomial_decay", "decay_steps": 100, "end_learning_rate": 0.001, "power": 0.5, "cycle": True}, 450, 0.1),
    ({"type": "polynomial_decay", "decay_steps": 7, "end_learning_rate": 0.0, "power": 3.0, "cycle": True}, 100, 0.1),
    ({"type": "polynomial_decay", "decay_steps": 1, "end_learning_rate": 0.01, "cycle": True}, 20, 0.1),
    ({"type": "polynomial_decay", "decay_steps": 50, "end_learning_rate": 0.2, "power": 1.5}, 120, 0.1),
    ({"type": "polynomial_decay", "decay_steps": 10, "end_learning_rate": 0.01, "power": 0.0}, 30, 0.1),
    ({"type": "piecewise_constant", "boundaries": [100, 200], "values": [0.1, 0.01, 0.001]}, 300, 1e-3),
    ({"type": "piecewise_constant", "boundaries": [0], "values": [0.5, 0.25]}, 10, 1e-3),
    ({"type": "piecewise_constant", "boundaries": [1, 2, 3, 5, 8, 13], "values": [1, 2, 3, 4, 5, 6, 7]}, 20, 1e-3),
    ({"type": "cosine_decay", "initial_learning_rate": 0.1, "decay_steps": 1000}, 1500, 1e-3),
    ({"type": "cosine_decay", "decay_steps": 100, "alpha": 0.1}, 300, 0.01),
    ({"type": "cosine_decay", "decay_steps": 100, "alpha": 1.0}, 150, 0.01),
    ({"type": "cosine_decay", "decay_steps": 1, "alpha": 0.5}, 5, 0.01),
    ({"type": "cosine_decay", "initial_learning_rate": 0.0, "decay_steps": 200, "warmup_target": 0.1,
      "warmup_steps": 50}, 400, 1e-3),
    ({"type": "cosine_decay", "decay_steps": 200, "alpha": 0.05, "warmup_target": 0.02, "warmup_steps": 13}, 300, 0.001),
    ({"type": "cosine_decay", "decay_steps": 100, "warmup_target": 0.05, "warmup_steps": 0}, 150, 0.01),
    ({"type": "cosine_decay", "decay_steps": 100, "alpha": 0.2, "warmup_steps": 40}, 150, 0.01),
    ({"type": "cosine_decay", "decay_steps": 100, "warmup_target": 0.001, "warmup_steps": 30}, 150, 0.01),
    ({"type": "cosine_decay_restarts", "initial_learning_rate": 0.1, "first_decay_steps": 10}, 400, 1e-3),
    ({"type": "cosine_decay_restarts", "first_decay_steps": 20, "t_mul": 1.0, "m_mul": 0.8, "alpha": 0.1}, 300, 0.01),
    ({"type": "cosine_decay_restarts", "first_decay_steps": 1, "t_mul": 3.0, "m_mul": 0.9}, 1200, 0.01),
    ({"type": "cosine_decay_restarts", "first_decay_steps": 4, "t_mul": 1.5, "m_mul": 0.5, "alpha": 0.01}, 800, 0.01),
    ({"type": "cosine_decay_restarts", "first_decay_steps": 7.5, "t_mul": 2.0, "m_mul": 0.0, "alpha": 0.3}, 200, 0.01),
    ({"type": "cosine_decay_restarts", "first_decay_steps": 100, "t_mul": 2.0, "m_mul": 1.0, "alpha": 1.0}, 400, 0.01),
]


def reference(spec, base_lr, step, exact_restarts=True):
    kwargs = {k: v for k, v in spec.items() if k not in ("type", "unit")}
    if spec["type"] != "piecewise_constant":
        kwargs.setdefault("initial_learning_rate", base_lr)
    if spec["type"] == "cosine_decay_restarts":
        kwargs["exact_restarts"] = exact_restarts
    return KERAS[spec["type"]](step, **kwargs)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    lrlab = sys.argv[1]
    cmp = Comparison()
    keras_rounding = 0
    for spec, steps, base_lr in CASES:
        rows = preview(lrlab, spec, steps, base_lr)
        got = [r["lr"] for r in rows]
        want = [reference(spec, base_lr, t) for t in range(steps)]
        cmp.compare(f"{spec}", got, want, max(abs(v) for v in want) or 1.0)
        if spec["type"] == "cosine_decay_restarts":
            keras_rounding += sum(reference(spec, base_lr, t, exact_restarts=False) != w for t, w in enumerate(want))
    rc = cmp.report("Keras 3 schedules")
    print(f"  ({keras_rounding} restart steps where Keras's floor(log/log) rounds into the previous period: "
          "lrlab and this reference take the restart, as documented)")
    return rc


if __name__ == "__main__":
    sys.exit(main())
