#!/usr/bin/env python3
"""ratesim and the Python peers on the M/M/8/12 reference model, side by side in one sitting.

The machines these figures come from are shared and noisy, so a ratio is only worth something
when its two sides ran minutes apart. Each round runs ratesim's BM_SimulateMMcK, then each peer
(../shared/peers: SimPy 2 and a plain heapq loop) on the same model, and prints every figure; the
last table gives the median of the rounds and the median ratios. Accuracy is shown beside speed:
each simulator's blocking probability and mean wait of the served, against M/M/c/K theory.

    bench/peers_side_by_side.py [--build build] [--peers ../shared/peers] [--rounds 3]

Needs a Release build (bench/simulator_bench, sim/ratesim) and python3-simpy for the SimPy peer.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "theory"))
from mmck import mmck  # noqa: E402

# bench/scenarios/mmck.toml's model, in the peers' terms.
MODEL = {"c": 8, "s": 1.0, "lam": 7.0, "k": 4}
REQUESTS = 1_000_000


def run(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def ratesim_speed(build):
    out = run([os.path.join(build, "bench", "simulator_bench"), "--benchmark_filter=BM_SimulateMMcK$",
               "--benchmark_format=json"])
    return json.loads(out)["benchmarks"][0]["req_per_s"]


def ratesim_accuracy(build):
    with tempfile.TemporaryDirectory() as out_dir:
        run([os.path.join(build, "sim", "ratesim"), "run", os.path.join(HERE, "scenarios", "mmck.toml"),
             "--out", out_dir, "--no-progress"])
        with open(os.path.join(out_dir, "summary.json")) as f:
            overall = next(iter(json.load(f)["policies"].values()))["overall"]
    return overall["r503"] / overall["offered"], overall["queue_wait"]["mean"]


def peer(peers, script):
    # The peers import `mmck` from ../theory beside them; bench/theory supplies it where it is missing.
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, "theory"))
    args = [f"--{key}={value}" for key, value in MODEL.items()] + [f"--n={REQUESTS}", "--seed=1"]
    out = run(["/usr/bin/python3", os.path.join(peers, script)] + args, env=env)
    fields = dict(item.split("=", 1) for item in out.split("\n")[0].split())
    return float(fields["req_per_s"]), float(fields["p_block"]), float(fields["wq"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "peers"))
    parser.add_argument("--rounds", type=int, default=3)
    a = parser.parse_args()
    if a.rounds < 1:
        sys.exit("--rounds must be at least 1")
    speeds = {"ratesim": [], "simpy": [], "heapq": []}
    accuracy = {"ratesim": ratesim_accuracy(a.build)}
    for round_number in range(1, a.rounds + 1):
        speeds["ratesim"].append(ratesim_speed(a.build))
        for name in ("simpy", "heapq"):
            speed, block, wait = peer(a.peers, f"ratesim_{name}.py")
            speeds[name].append(speed)
            accuracy[name] = (block, wait)
        print(f"round {round_number}: " + ", ".join(f"{name} {values[-1] / 1e3:,.1f} k req/s"
                                                    for name, values in speeds.items()))
    theory = mmck(MODEL["c"], MODEL["k"], MODEL["lam"], MODEL["s"])
    print(f"\nmedian of {a.rounds} round(s); M/M/{MODEL['c']}/{MODEL['c'] + MODEL['k']}, "
          f"{REQUESTS:,} requests")
    print(f"{'simulator':10} {'req/s':>12} {'ratesim is':>11} {'blocking':>9} {'mean wait':>10}")
    ratesim = statistics.median(speeds["ratesim"])
    for name, values in speeds.items():
        speed = statistics.median(values)
        block, wait = accuracy[name]
        ratio = "" if name == "ratesim" else f"{ratesim / speed:.1f}x"
        print(f"{name:10} {speed:12,.0f} {ratio:>11} {block:9.5f} {wait:9.4f}s")
    print(f"{'theory':10} {'':>12} {'':>11} {theory['block']:9.5f} {theory['wq']:9.4f}s")


if __name__ == "__main__":
    main()
