import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Memory } from '@par/joblib-style';

const location = await mkdtemp(join(tmpdir(), 'joblib-memory-'));
try {
  // Python: memory = Memory(location); cached = memory.cache(f, ignore=['verbose'])
  const memory = new Memory({ location });
  let computed = 0;
  const fit = memory.cache(
    async (data, verbose) => {
      computed++;
      if (verbose) console.log('fitting', data.length, 'points');
      return data.reduce((a, b) => a + b, 0) / data.length;
    },
    { ignore: ['verbose'] },
  );
  assert.equal(await fit([1, 2, 3], false), 2);
  assert.equal(await fit([1, 2, 3], true), 2); // from disk: `verbose` is not part of the key
  assert.equal(computed, 1);
  assert.equal(await fit.checkCallInCache([1, 2, 3], false), true);

  await memory.reduceSize({ bytesLimit: '10M', itemsLimit: 1000 });
  await fit.clear();
  assert.equal(await fit.checkCallInCache([1, 2, 3], false), false);
} finally {
  await rm(location, { recursive: true, force: true });
}
