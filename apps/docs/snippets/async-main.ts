import assert from 'node:assert/strict';
import { gather, sleep, timeout } from '@par/async';

// Python: asyncio.run(main()). An ES module needs no runner: `await` at the top level
// runs `main`, and the program exits once nothing is left to wait for.
async function main(): Promise<number[]> {
  return timeout(5_000, () => gather([sleep(10, 1), () => sleep(5, 2)]));
}

const results = await main();
assert.deepEqual(results, [1, 2]);
console.log('main:', results);
