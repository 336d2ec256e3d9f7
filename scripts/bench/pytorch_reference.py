#!/usr/bin/python3
"""The script a PyTorch user would write to do what `sizesel bench train` does.

Same model (He et al.'s CIFAR ResNet with zero-padding shortcuts, Kaiming-normal init), same data
(the first N/10 training images of each CIFAR-10 class in file order, the first M/10 test images
of each class), same augmentation (pad 4, random 32x32 crop, random horizontal flip), same
optimiser (SGD, momentum, weight decay), same one-cycle schedule (sizesel's formula, per step),
same batch size and thread count. Written the usual way: a torch.utils.data.Dataset of PIL images,
torchvision transforms, a DataLoader, a Python training loop.

Run with Debian's interpreter and packages (python3-torch, python3-torchvision):
    /usr/bin/python3 scripts/bench/pytorch_reference.py --data-dir ../shared/data/cifar-10-batches-bin \
        --preset resnet20 --images 5000 --epochs 1 --batch 128 --threads 2
It prints one JSON object with the same keys as `sizesel bench train --format json`.
"""
import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms as T
from PIL import Image

PRESETS = {"resnet8": 1, "resnet14": 2, "resnet20": 3, "resnet32": 5, "resnet44": 7, "resnet56": 9, "resnet110": 18}
RECORD = 1 + 3 * 32 * 32


def read_cifar_bin(files):
    """Reads the official binary layout: per record one label byte and 3072 pixel bytes."""
    raw = np.concatenate([np.fromfile(f, dtype=np.uint8) for f in files])
    if raw.size % RECORD:
        sys.exit(f"pytorch_reference: {files}: size is not a multiple of {RECORD}")
    raw = raw.reshape(-1, RECORD)
    return raw[:, 1:].reshape(-1, 3, 32, 32), raw[:, 0].astype(np.int64)


def balanced(images, labels, limit, classes=10):
    """The first limit/classes images of each class, in file order (sizesel's balanced_subset)."""
    wanted = [limit // classes + (1 if c < limit % classes else 0) for c in range(classes)]
    chosen = []
    for i, label in enumerate(labels):
        if wanted[label] > 0:
            wanted[label] -= 1
            chosen.append(i)
        if len(chosen) == limit:
            break
    return images[chosen], labels[chosen]


class Cifar(torch.utils.data.Dataset):
    def __init__(self, images, labels, transform):
        self.images = [Image.fromarray(img.transpose(1, 2, 0)) for img in images]
        self.labels = labels
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.transform(self.images[i]), int(self.labels[i])


class PadShortcut(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.cin, self.cout, self.stride = cin, cout, stride

    def forward(self, x):
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        if self.cout > self.cin:
            x = F.pad(x, (0, 0, 0, 0, 0, self.cout - self.cin))
        return x


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity() if cin == cout and stride == 1 else PadShortcut(cin, cout, stride)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, n, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for i, width in enumerate((16, 32, 64)):
            for b in range(n):
                layers.append(Block(cin, width, 2 if i > 0 and b == 0 else 1))
                cin = width
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def one_cycle(peak, step, total):
    """sizesel's schedule (src/ml/trainer.cpp): linear warm-up from peak/25 over 30 %, cosine to 0."""
    if total <= 1:
        return peak
    t = step / (total - 1)
    if t < 0.3:
        start = peak / 25
        return start + (peak - start) * t / 0.3
    return peak * 0.5 * (1 + math.cos(math.pi * (t - 0.3) / 0.7))


def nearest_rank(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--preset", default="resnet20", choices=sorted(PRESETS))
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--test-images", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-runs", type=int, default=100)
    parser.add_argument("--throughput-runs", type=int, default=10)
    parser.add_argument("--format", default="json", choices=["json"])
    args = parser.parse_args()

    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    root = args.data_dir
    train_x, train_y = read_cifar_bin([os.path.join(root, f"data_batch_{i}.bin") for i in range(1, 6)])
    test_x, test_y = read_cifar_bin([os.path.join(root, "test_batch.bin")])
    train_x, train_y = balanced(train_x, train_y, args.images)
    test_x, test_y = balanced(test_x, test_y, args.test_images)
    pixels = train_x.astype(np.float64) / 255
    mean = pixels.mean(axis=(0, 2, 3)).tolist()
    std = pixels.std(axis=(0, 2, 3), ddof=1).tolist()
    normalize = T.Normalize(mean, std)
    train_set = Cifar(train_x, train_y, T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(),
                                                   T.ToTensor(), normalize]))
    test_set = Cifar(test_x, test_y, T.Compose([T.ToTensor(), normalize]))
    # sizesel drops a final batch of a single image (it cannot be batch-normalised); so does this.
    drop_last = len(train_set) % args.batch == 1
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch, shuffle=True,
                                               num_workers=args.workers, drop_last=drop_last)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=256, num_workers=args.workers)

    model = ResNet(PRESETS[args.preset])
    optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate, momentum=0.9, weight_decay=5e-4)
    total = len(train_loader) * args.epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: one_cycle(args.learning_rate, step, total) / args.learning_rate)
    train_start = time.perf_counter()
    trained = 0
    for epoch in range(args.epochs):
        model.train()
        loss_sum, correct, seen = 0.0, 0, 0
        for images, labels in train_loader:
            optimizer.zero_grad()
            logits = model(images)
            loss = F.cross_entropy(logits, labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
        trained += seen
    train_seconds = time.perf_counter() - train_start

    model.eval()
    eval_start = time.perf_counter()
    right = 0
    with torch.no_grad():
        for images, labels in test_loader:
            right += (model(images).argmax(1) == labels).sum().item()
    eval_seconds = time.perf_counter() - eval_start

    latencies, passes = [], []
    with torch.inference_mode():
        one = torch.randn(1, 3, 32, 32)
        batch = torch.randn(256, 3, 32, 32)
        for _ in range(5):
            model(one)
            model(batch)
        for _ in range(args.latency_runs):
            t = time.perf_counter()
            model(one)
            latencies.append((time.perf_counter() - t) * 1000)
        for _ in range(args.throughput_runs):
            t = time.perf_counter()
            model(batch)
            passes.append(time.perf_counter() - t)

    print(json.dumps({
        "tool": "pytorch_reference", "torch": torch.__version__, "preset": args.preset,
        "images": len(train_set), "test_images": len(test_set), "epochs": args.epochs,
        "batch": args.batch, "threads": torch.get_num_threads(), "workers": args.workers,
        "train_images_per_s": trained / train_seconds, "train_seconds": train_seconds,
        "eval_images_per_s": len(test_set) / eval_seconds,
        "latency_ms_p50": nearest_rank(latencies, 0.5),
        "inference_batch": 256, "throughput": 256 / statistics.median(passes),
        "test_accuracy": right / len(test_set),
        "final_train_loss": loss_sum / seen if args.epochs else 0.0,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "wall_s": time.perf_counter() - start,
    }))


if __name__ == "__main__":
    main()
