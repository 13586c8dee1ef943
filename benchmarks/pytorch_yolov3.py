#!/usr/bin/env python3
"""PyTorch eager on the model `repro bench` times: the yardstick for issue 12's ratios.

Builds YOLOv3 from experiments/models/yolov3.cfg with the overrides repro applies (5 classes, the width multiplier
rounding filters to multiples of 8, the square input size), with PyTorch's own modules, and times:
  forward     eval mode under torch.no_grad() (what evaluation and the layer analysis do);
  train-step  train mode: forward, a trivial loss (the sum of the outputs' means), backward, torch.optim.Adam.
Prints one JSON object per line: width, size, batch, pass, parameters, images_per_second (best of the rounds).
With --profile DIR it times nothing: it records the two workloads op by op with torch.autograd.profiler (the legacy
profiler, the one `repro bench --profile-ops` uses through the shim) at the first config (default 0.25/160) into
DIR/pytorch-forward.json and DIR/pytorch-train-step.json, for benchmarks/compare_op_profiles.py.
Run by `./build.sh --target Bench` when python3-torch is installed; never by Test. Not part of the product.
"""
import argparse
import json
import pathlib
import time

import torch
from torch import nn

CFG = pathlib.Path(__file__).resolve().parent.parent / "experiments" / "models" / "yolov3.cfg"


def parse_cfg(path):
    sections = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            sections.append({"kind": line.strip("[]")})
        else:
            key, value = (part.strip() for part in line.split("=", 1))
            sections[-1][key] = value
    return sections[0], sections[1:]


def scale_filters(filters, multiplier):
    # DarknetCfg.ScaleFilters: nearest multiple of 8, halves away from zero, at least 8.
    scaled = filters * multiplier / 8
    rounded = int(scaled + 0.5) if scaled >= 0 else -int(-scaled + 0.5)
    return max(8, rounded * 8)


class YoloV3(nn.Module):
    def __init__(self, layers, classes, width):
        super().__init__()
        self.specs = layers
        self.modules_ = nn.ModuleList()
        channels, out_channels = 3, []
        for i, spec in enumerate(layers):
            kind = spec["kind"]
            module = nn.Identity()
            if kind == "convolutional":
                output_conv = i + 1 < len(layers) and layers[i + 1]["kind"] == "yolo"
                if output_conv:
                    filters = len(layers[i + 1]["mask"].split(",")) * (5 + classes)
                else:
                    filters = scale_filters(int(spec["filters"]), width)
                size, stride = int(spec["size"]), int(spec.get("stride", 1))
                padding = size // 2 if int(spec.get("pad", 0)) else int(spec.get("padding", 0))
                bn = int(spec.get("batch_normalize", 0)) != 0
                parts = [nn.Conv2d(channels, filters, size, stride, padding, bias=not bn)]
                if bn:
                    parts.append(nn.BatchNorm2d(filters))
                if spec.get("activation") == "leaky":
                    parts.append(nn.LeakyReLU(0.1, inplace=True))
                module = nn.Sequential(*parts)
                channels = filters
            elif kind == "upsample":
                module = nn.Upsample(scale_factor=int(spec.get("stride", 2)), mode="nearest")
            elif kind == "route":
                sources = [int(x) for x in spec["layers"].split(",")]
                spec["sources"] = [s if s >= 0 else i + s for s in sources]
                channels = sum(out_channels[s] for s in spec["sources"])
            elif kind == "shortcut":
                spec["source"] = i + int(spec["from"])
            elif kind != "yolo":
                raise ValueError(f"layer {i}: no module for [{kind}]")
            self.modules_.append(module)
            out_channels.append(channels)

    def forward(self, x):
        outputs, heads = [], []
        for spec, module in zip(self.specs, self.modules_):
            kind = spec["kind"]
            if kind == "route":
                x = torch.cat([outputs[s] for s in spec["sources"]], 1)
            elif kind == "shortcut":
                x = x + outputs[spec["source"]]
            elif kind == "yolo":
                heads.append(x)
            else:
                x = module(x)
            outputs.append(x)
        return heads


def images_per_second(step, batch, min_seconds, rounds):
    best = 0.0
    step()  # warm-up: allocator, oneDNN primitives
    for _ in range(rounds):
        count, start = 0, time.perf_counter()
        while True:
            step()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds and count >= 2:
                break
        best = max(best, count * batch / elapsed)
    return best


def profile(path, step, iterations, warmup=3):
    """Records `iterations` calls of step, after `warmup` unrecorded ones (oneDNN primitives, the allocator), as a
    chrome trace. use_kineto=False on purpose: the legacy profiler is what the shim's profile uses (and all a
    libtorch without Kineto, like Debian's, has), so both traces come from the same instrumentation."""
    for _ in range(warmup):
        step()
    with torch.autograd.profiler.profile(use_kineto=False) as recorded:
        for _ in range(iterations):
            step()
    recorded.export_chrome_trace(str(path))
    print(path, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", nargs="+", default=None, help="width/size pairs (default: 0.125/128 0.25/160 0.5/256 1/416; "
                        "with --profile: 0.25/160, the smoke size)")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--classes", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: PyTorch's)")
    parser.add_argument("--min-seconds", type=float, default=1.0, help="timed seconds per round")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds per measurement; the best is printed")
    parser.add_argument("--profile", type=pathlib.Path, metavar="DIR", help="record op profiles of the first config into DIR instead of timing")
    parser.add_argument("--profile-iterations", type=int, default=10, help="forwards and steps recorded by --profile")
    args = parser.parse_args()
    if args.configs is None:
        args.configs = ["0.25/160"] if args.profile else ["0.125/128", "0.25/160", "0.5/256", "1/416"]
    elif args.profile:
        args.configs = args.configs[:1]
    if args.threads:
        torch.set_num_threads(args.threads)
    _, layers = parse_cfg(CFG)
    for config in args.configs:
        width_text, size_text = config.split("/")
        width, size = float(width_text), int(size_text)
        torch.manual_seed(0)
        model = YoloV3([dict(s) for s in layers], args.classes, width)
        parameters = sum(p.numel() for p in model.parameters())
        images = torch.rand(args.batch, 3, size, size)
        adam = torch.optim.Adam(model.parameters(), lr=1e-4)

        def forward():
            with torch.no_grad():
                model(images)

        def train_step():
            adam.zero_grad(set_to_none=True)
            sum(o.mean() for o in model(images)).backward()
            adam.step()

        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            model.eval()
            profile(args.profile / "pytorch-forward.json", forward, args.profile_iterations)
            model.train()
            profile(args.profile / "pytorch-train-step.json", train_step, args.profile_iterations)
            continue

        model.eval()
        rate = images_per_second(forward, args.batch, args.min_seconds, args.rounds)
        print(json.dumps({"width": width, "size": size, "batch": args.batch, "pass": "forward", "parameters": parameters, "images_per_second": rate}), flush=True)
        model.train()
        rate = images_per_second(train_step, args.batch, args.min_seconds, args.rounds)
        print(json.dumps({"width": width, "size": size, "batch": args.batch, "pass": "train-step", "parameters": parameters, "images_per_second": rate}), flush=True)


if __name__ == "__main__":
    main()
