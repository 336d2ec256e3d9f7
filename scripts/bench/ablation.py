#!/usr/bin/python3
"""What each of sizesel's optimisations buys, measured side by side on the same libtorch build.

sizesel trains with channels-last convolution weights and serves with batch norms folded into
the convolutions. This script measures those two choices alone, on the reference model of
scripts/bench/pytorch_reference.py, through PyTorch's Python front end over the same libtorch
1.13 (Debian's python3-torch), with synthetic inputs (the timings of dense convolutions do not
depend on pixel values) and alternating repetitions; it prints medians and the ratio.

    /usr/bin/python3 scripts/bench/ablation.py --threads 2 --reps 5
"""
import argparse
import copy
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_reference as reference  # noqa: E402


def training_rate(blocks, channels_last, batch, steps):
    torch.manual_seed(1)
    model = reference.ResNet(blocks)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)  # what sizesel does to its weights
    x, y = torch.randn(batch, 3, 32, 32), torch.randint(0, 10, (batch,))
    sgd = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    for step in range(steps + 2):
        if step == 2:
            start = time.perf_counter()
        sgd.zero_grad()
        F.cross_entropy(model(x), y).backward()
        sgd.step()
    return batch * steps / (time.perf_counter() - start)


def folded(model):
    model = copy.deepcopy(model).eval()
    model.conv, model.bn = fuse_conv_bn_eval(model.conv, model.bn), nn.Identity()
    for block in model.layers:
        block.conv1, block.bn1 = fuse_conv_bn_eval(block.conv1, block.bn1), nn.Identity()
        block.conv2, block.bn2 = fuse_conv_bn_eval(block.conv2, block.bn2), nn.Identity()
    return model


def inference(model, batch, runs):
    x = torch.randn(batch, 3, 32, 32)
    with torch.inference_mode():
        for _ in range(3):
            model(x)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["resnet20", "resnet56"])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"{args.threads} threads, {args.reps} alternating repetitions, medians; ratio = optimised / default\n")
    print("| model | measure | default | optimised | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name in args.models:
        blocks = reference.PRESETS[name]
        plain_train, cl_train = [], []
        for rep in range(args.reps):
            order = [False, True] if rep % 2 == 0 else [True, False]
            for channels_last in order:
                rate = training_rate(blocks, channels_last, 128, 8)
                (cl_train if channels_last else plain_train).append(rate)
        a, b = statistics.median(plain_train), statistics.median(cl_train)
        print(f"| {name} | training images/s, batch 128: NCHW -> channels-last weights | {a:.0f} | {b:.0f} | "
              f"**{b / a:.2f}** |")
        model = reference.ResNet(blocks).eval()
        served = folded(model).to(memory_format=torch.channels_last)
        for batch, runs, label in ((256, 10, "inference images/s, batch 256"), (1, 100, "latency p50 ms, batch 1")):
            plain, fast = [], []
            for rep in range(args.reps):
                plain.append(inference(model, batch, runs))
                fast.append(inference(served, batch, runs))
            a, b = statistics.median(plain), statistics.median(fast)
            if batch == 1:
                print(f"| {name} | {label}: as trained -> folded batch norms, channels-last | {a * 1000:.3f} | "
                      f"{b * 1000:.3f} | **{b / a:.2f}** |")
            else:
                print(f"| {name} | {label}: as trained -> folded batch norms, channels-last | {batch / a:.0f} | "
                      f"{batch / b:.0f} | **{a / b:.2f}** |")


if __name__ == "__main__":
    main()
