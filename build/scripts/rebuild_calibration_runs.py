#!/usr/bin/env python3
# Usage: rebuild_calibration_runs.py expected-results/ci/calibration/statistical-summary.csv NEW_RUN/cka-per-layer.csv OUT_DIR
# (the new run's table gives the rows' layout and seeds). Then `repro snapshot calibrate --tables cka-per-layer` over
# OUT_DIR/<run> for the rebuilt runs and the new run's folder (docs/snapshots.md, "A false alarm on another CPU").
# Checked: over the five rebuilt runs alone it reproduces every committed per-layer tolerance (sd within 3e-12).
# Rebuilds, for the per-layer CKA table only, the calibration runs' tables (every run the summary has means for) from what statistical-summary.csv kept of
# them (each row's run means, and the sd of all its values): per-seed values m_r + c*d_i whose run means are exactly
# m_r and whose pooled sum of squares is exactly the recorded one, so Spread() over them and a new real run gives the
# run-means sd and the values sd those runs would have given with the new run.
import csv, math, os, sys
summary, table, out = sys.argv[1], sys.argv[2], sys.argv[3]
stats = {}
with open(summary) as f:
    for r in csv.DictReader(f):
        if r["table"] != "cka-per-layer": continue
        stats[(r["row"], r["column"])] = r
# Every run the summary has a mean of for every per-layer row.
first = next(iter(stats.values()))
runs = [c[len("mean_"):] for c in first if c.startswith("mean_") and all(s[c] not in ("", None) for s in stats.values())]
rows = list(csv.DictReader(open(table)))
cols = list(rows[0].keys())
groups = {}
for i, r in enumerate(rows):
    same = "same" if r["seed_a"] == r["seed_b"] else "across"
    key = f"model_a={r['model_a']}, model_b={r['model_b']}, size={r['size']}, layer={r['layer']}, seeds={same}"
    groups.setdefault(key, []).append(i)
made = {run: [dict(r) for r in rows] for run in runs}
for key, members in groups.items():
    k = len(members)
    d = [j - (k - 1) / 2 for j in range(k)]
    sd2 = sum(x * x for x in d)
    for column in ("cka", "lower", "upper"):
        s = stats[(key, column)]
        assert int(s["values_per_run"]) == k, (key, k, s["values_per_run"])
        means = [float(s[f"mean_{run}"]) for run in runs]
        grand = sum(means) / len(means)
        ss_all = (len(runs) * k - 1) * (float(s["values_sd"]) * math.sqrt(k)) ** 2
        ss_between = k * sum((m - grand) ** 2 for m in means)
        c = math.sqrt(max(ss_all - ss_between, 0.0) / (len(runs) * sd2))
        for run, m in zip(runs, means):
            for j, i in enumerate(members):
                made[run][i][column] = repr(m + c * d[j])
for run in runs:
    os.makedirs(os.path.join(out, run), exist_ok=True)
    with open(os.path.join(out, run, "cka-per-layer.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(made[run])
print(len(groups), "groups")
