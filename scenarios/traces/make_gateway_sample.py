#!/usr/bin/env python3
"""Writes gateway_sample.csv: fifteen minutes of a gateway's log, made up to be replayed by
trace_replay.toml. Deterministic: the same file every time (python3 make_gateway_sample.py).

Three orgs on one model:
  chat-app       Poisson arrivals at 2 requests/s all along, short prompts;
  nightly-batch  400 long requests in the 20 s from minute 5;
  agent          a cluster of 8 requests within one second, every 30 s, long prompts, short answers.
"""
import math
import os
import random

DURATION_S = 15 * 60
MODEL = "llama-3.3-70b"


def lognormal(rng, mean, cv, low, high):
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean) - sigma * sigma / 2
    return max(low, min(high, round(rng.lognormvariate(mu, sigma))))


def rows(rng):
    t = 0.0
    while True:
        t += rng.expovariate(2.0)
        if t >= DURATION_S:
            break
        yield t, "chat-app", lognormal(rng, 600, 0.6, 20, 8000), lognormal(rng, 150, 0.8, 1, 1024)
    for _ in range(400):
        yield 300 + rng.uniform(0, 20), "nightly-batch", lognormal(rng, 2000, 0.3, 100, 8000), \
            lognormal(rng, 400, 0.3, 10, 1024)
    for start in range(10, DURATION_S, 30):
        for _ in range(8):
            yield start + rng.uniform(0, 1), "agent", lognormal(rng, 3000, 0.4, 200, 16000), \
                lognormal(rng, 60, 0.5, 1, 512)


def main():
    rng = random.Random(7)
    ordered = sorted(rows(rng), key=lambda row: row[0])
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gateway_sample.csv")
    with open(path, "w", newline="\n") as out:
        out.write("time,org,model,input_tokens,output_tokens\n")
        for t, org, input_tokens, output_tokens in ordered:
            out.write(f"{t:.3f},{org},{MODEL},{input_tokens},{output_tokens}\n")


if __name__ == "__main__":
    main()
