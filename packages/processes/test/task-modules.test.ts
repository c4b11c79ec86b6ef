import { TaskModuleError, tasks } from '@par/processes';
import { describe, expect, it } from 'vitest';
import { poolsForEachTest } from './helpers.js';

type LoadStack = typeof import('./fixtures/load-stack.mjs');
type TopLevelAwait = typeof import('./fixtures/top-level-await-tasks.mjs');
type State = typeof import('./fixtures/state-tasks.mjs');
type CommonJs = typeof import('./fixtures/commonjs/tasks.js');
type Throws = typeof import('./fixtures/throws-on-load.mjs');
type LoadCounts = typeof import('./fixtures/load-counts.mjs');

const loadStack = tasks<LoadStack>(new URL('./fixtures/load-stack.mjs', import.meta.url));
const tla = tasks<TopLevelAwait>(new URL('./fixtures/top-level-await-tasks.mjs', import.meta.url));
const state = tasks<State>(new URL('./fixtures/state-tasks.mjs', import.meta.url));
const commonJs = tasks<CommonJs>(new URL('./fixtures/commonjs/tasks.js', import.meta.url));
const throwsEs = tasks<Throws>(new URL('./fixtures/throws-on-load.mjs', import.meta.url));
const throwsCommonJs = tasks<Throws>(
  new URL('./fixtures/commonjs/throws-on-load.js', import.meta.url),
);
const counts = tasks<LoadCounts>(new URL('./fixtures/load-counts.mjs', import.meta.url));

const pool = poolsForEachTest(1);

describe('a pool child loads its task modules', () => {
  it('loads an ES task module with require(), without the asynchronous pipeline of import()', async () => {
    expect(await pool({ execArgv: [] }).run(loadStack.loadedByRequire)).toBe(true);
  });

  it('loads an ES task module with top-level await (which require() refuses) once, with import()', async () => {
    const p = pool({ execArgv: [] });
    expect(await p.run(tla.add, 2)).toBe(42);
    expect(await p.run(tla.evaluations)).toBe(1);
  });

  it('gives an ES module with a default export one instance: its import() namespace sees the same state', async () => {
    const p = pool({ execArgv: [] });
    expect(await p.run(state.bump)).toBe(1);
    expect(await p.run(state.bump)).toBe(2);
    expect(await p.run(state.default)).toBe(2);
    expect(await p.run(state.viaImport)).toBe(2);
  });

  it("keeps import()'s namespace for a CommonJS task module in a .js file: module.exports is `default`", async () => {
    const p = pool({ execArgv: [] });
    expect(await p.run(commonJs.default, 4)).toBe(12);
    expect(await p.run(commonJs.half, 4)).toBe(2);
  });

  it('a task module that throws while it loads fails its calls with TaskModuleError, and ran once (ES module, CommonJS .js)', async () => {
    const p = pool({ execArgv: [] });
    for (const [ref, message] of [
      [throwsEs.never, 'this ES module fails to load'],
      [throwsCommonJs.never, 'this CommonJS module fails to load'],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        const error = await p.run(ref).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TaskModuleError);
        expect((error as Error).message).toContain(message);
      }
    }
    expect(await p.run(counts.loads)).toEqual([1, 1]);
  });
});
