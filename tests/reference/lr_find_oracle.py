#!/usr/bin/env python3
"""An independent implementation of what `lrlab find-lr` computes from a range test's curve, for
tests/analysis/lr_find_test.cpp to compare with: fastai's smoothed loss, the points lr_find hands to
its suggestion functions, and the functions themselves, transcribed from fastai's source
(fastai/learner.py AvgSmoothLoss, fastai/callback/schedule.py lr_find, valley, steep, minimum) into
plain Python lists (no numpy or torch):

    smoothed_t = avg_t / (1 - beta^(t+1)),  avg_t = beta * avg_{t-1} + (1 - beta) * loss_t
    lrs, losses = lrs[num_it//10:-5], smoothed[num_it//10:-5], cut at the first NaN

Reads {"curves": [{"lrs": [...], "losses": [... null for NaN], "num_it": N, "beta": b}, ...]} on
stdin; writes one JSON object per curve, one per line, with "smoothed" and, for each rule that can
answer, its index into the whole curve and its rate: {"valley": [index, rate], "steepest": ...,
"minimum/10": ...}.
"""
import json
import math
import sys


def smooth(losses, beta):
    avg, out = 0.0, []
    for count, loss in enumerate(losses, start=1):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** count))
    return out


def valley(lrs, losses):
    # fastai's valley, as written there (the inner-loop update of max_end/max_start included).
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return idx % n, float(lrs[idx])  # lrs[-1] in Python is the last point


def steep(lrs, losses):
    grads = [(losses[i + 1] - losses[i]) / (math.log(lrs[i + 1]) - math.log(lrs[i])) for i in range(len(lrs) - 1)]
    i = min(range(len(grads)), key=lambda k: grads[k])  # argmin: the first smallest
    return i, lrs[i]


def minimum(lrs, losses):
    i = min(range(len(losses)), key=lambda k: losses[k])
    return i, lrs[i] / 10


def main():
    data = json.load(sys.stdin)
    for c in data["curves"]:
        lrs = c["lrs"]
        losses = [float("nan") if v is None else v for v in c["losses"]]
        smoothed = smooth(losses, c["beta"])
        begin = c["num_it"] // 10
        window = list(range(len(lrs)))[begin:-5]
        for k, i in enumerate(window):
            if math.isnan(smoothed[i]):
                window = window[:k]
                break
        w_lrs = [lrs[i] for i in window]
        w_losses = [smoothed[i] for i in window]
        out = {"smoothed": [None if math.isnan(v) else v for v in smoothed]}
        for name, rule, least in (("valley", valley, 1), ("steepest", steep, 2), ("minimum/10", minimum, 1)):
            if len(window) >= least:
                idx, rate = rule(w_lrs, w_losses)
                out[name] = [window[idx], rate]
        print(json.dumps(out))


if __name__ == "__main__":
    main()
