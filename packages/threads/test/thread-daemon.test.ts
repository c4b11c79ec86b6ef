import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Queue } from '@par/queue';
import { describe, expect, it } from 'vitest';
import { Thread, tasks } from '../dist/index.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const q = tasks<typeof import('./fixtures/shared-queue-tasks.mjs')>(
  new URL('./fixtures/shared-queue-tasks.mjs', import.meta.url),
);

describe('Thread daemon', () => {
  it('a daemon thread waiting on a queue does not keep the program alive', async () => {
    // the child exits on its own; the timeout is only a safety net
    const { stdout } = await run(process.execPath, [fixture('thread-daemon-exit.mjs')], {
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe('result 42 alive true daemon true');
  });

  it('daemon defaults to false and must be a boolean', () => {
    expect(new Thread(q.consumeAll).daemon).toBe(false);
    expect(new Thread(q.consumeAll, { daemon: true }).daemon).toBe(true);
    expect(() => new Thread(q.consumeAll, { daemon: 'yes' as unknown as boolean })).toThrow(
      /`daemon`.*boolean.*yes/,
    );
  });

  it('the finishing pattern: shutdown() ends the consumer thread’s for-await loop', async () => {
    const jobs = new Queue<number>();
    const thread = new Thread(q.consumeAll, { args: [jobs] });
    thread.start();
    for (const n of [1, 2, 3]) await jobs.put(n);
    jobs.shutdown();
    await expect(thread.join()).resolves.toEqual([1, 2, 3]);
    expect(thread.isAlive).toBe(false);
  });
});
