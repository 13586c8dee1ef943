#!/usr/bin/env python3
"""Where the time goes, op by op: repro against PyTorch eager on the same YOLOv3 (issue 12).

Reads the chrome traces that
  repro bench --profile-ops DIR                              (DIR/repro-forward.json, DIR/repro-train-step.json)
  python3 benchmarks/pytorch_yolov3.py --profile DIR         (DIR/pytorch-forward.json, DIR/pytorch-train-step.json)
write, both from libtorch's legacy autograd profiler, and prints per workload a table of ops: calls and self
milliseconds per iteration on each side and their difference, largest absolute difference first, then the totals
and the ops only one side runs.

Both sides must record the same number of iterations (10 unless --profile-iterations/--iterations say otherwise).
The training steps differ by design: repro's uses the YOLOv3 loss, PyTorch's the sum of the outputs' means, so the
loss's ops show up on repro's side only. Standard library only; not part of the product, never run by Test.
"""
import argparse
import collections
import json
import pathlib
import sys

WORKLOADS = ["forward", "train-step"]


def self_times(events):
    """Per op name: (calls, self µs). The traces carry inclusive durations only, so an op's self time is its duration
    less that of the ops nested directly in it: complete events on one thread nest by time, and a stack walk in start
    order (the longer first on equal starts, so a parent precedes its child) finds each event's parent."""
    calls, self_us = collections.Counter(), collections.Counter()
    threads = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            threads[(e.get("pid"), e.get("tid"))].append(e)
    for thread in threads.values():
        # A stable sort keeps the file's order on full ties; PyTorch writes parents first.
        thread.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name] of the open ancestors
        for e in thread:
            start, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= start:
                stack.pop()
            if stack:
                # min(): PyTorch rounds to whole µs, so a child can seem to outlast its parent by a fraction.
                self_us[stack[-1][1]] -= min(dur, stack[-1][0] - start)
            calls[e["name"]] += 1
            self_us[e["name"]] += dur
            stack.append([start + dur, e["name"]])
    return calls, self_us


def span_us(events):
    """From the first op's start to the last op's end: the recorded iterations' wall time, ops and all between them."""
    complete = [e for e in events if e.get("ph") == "X"]
    if not complete:
        return 0.0
    return max(float(e["ts"]) + float(e["dur"]) for e in complete) - min(float(e["ts"]) for e in complete)


def load(path):
    events = json.loads(path.read_text())
    calls, self_us = self_times(events)
    return {"calls": calls, "self_us": self_us, "span_us": span_us(events), "events": len(events)}


def compare(workload, ours, theirs, iterations, top):
    per_it = 1.0 / iterations
    names = set(ours["calls"]) | set(theirs["calls"])

    def row(name):
        rc, rt = ours["calls"][name] * per_it, ours["self_us"][name] * per_it / 1e3
        pc, pt = theirs["calls"][name] * per_it, theirs["self_us"][name] * per_it / 1e3
        return name, rc, rt, pc, pt, rt - pt

    rows = sorted((row(n) for n in names), key=lambda r: -abs(r[5]))
    width = max([len(r[0]) for r in rows[:top]] + [24])
    header = f"{'op':<{width}} {'repro calls':>11} {'repro ms':>9} {'torch calls':>11} {'torch ms':>9} {'diff ms':>9}"
    print(f"\n== {workload}: per iteration ({iterations} recorded), self time, largest |repro - PyTorch| first ==")
    print(header)
    print("-" * len(header))
    for name, rc, rt, pc, pt, diff in rows[:top]:
        print(f"{name:<{width}} {rc:>11.1f} {rt:>9.3f} {pc:>11.1f} {pt:>9.3f} {diff:>+9.3f}")
    rest = rows[top:]
    if rest:
        rt, pt = sum(r[2] for r in rest), sum(r[4] for r in rest)
        print(f"{f'({len(rest)} more ops)':<{width}} {'':>11} {rt:>9.3f} {'':>11} {pt:>9.3f} {rt - pt:>+9.3f}")
    print("-" * len(header))

    def totals(side):
        ops = sum(side["self_us"].values()) * per_it / 1e3
        span = side["span_us"] * per_it / 1e3
        return sum(side["calls"].values()) * per_it, ops, span

    (rc, rops, rspan), (pc, pops, pspan) = totals(ours), totals(theirs)
    print(f"{'all ops (self time)':<{width}} {rc:>11.1f} {rops:>9.3f} {pc:>11.1f} {pops:>9.3f} {rops - pops:>+9.3f}")
    # Between ops: the host language's own work (managed code and the binding; the interpreter) plus the profiler's.
    print(f"{'between ops':<{width}} {'':>11} {rspan - rops:>9.3f} {'':>11} {pspan - pops:>9.3f} {(rspan - rops) - (pspan - pops):>+9.3f}")
    print(f"{'recorded span':<{width}} {'':>11} {rspan:>9.3f} {'':>11} {pspan:>9.3f} {rspan - pspan:>+9.3f}")

    for label, side, other in (("repro only", ours, theirs), ("PyTorch only", theirs, ours)):
        only = sorted((n for n in side["calls"] if n not in other["calls"]), key=lambda n: -side["self_us"][n])
        print(f"\n{label} ({len(only)} ops): " + ("none" if not only else ""))
        for n in only:
            print(f"  {n:<{width}} {side['calls'][n] * per_it:>9.1f} calls {side['self_us'][n] * per_it / 1e3:>9.3f} ms")

    conv = "aten::convolution"
    if ours["calls"][conv] != theirs["calls"][conv]:
        print(f"\nwarning: {conv} ran {ours['calls'][conv]} times in repro's trace and {theirs['calls'][conv]} in PyTorch's: "
              "a different model, size or iteration count on one side?")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=pathlib.Path, help="the folder both sides wrote their traces into")
    parser.add_argument("--iterations", type=int, default=10, help="iterations each trace holds (default 10, both sides' default)")
    parser.add_argument("--top", type=int, default=30, help="ops listed per workload; the rest are summed in one row")
    args = parser.parse_args()
    compared = 0
    for workload in WORKLOADS:
        ours, theirs = args.dir / f"repro-{workload}.json", args.dir / f"pytorch-{workload}.json"
        missing = [str(p) for p in (ours, theirs) if not p.is_file()]
        if missing:
            print(f"{workload}: skipped, missing {', '.join(missing)}", file=sys.stderr)
            continue
        compare(workload, load(ours), load(theirs), args.iterations, args.top)
        compared += 1
    return 0 if compared else 1


if __name__ == "__main__":
    sys.exit(main())
