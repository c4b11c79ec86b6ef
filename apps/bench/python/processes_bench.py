"""multiprocessing.Pool baselines for apps/bench/src/processes.ts, measured in the
same run as @par/processes. Prints one JSON line:
{"map_items_per_s": ..., "burst_ops_per_s": ..., "startup_ms": ...}
- map: Pool(2).map(square, range(items)) with Python's default chunksize
- burst: `tasks` apply_async calls submitted at once, then all results collected
- startup: Pool(2) until both workers answered a call
Usage: python3 processes_bench.py [items] [tasks] [rounds]"""

import json
import multiprocessing as mp
import statistics
import sys
import time


def square(x):
    return x * x


def pid(_):
    import os

    return os.getpid()


def bench_map(pool, items):
    start = time.perf_counter()
    pool.map(square, range(items))
    return items / (time.perf_counter() - start)


def bench_burst(pool, tasks):
    start = time.perf_counter()
    results = [pool.apply_async(square, (i,)) for i in range(tasks)]
    for r in results:
        r.get()
    return tasks / (time.perf_counter() - start)


def bench_startup():
    start = time.perf_counter()
    with mp.Pool(2) as pool:
        pool.map(pid, range(2), chunksize=1)
        elapsed = time.perf_counter() - start
    return elapsed * 1000


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with mp.Pool(2) as pool:
        bench_map(pool, items // 10)  # warm-up
        maps = [bench_map(pool, items) for _ in range(rounds)]
        bench_burst(pool, tasks // 10)
        bursts = [bench_burst(pool, tasks) for _ in range(rounds)]
    startups = [bench_startup() for _ in range(rounds)]
    print(
        json.dumps(
            {
                "map_items_per_s": statistics.median(maps),
                "burst_ops_per_s": statistics.median(bursts),
                "startup_ms": statistics.median(startups),
            }
        )
    )


if __name__ == "__main__":
    main()
