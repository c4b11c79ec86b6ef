import { Process, ProcessPool, tasks } from '@par/processes';
import { describe, expect, it } from 'vitest';

// The test runner's process has no TypeScript loader in its execArgv, like an app
// that was bundled or compiled: children register tsx's hooks for a .ts task module.
const t = tasks<typeof import('./fixtures/ts-tasks.js')>(
  new URL('./fixtures/ts-tasks.ts', import.meta.url),
);

describe('TypeScript task modules', () => {
  it('a pool task from a .ts module runs', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    try {
      expect(await pool.run(t.double, 21)).toBe(42);
    } finally {
      await pool.close();
    }
  });

  it('a Process task from a .ts module runs', async () => {
    expect(await new Process(t.exitWithDouble, { args: [3] }).start().join()).toBe(6);
  });
});
