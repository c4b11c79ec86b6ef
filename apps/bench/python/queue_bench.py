"""1M items through asyncio.Queue(maxsize=1000): one producer awaiting put(),
one consumer awaiting get() and calling task_done(). Prints one JSON line:
{"items_per_s": ..., "sum": <sum of the items the consumer got>}. Usage: python3 queue_bench.py [items]"""

import asyncio
import json
import sys
import time


async def pipeline(n: int) -> dict:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1000)

    total = 0

    async def consumer() -> None:
        nonlocal total
        for _ in range(n):
            total += await queue.get()
            queue.task_done()

    start = time.perf_counter()
    task = asyncio.ensure_future(consumer())
    for i in range(n):
        await queue.put(i)
    await task
    await queue.join()
    return {"items_per_s": n / (time.perf_counter() - start), "sum": total}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(json.dumps(asyncio.run(pipeline(n))))


if __name__ == "__main__":
    main()
