"""M/M/c/K theory for the peers' report and bench/peers_side_by_side.py.

c slots, k waiting places, Poisson arrivals at lam, exponential service of mean s. The stationary
distribution of the number in the system n = 0 .. c + k is proportional to a^n / n! up to c and to
a^n / (c! c^(n - c)) above (a = lam s). An arrival finding c + k present is blocked (PASTA), and
Little's law on the queue gives the mean wait of the admitted: Lq / (lam (1 - p_block)).
"""
from math import factorial


def mmck(c, k, lam, s):
    a = lam * s
    full = c + k
    weights = [a**n / factorial(n) if n <= c else a**n / (factorial(c) * c ** (n - c))
               for n in range(full + 1)]
    total = sum(weights)
    p = [w / total for w in weights]
    queue_length = sum((n - c) * p[n] for n in range(c + 1, full + 1))
    return {"block": p[full], "wq": queue_length / (lam * (1 - p[full]))}
