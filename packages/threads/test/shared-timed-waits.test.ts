import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/shared-timed-waits.mjs', import.meta.url));

describe('timed waits on the main thread', () => {
  it('settle at their timeout even when nothing else keeps the process alive', async () => {
    const { stdout } = await run(process.execPath, [fixture], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual([false, false, false]);
  }, 40_000);
});
