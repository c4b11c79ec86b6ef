"""1M items through asyncio.Queue(maxsize=1000): one producer awaiting put(),
one consumer awaiting get() and calling task_done(). Prints one JSON line:
{"items_per_s": ...}. Usage: python3 queue_bench.py [items]"""

import asyncio
import json
import sys
import time


async def pipeline(n: int) -> float:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1000)

    async def consumer() -> None:
        for _ in range(n):
            await queue.get()
            queue.task_done()

    start = time.perf_counter()
    task = asyncio.ensure_future(consumer())
    for i in range(n):
        await queue.put(i)
    await task
    await queue.join()
    return n / (time.perf_counter() - start)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(json.dumps({"items_per_s": asyncio.run(pipeline(n))}))


if __name__ == "__main__":
    main()
