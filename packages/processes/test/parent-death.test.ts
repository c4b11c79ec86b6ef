import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A zombie (exited, not yet reaped by whoever adopted it) counts as gone.
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[], deadline: number): Promise<number[]> {
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('children never outlive their parent', () => {
  it('an idle child and a child busy in a loop exit after the parent is SIGKILLed', async () => {
    const script = fileURLToPath(new URL('./fixtures/orphan-parent.mjs', import.meta.url));
    const parent = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: parent.stdout });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    const { idle, busy } = JSON.parse(first) as { idle: number; busy: number };
    expect(isRunning(idle)).toBe(true);
    expect(isRunning(busy)).toBe(true);

    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;
    // The bound is about 2 s; the generous deadline only keeps a broken build from hanging.
    const left = await waitUntilGone([idle, busy], Date.now() + 10_000);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(left).toEqual([]);
  });
});
