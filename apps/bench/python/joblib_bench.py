"""joblib baselines for apps/bench/src/joblib.ts, measured in the same run as
@par/joblib-style. Prints one JSON line:
{"tiny_oneshot_ops_per_s": ..., "tiny_reused_ops_per_s": ..., "cpu_speedup": ..., "gen_rss_mb": ...,
 "tiny_oneshot_outputs": [...], "tiny_reused_outputs": [...], "cpu_outputs": [...], "gen_outputs": [...]}
Each *_outputs is what the bench checks, one output per measured run: for tiny (one
per round) and gen {"count": ..., "digest": ...} (how many results and the sum of each
result modulo 1_000_003), for cpu the prime counts of the n_jobs=1 run then of the
n_jobs=2 run.
- tiny: Parallel(n_jobs=2)(delayed(square)(i) for i in range(calls)), one-shot (loky
  reuses its executor between calls) and inside `with Parallel(n_jobs=2) as parallel`
- cpu: CPU-bound calls, n_jobs=2 against n_jobs=1 (speed-up, ideal 2)
- gen: `gen_calls` calls from a generator; peak RSS of this process above the idle
  process (joblib 1.2 has no return_as='generator': results come back as a list)
Usage: python3 joblib_bench.py [calls] [rounds] [gen_calls]"""

import json
import resource
import statistics
import sys
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
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    gen_calls = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    idle = rss_mb()
    Parallel(n_jobs=2)(delayed(square)(i) for i in range(100))  # warm-up: start loky
    oneshot = []
    oneshot_results = []
    for _ in range(rounds):
        start = time.perf_counter()
        results = Parallel(n_jobs=2)(delayed(square)(i) for i in range(calls))
        oneshot.append(calls / (time.perf_counter() - start))
        oneshot_results.append(results)
    reused = []
    reused_results = []
    with Parallel(n_jobs=2) as parallel:
        for _ in range(rounds):
            start = time.perf_counter()
            results = parallel(delayed(square)(i) for i in range(calls))
            reused.append(calls / (time.perf_counter() - start))
            reused_results.append(results)
    work = [60_000] * 8
    start = time.perf_counter()
    primes_one = Parallel(n_jobs=1)(delayed(count_primes)(n) for n in work)
    one = time.perf_counter() - start
    start = time.perf_counter()
    primes_two = Parallel(n_jobs=2)(delayed(count_primes)(n) for n in work)
    two = time.perf_counter() - start
    before = rss_mb()
    gen_results = Parallel(n_jobs=2)(delayed(square)(i) for i in range(gen_calls))
    gen_rss = rss_mb() - min(idle, before)
    print(
        json.dumps(
            {
                "tiny_oneshot_ops_per_s": statistics.median(oneshot),
                "tiny_reused_ops_per_s": statistics.median(reused),
                "cpu_speedup": one / two,
                "gen_rss_mb": gen_rss,
                "tiny_oneshot_outputs": [digest(r) for r in oneshot_results],
                "tiny_reused_outputs": [digest(r) for r in reused_results],
                "cpu_outputs": [primes_one + primes_two],
                "gen_outputs": [digest(gen_results)],
            }
        )
    )


if __name__ == "__main__":
    main()
