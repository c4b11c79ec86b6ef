import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRunning } from './helpers.js';

async function waitUntilGone(pids: number[], deadline: number): Promise<number[]> {
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// On Linux with util-linux's setpriv on the PATH, the kernel kills a pool child with
// its parent; without it (an empty PATH here), the child's watchdog thread does.
const parentEnvs = [
  { how: 'setpriv on the PATH', env: process.env },
  { how: 'no setpriv (watchdog threads)', env: { ...process.env, PATH: '' } },
];

describe('children never outlive their parent', () => {
  it.each(parentEnvs)(
    'Process and pool children, idle or busy in a loop (from their first call on, too), exit after the parent is SIGKILLed ($how)',
    async ({ env }) => {
      const script = fileURLToPath(new URL('./fixtures/orphan-parent.mjs', import.meta.url));
      const parent = spawn(process.execPath, [script], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env,
      });
      const lines = createInterface({ input: parent.stdout });
      const first = await new Promise<string>((resolve) => lines.once('line', resolve));
      const pids = Object.values(JSON.parse(first) as Record<string, number>);
      expect(pids).toHaveLength(5);
      for (const pid of pids) expect(isRunning(pid)).toBe(true);

      const exited = new Promise((resolve) => parent.once('exit', resolve));
      parent.kill('SIGKILL');
      await exited;
      // The bound is about 2 s; the generous deadline only keeps a broken build from hanging.
      const left = await waitUntilGone(pids, Date.now() + 10_000);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      expect(left).toEqual([]);
    },
  );
});
