import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskModuleError, ThreadPool, taskRef } from '../dist/index.js';

// A .ts task module where no tsx can be found from it, in a program run without a
// TypeScript loader (the test runner's execArgv has none): Node cannot load it.
const dir = mkdtempSync(join(tmpdir(), 'par-ts-task-'));
const file = join(dir, 'tasks.ts');
writeFileSync(file, 'export function double(n: number): number {\n  return n * 2;\n}\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Node 22.18 and later strip erasable types themselves (process.features.typescript):
// there the module simply loads; older Node versions need a loader.
const nodeStripsTypes = Boolean(
  (process as { features?: { typescript?: unknown } }).features?.typescript,
);

describe('a .ts task module without a TypeScript loader', () => {
  it('runs where Node strips types, and elsewhere fails with an error naming the module and saying what to do', async () => {
    const pool = new ThreadPool({ maxWorkers: 1 });
    try {
      const outcome = await pool
        .run(taskRef<[number], number>(pathToFileURL(file), 'double'), 2)
        .catch((e: unknown) => e);
      if (nodeStripsTypes) {
        expect(outcome).toBe(4);
        return;
      }
      const error = outcome;
      expect(error).toBeInstanceOf(TaskModuleError);
      const { message, code } = error as TaskModuleError;
      expect(code).toBe('PAR_TASK_MODULE');
      expect(message).toContain(file);
      expect(message).toMatch(/under tsx/);
      expect(message).toMatch(/compiled JavaScript file/);
    } finally {
      await pool.terminate();
    }
  });

  it('other load failures get no TypeScript advice', async () => {
    const pool = new ThreadPool({ maxWorkers: 1 });
    try {
      const missing = pathToFileURL(join(dir, 'missing.js'));
      const error = (await pool
        .run(taskRef<[], void>(missing, 'f'))
        .catch((e: unknown) => e)) as TaskModuleError;
      expect(error).toBeInstanceOf(TaskModuleError);
      expect(error.message).not.toMatch(/tsx/);
    } finally {
      await pool.terminate();
    }
  });
});
