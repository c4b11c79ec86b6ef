"""joblib baselines for apps/bench/src/joblib.ts. The bench runs this script once per
measured round, between the rounds of @par/joblib-style, like every other contender.
Usage: python3 joblib_bench.py <mode> [n]
Prints one JSON line {"figure": ..., "output": ...}; the bench checks the output:
- tiny_oneshot n: Parallel(n_jobs=2)(delayed(square)(i) for i in range(n)), calls per
  second (loky's executor is started first by a warm-up call, as it is reused between
  calls in a long-lived process); output {"count": ..., "digest": ...}: how many results
  and the sum of each result modulo 1_000_003
- tiny_reused n: the same inside `with Parallel(n_jobs=2) as parallel` (warmed up)
- cpu: CPU-bound calls, n_jobs=2 against n_jobs=1 (speed-up, ideal 2), the best of two
  runs of each, alternating, as the JavaScript side; output the prime counts of the last
  n_jobs=1 run then of the last n_jobs=2 run
- gen n: n calls from a generator; peak RSS of this process above its RSS once loky's
  workers are up, sampled every 5 ms (joblib 1.2 has no return_as='generator': results
  come back as a list); output the digest"""

import json
import resource
import sys
import threading
import time

from joblib import Parallel, delayed


def square(x):
    return x * x


def count_primes(n):
    count = 0
    for i in range(2, n):
        prime = True
        d = 2
        while d * d <= i:
            if i % d == 0:
                prime = False
                break
            d += 1
        if prime:
            count += 1
    return count


DIGEST_MOD = 1_000_003


def digest(results):
    total = 0
    for r in results:
        total = (total + r % DIGEST_MOD) % DIGEST_MOD
    return {"count": len(results), "digest": total}


def rss_mb():
    """This process's resident set now, in MiB (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class PeakRss:
    """Samples rss_mb() every 5 ms on a thread of its own, as the bench's Node side
    samples process.memoryUsage().rss: ru_maxrss would also count whatever peak the
    process reached before the idle point, and the figure is the peak above it."""

    def __init__(self):
        self.peak = rss_mb()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._done.wait(0.005):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def tiny_oneshot(calls):
    Parallel(n_jobs=2)(delayed(square)(i) for i in range(100))  # warm-up: start loky
    start = time.perf_counter()
    results = Parallel(n_jobs=2)(delayed(square)(i) for i in range(calls))
    return calls / (time.perf_counter() - start), digest(results)


def tiny_reused(calls):
    with Parallel(n_jobs=2) as parallel:
        parallel(delayed(square)(i) for i in range(100))  # warm-up: start loky
        start = time.perf_counter()
        results = parallel(delayed(square)(i) for i in range(calls))
        return calls / (time.perf_counter() - start), digest(results)


def cpu(_n):
    Parallel(n_jobs=2)(delayed(square)(i) for i in range(100))  # warm-up: start loky
    work = [60_000] * 8
    one = two = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        primes_one = Parallel(n_jobs=1)(delayed(count_primes)(n) for n in work)
        one = min(one, time.perf_counter() - start)
        start = time.perf_counter()
        primes_two = Parallel(n_jobs=2)(delayed(count_primes)(n) for n in work)
        two = min(two, time.perf_counter() - start)
    return one / two, primes_one + primes_two


def gen(gen_calls):
    Parallel(n_jobs=2)(delayed(square)(i) for i in range(100))  # warm-up: start loky
    idle = rss_mb()
    with PeakRss() as rss:
        results = Parallel(n_jobs=2)(delayed(square)(i) for i in range(gen_calls))
    return rss.peak - idle, digest(results)


MODES = {"tiny_oneshot": tiny_oneshot, "tiny_reused": tiny_reused, "cpu": cpu, "gen": gen}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in MODES:
        sys.exit(f"usage: joblib_bench.py <{'|'.join(MODES)}> [n]")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    figure, output = MODES[mode](n)
    print(json.dumps({"figure": figure, "output": output}))


if __name__ == "__main__":
    main()
