"""multiprocessing baselines for apps/bench (src/threads.ts, src/processes.ts).
One measurement per invocation, so that the bench runs it in every round beside
the other contenders. Prints one JSON line: {"figure": ..., "output": ...}.

Modes (the pool has 2 workers; a warm-up precedes every measured figure):
- map N: Pool(2).map(square, range(N)) with Python's default chunksize, items/s
- threadmap N: multiprocessing.pool.ThreadPool(2).map(square, range(N)), items/s
- burst N: N apply_async(square, (i,)) calls submitted at once, then every result, calls/s
- startup: Pool(2) until both worker processes answered a call, ms; output = their pids
For map, threadmap and burst the output is {"count": ..., "digest": ...}: how many
results and the sum of each result modulo 1_000_003, which the bench checks.

Usage: python3 pool_bench.py map|threadmap|burst N, or python3 pool_bench.py startup"""

import json
import multiprocessing as mp
import multiprocessing.pool
import os
import sys
import time

DIGEST_MOD = 1_000_003


def square(x):
    return x * x


def pid(_):
    return os.getpid()


def digest(results):
    total = 0
    for r in results:
        total = (total + r % DIGEST_MOD) % DIGEST_MOD
    return {"count": len(results), "digest": total}


def timed_map(pool, n):
    start = time.perf_counter()
    results = pool.map(square, range(n))
    return n / (time.perf_counter() - start), results


def timed_burst(pool, n):
    start = time.perf_counter()
    pending = [pool.apply_async(square, (i,)) for i in range(n)]
    results = [r.get() for r in pending]
    return n / (time.perf_counter() - start), results


def startup():
    start = time.perf_counter()
    with mp.Pool(2) as pool:
        seen = set()
        while len(seen) < 2:  # until both workers answered
            seen.update(pool.map(pid, range(2), chunksize=1))
        elapsed = time.perf_counter() - start
    return elapsed * 1000, sorted(seen)


def main():
    mode = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if mode == "startup":
        startup()  # warm-up (imports, the fork server's first start)
        figure, output = startup()
    elif mode in ("map", "threadmap", "burst"):
        make = mp.pool.ThreadPool if mode == "threadmap" else mp.Pool
        measure = timed_burst if mode == "burst" else timed_map
        with make(2) as pool:
            measure(pool, max(1, n // 10))  # warm-up
            figure, results = measure(pool, n)
        output = digest(results)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"figure": figure, "output": output}))


if __name__ == "__main__":
    main()
