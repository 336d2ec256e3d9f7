"""Helpers shared by the benchmark scripts: run a command, time it, read its peak memory."""
import json
import os
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZESEL = os.path.join(ROOT, "build", "sizesel")
CIFAR = os.path.join(ROOT, "..", "shared", "data", "cifar-10-batches-bin")


def measured(command, env=None, ok=(0,)):
    """Runs `command`; returns (stdout, wall seconds, peak RSS of that process in MiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=dict(os.environ, **(env or {})))
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"bench: {' '.join(command)} exited {code}")
    return out, wall, usage.ru_maxrss / 1024


def recommend(scenario, extra=()):
    """`sizesel recommend SCENARIO --format json --no-cache`: (report, wall s, peak MiB)."""
    out, wall, rss = measured([SIZESEL, "recommend", scenario, "--format", "json", "--no-cache", *extra], ok=(0, 3))
    return json.loads(out), wall, rss


def with_keys(scenario, changes, folder, tag="bench"):
    """A copy of the scenario file with top-level keys replaced (removed where the value is
    None), in `folder` (next to the original, so that a relative dataset root still resolves)."""
    with open(scenario) as f:
        document = json.load(f)
    document.update(changes)
    document = {key: value for key, value in document.items() if value is not None}
    path = os.path.join(folder, f".{tag}-{os.getpid()}-" + os.path.basename(scenario))
    with open(path, "w") as f:
        json.dump(document, f)
    return path
