#!/usr/bin/env python3
"""Does watching a sweep slow it down? A sweep's trials/s with `lrlab serve` answering 20 clients
that poll as the page does, against the same sweep with the server idle (docs/serve.md).

Runs bench/specs/serve_sweep.json (48 trials of the digits MLP) PAIRS times in each condition,
alternating (idle, polled, idle, polled, ...) so that a drift of the machine hits both. In the
polled condition, CLIENTS threads each send, every INTERVAL seconds, what one open page sends per
poll while a sweep runs (framework/serve/assets/app.js): the experiment list, the progress, a
page of 200 trials, the curves of the 8 trials it plots, and the summary and the searched
parameters when a trial finished since its last poll; SLOW more connections send half a header and stall (until the server's
5-second timeout drops them, then again). Both conditions run the server; the sweep's own
"trials/s" line is the measure. Prints each pair and the median ratio polled / idle.

    bench/serve_polling.py [--lrlab build/lrlab] [--pairs 3] [--clients 20] [--interval 2] [--slow 5]
                           [--jobs 0] [--workdir /tmp/lrlab-serve-bench]
"""
import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wait_for_trials(db, timeout=60):
    """Until the sweep has written its trials (serve refuses a database that is not one yet)."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
                if c.execute("SELECT count(*) FROM trials").fetchone()[0] > 0:
                    return
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    raise SystemExit(f"the sweep wrote no trials to {db} in {timeout} s")


def start_serve(lrlab, db, workdir):
    err = open(os.path.join(workdir, "serve.err"), "w+")
    p = subprocess.Popen([lrlab, "serve", db, "--port", "0"], stdout=subprocess.DEVNULL, stderr=err)
    for _ in range(400):
        err.seek(0)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", err.read())
        if m:
            return p, int(m.group(1))
        time.sleep(0.025)
    raise SystemExit("serve never said where it listens")


def poller(port, interval, stop, counts):
    """What framework/serve/assets/app.js asks each poll while a sweep runs: the experiments, the
    progress, the trials and the curves of the eight plotted ones; the summary and the parameters
    when the number of finished trials changed."""
    base = f"http://127.0.0.1:{port}"
    finished = None

    def get(path):
        try:
            with urllib.request.urlopen(base + path, timeout=10) as r:
                body = r.read()
            counts["ok"] += 1
            return body
        except Exception:  # a 4xx before the first trial finishes (no summary yet) counts too
            counts["other"] += 1
            return None

    while not stop.is_set():
        t0 = time.time()
        get("/api/experiments")
        progress = get("/api/experiments/1/progress")
        trials = get("/api/experiments/1/trials?offset=0&limit=200")
        if trials:
            rows = json.loads(trials)["trials"]
            started = [t for t in rows if t["status"] == "running"] + [t for t in reversed(rows) if t["status"] not in ("running", "pending")]
            ids = sorted(t["trial_id"] for t in started[:8])
            if ids:
                get("/api/experiments/1/curves?trials=" + ",".join(map(str, ids)))
        now = json.loads(progress)["finished"] if progress else None
        if now != finished:
            get("/api/experiments/1/summary?offset=0&limit=50")
            get("/api/experiments/1/params")
            finished = now
        stop.wait(max(0.0, interval - (time.time() - t0)))


def slow_client(port, stop):
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /api/experiments HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
            s.recv(1024)  # returns when the server drops the connection
            s.close()
        except OSError:
            stop.wait(0.1)


def one_run(a, lrlab, polled, n):
    work = os.path.join(a.workdir, f"run{n}")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    db = os.path.join(work, "s.db")
    spec = os.path.join(ROOT, "bench", "specs", "serve_sweep.json")
    sweep = subprocess.Popen([lrlab, "run", spec, "--db", db, "--jobs", str(a.jobs)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=work)
    wait_for_trials(db)
    serve, port = start_serve(lrlab, db, work)
    stop = threading.Event()
    counts = {"ok": 0, "other": 0}
    threads = []
    if polled:
        threads = [threading.Thread(target=poller, args=(port, a.interval, stop, counts)) for _ in range(a.clients)]
        threads += [threading.Thread(target=slow_client, args=(port, stop)) for _ in range(a.slow)]
        for t in threads:
            t.start()
    out, _ = sweep.communicate()
    stop.set()
    for t in threads:
        t.join()
    serve.terminate()
    serve.wait()
    m = re.search(r"\(([\d.]+) trials/s\)", out)
    if sweep.returncode != 0 or not m:
        raise SystemExit(f"the sweep failed:\n{out}")
    return float(m.group(1)), counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lrlab", default=os.path.join(ROOT, "build", "lrlab"))
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--slow", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--workdir", default="/tmp/lrlab-serve-bench")
    a = ap.parse_args()
    lrlab = os.path.abspath(a.lrlab)
    os.makedirs(a.workdir, exist_ok=True)
    print(f"sweep: bench/specs/serve_sweep.json, --jobs {a.jobs or 'all cores'}; polled: {a.clients} clients "
          f"every {a.interval} s (as the page polls) and {a.slow} stalled connections")
    print("| pair | idle trials/s | polled trials/s | polled / idle | requests answered |")
    print("| --- | --- | --- | --- | --- |")
    ratios = []
    for i in range(a.pairs):
        idle, _ = one_run(a, lrlab, False, 2 * i)
        polled, counts = one_run(a, lrlab, True, 2 * i + 1)
        ratios.append(polled / idle)
        print(f"| {i + 1} | {idle:.2f} | {polled:.2f} | {polled / idle:.3f} | {counts['ok']} ({counts['other']} not 200) |",
              flush=True)
    print(f"median polled / idle: {statistics.median(ratios):.3f} (target: at least 0.90)")


if __name__ == "__main__":
    main()
