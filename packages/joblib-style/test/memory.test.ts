import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { delayed, hashValue, Memory, Parallel, tasks } from '../dist/index.js';

const execFileAsync = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'par-joblib-memory-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function entries(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else if (e.name.endsWith('.entry')) out.push(join(d, e.name));
    }
  };
  await walk(root).catch(() => undefined);
  return out;
}

const distUrl = new URL('../dist/index.js', import.meta.url).href;

/**
 * Writes a module at `file` that caches `function name(x) { return body }` under
 * `location`, runs it in a new Node process on 1, and says whether it computed.
 */
async function runCached(
  file: string,
  location: string,
  name: string,
  body: string,
): Promise<{ value: number; computed: boolean }> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `import { Memory } from ${JSON.stringify(distUrl)};
let computed = false;
const memory = new Memory({ location: ${JSON.stringify(location)} });
const fn = memory.cache(function ${name}(x) { computed = true; return ${body}; });
const value = await fn(1);
console.log(JSON.stringify({ value, computed }));
`,
  );
  const { stdout } = await execFileAsync(process.execPath, [file], { timeout: 30_000 });
  return JSON.parse(stdout) as { value: number; computed: boolean };
}

describe('Memory', () => {
  it('cache and reduceSize refuse options that are not an options object, naming them', async () => {
    const memory = new Memory({ location: dir });
    const f = (x: number) => x;
    for (const bad of [null, 5, 'x']) {
      expect(() => memory.cache(f, bad as never)).toThrow(
        /^Expected `options` to be an options object/,
      );
      await expect(memory.reduceSize(bad as never)).rejects.toThrow(
        /^Expected `options` to be an options object/,
      );
    }
  });

  it('computes once and reads the result from disk after (a new Memory too)', async () => {
    let calls = 0;
    const square = (x: number) => {
      calls++;
      return x * x;
    };
    const cached = new Memory({ location: dir }).cache(square);
    await expect(cached(4)).resolves.toBe(16);
    await expect(cached(4)).resolves.toBe(16);
    expect(calls).toBe(1);
    const again = new Memory({ location: dir }).cache(square);
    await expect(again(4)).resolves.toBe(16);
    expect(calls).toBe(1);
    await expect(again(5)).resolves.toBe(25);
    expect(calls).toBe(2);
  });

  it('caches async functions and keeps typed arrays, Maps, Dates and BigInts', async () => {
    let calls = 0;
    const make = async (n: number) => {
      calls++;
      return {
        data: new Float64Array([n, n + 1]),
        map: new Map([['k', n]]),
        when: new Date(0),
        big: 10n ** 20n,
      };
    };
    const cached = new Memory({ location: dir }).cache(make);
    const first = await cached(1);
    const second = await cached(1);
    expect(calls).toBe(1);
    expect(second.data).toBeInstanceOf(Float64Array);
    expect([...second.data]).toEqual([1, 2]);
    expect(second.map.get('k')).toBe(1);
    expect(second.when).toEqual(new Date(0));
    expect(second.big).toBe(10n ** 20n);
    expect(first.big).toBe(second.big);
  });

  it('hashes class instances with their class, URLs by their address, and refuses instances whose state it cannot see', async () => {
    class Celsius {
      constructor(public degrees: number) {}
    }
    class Fahrenheit {
      constructor(public degrees: number) {}
    }
    expect(hashValue(new Celsius(100))).not.toBe(hashValue(new Fahrenheit(100)));
    expect(hashValue(new Celsius(100))).not.toBe(hashValue({ degrees: 100 }));
    expect(hashValue(new Celsius(100))).toBe(hashValue(new Celsius(100)));
    expect(hashValue(new Celsius(1))).not.toBe(hashValue(new Celsius(2)));
    expect(hashValue(new URL('https://a.example/'))).not.toBe(
      hashValue(new URL('https://b.example/')),
    );
    expect(hashValue(new URL('https://a.example/'))).toBe(hashValue(new URL('https://a.example/')));
    class Secret {
      #value: number;
      constructor(value: number) {
        this.#value = value;
      }
      get value(): number {
        return this.#value;
      }
    }
    expect(() => hashValue(new Secret(1))).toThrow(TypeError);
    expect(() => hashValue(new Secret(1))).toThrow(/instance of Secret/);
    let calls = 0;
    const kelvin = new Memory({ location: dir }).cache((t: Celsius | Fahrenheit) => {
      calls++;
      return t instanceof Celsius ? t.degrees + 273.15 : ((t.degrees - 32) * 5) / 9 + 273.15;
    });
    expect(await kelvin(new Celsius(100))).toBeCloseTo(373.15);
    expect(await kelvin(new Fahrenheit(100))).toBeCloseTo(310.93, 2);
    expect(calls).toBe(2);
  });

  it('refuses to store a result holding a class instance, which would come back without its class', async () => {
    class Model {
      constructor(public factor: number) {}
      predict(x: number): number {
        return this.factor * x;
      }
    }
    const memory = new Memory({ location: dir });
    let calls = 0;
    const train = memory.cache((factor: number) => {
      calls++;
      return { model: new Model(factor), trainedAt: new Date(0) };
    });
    await expect(train(3)).rejects.toThrow(
      new TypeError(
        'Memory cannot store the result of the function: result.model is an instance of class Model, which would come back from the cache as a plain object, its class and methods lost; return plain data (objects, arrays, Maps, Sets, Dates, typed arrays)',
      ),
    );
    await expect(train(3)).rejects.toThrow(TypeError);
    expect(calls).toBe(2); // nothing was stored
    // plain data, Dates, Maps and Sets are stored and come back as they were
    const plain = memory.cache((factor: number) => ({
      factor,
      at: new Date(0),
      tags: new Set(['a']),
      m: new Map([['k', [1n]]]),
    }));
    expect(await plain(3)).toEqual(await plain(3));
  });

  it('hashes equal arguments equal, whatever the key order of objects and Maps', async () => {
    expect(hashValue({ a: 1, b: [2, 3] })).toBe(hashValue({ b: [2, 3], a: 1 }));
    expect(
      hashValue(
        new Map([
          ['x', 1],
          ['y', 2],
        ]),
      ),
    ).toBe(
      hashValue(
        new Map([
          ['y', 2],
          ['x', 1],
        ]),
      ),
    );
    expect(hashValue(new Set([1, 2]))).toBe(hashValue(new Set([2, 1])));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
    expect(hashValue([1, 2])).not.toBe(hashValue([2, 1]));
    expect(hashValue(new Float64Array([1]))).not.toBe(hashValue(new Float32Array([1])));
    let calls = 0;
    const cached = new Memory({ location: dir }).cache((o: Record<string, number>) => {
      calls++;
      return Object.keys(o).length;
    });
    await cached({ a: 1, b: 2 });
    await cached({ b: 2, a: 1 });
    expect(calls).toBe(1);
  });

  it('leaves ignored parameters out of the key', async () => {
    let calls = 0;
    const fit = (data: number[], verbose: boolean) => {
      calls++;
      return data.length + (verbose ? 0 : 0);
    };
    const cached = new Memory({ location: dir }).cache(fit, { ignore: ['verbose'] });
    await cached([1, 2], true);
    await cached([1, 2], false);
    expect(calls).toBe(1);
    expect(() => new Memory({ location: dir }).cache(fit, { ignore: ['nope'] })).toThrow(/nope/);
  });

  it('checkCallInCache says whether a call is cached; cached.clear() removes its entries', async () => {
    const cached = new Memory({ location: dir }).cache((x: number) => x + 1);
    await expect(cached.checkCallInCache(1)).resolves.toBe(false);
    await cached(1);
    await expect(cached.checkCallInCache(1)).resolves.toBe(true);
    await expect(cached.checkCallInCache(2)).resolves.toBe(false);
    await cached.clear();
    await expect(cached.checkCallInCache(1)).resolves.toBe(false);
  });

  it('memory.clear() removes every entry', async () => {
    const memory = new Memory({ location: dir });
    const a = memory.cache((x: number) => x);
    const b = memory.cache(function other(x: number) {
      return -x;
    });
    await a(1);
    await b(1);
    expect(await entries(dir)).toHaveLength(2);
    await memory.clear();
    expect(await entries(dir)).toHaveLength(0);
    await expect(a.checkCallInCache(1)).resolves.toBe(false);
  });

  it('changed source gets new entries and removes the stale ones (the next run)', async () => {
    const cache = join(dir, 'cache');
    const v1 = await runCached(join(dir, 'src', 'compute.mjs'), cache, 'compute', 'x + 1');
    expect(v1).toEqual({ value: 2, computed: true });
    expect(await entries(cache)).toHaveLength(1);
    // the same module and function, edited
    const v2 = await runCached(join(dir, 'src', 'compute.mjs'), cache, 'compute', 'x + 100');
    expect(v2).toEqual({ value: 101, computed: true });
    const files = await entries(cache);
    expect(files).toHaveLength(1);
  });

  it('keeps the entries of two different anonymous functions apart', async () => {
    const memory = new Memory({ location: dir });
    const runs = { f1: 0, f2: 0 };
    const f1 = memory.cache(async (x: number) => {
      runs.f1++;
      return x + 1;
    });
    const f2 = memory.cache(async (x: number) => {
      runs.f2++;
      return x + 2;
    });
    await expect(f1(3)).resolves.toBe(4);
    await expect(f2(3)).resolves.toBe(5);
    await expect(f1(3)).resolves.toBe(4);
    await expect(f2(3)).resolves.toBe(5);
    expect(runs).toEqual({ f1: 1, f2: 1 });
    // clearing one leaves the other's entries
    await f1.clear();
    await expect(f2.checkCallInCache(3)).resolves.toBe(true);
  });

  it('keeps the entries of two different functions of the same name apart', async () => {
    const memory = new Memory({ location: dir });
    const runs = { a: 0, b: 0 };
    const a = memory.cache(function step(x: number) {
      runs.a++;
      return x * 10;
    });
    const b = memory.cache(function step(x: number) {
      runs.b++;
      return x * 100;
    });
    await expect(a(2)).resolves.toBe(20);
    await expect(b(2)).resolves.toBe(200);
    await expect(a(2)).resolves.toBe(20);
    await expect(b(2)).resolves.toBe(200);
    expect(runs).toEqual({ a: 1, b: 1 });
  });

  it('keeps the entries of same-named functions of other modules from run to run', async () => {
    const cache = join(dir, 'cache');
    const first = join(dir, 'one', 'load.mjs');
    const second = join(dir, 'two', 'load.mjs');
    expect(await runCached(first, cache, 'load', 'x + 1')).toEqual({ value: 2, computed: true });
    expect(await runCached(second, cache, 'load', 'x + 2')).toEqual({ value: 3, computed: true });
    // another run of the first module finds its entry
    expect(await runCached(first, cache, 'load', 'x + 1')).toEqual({ value: 2, computed: false });
    expect(await entries(cache)).toHaveLength(2);
  });

  it('recomputes and rewrites a corrupt entry, never throws', async () => {
    let calls = 0;
    const cached = new Memory({ location: dir }).cache((x: number) => {
      calls++;
      return x * 2;
    });
    await cached(21);
    const [file] = await entries(dir);
    await writeFile(file as string, 'not a v8 value');
    await expect(cached(21)).resolves.toBe(42);
    expect(calls).toBe(2);
    await expect(cached(21)).resolves.toBe(42);
    expect(calls).toBe(2);
  });

  it('location: null caches nothing', async () => {
    let calls = 0;
    const memory = new Memory({ location: null });
    const cached = memory.cache((x: number) => {
      calls++;
      return x;
    });
    await expect(cached(1)).resolves.toBe(1);
    await expect(cached(1)).resolves.toBe(1);
    expect(calls).toBe(2);
    await expect(cached.checkCallInCache(1)).resolves.toBe(false);
    await memory.clear();
    await memory.reduceSize({ itemsLimit: 0 });
  });

  it('reduceSize evicts least recently used entries by items, bytes and age', async () => {
    const memory = new Memory({ location: dir });
    const cached = memory.cache((x: number) => new Uint8Array(1500).fill(x));
    for (const x of [1, 2, 3, 4]) await cached(x);
    const files = await entries(dir);
    // make the access order explicit: 1 oldest … 4 newest, then use 1 again
    for (const [i, x] of [1, 2, 3, 4].entries()) {
      const file = files.find((f) => f.includes(hashValue([x])));
      const when = new Date(Date.UTC(2020, 0, 1 + i));
      await utimes(file as string, when, when);
    }
    await cached(1); // a hit refreshes its use time
    await memory.reduceSize({ itemsLimit: 3 });
    await expect(cached.checkCallInCache(2)).resolves.toBe(false);
    await expect(cached.checkCallInCache(1)).resolves.toBe(true);
    // each entry is a little over 1500 bytes: '3K' (3072 bytes) keeps two
    await memory.reduceSize({ bytesLimit: '3K' });
    expect(await entries(dir)).toHaveLength(2);
    // entries untouched since 2020 are older than a day
    await memory.reduceSize({ ageLimit: 24 * 3600_000 });
    const left = await entries(dir);
    expect(left).toHaveLength(1);
    await expect(cached.checkCallInCache(1)).resolves.toBe(true);
    await expect(memory.reduceSize({ bytesLimit: 'lots' })).rejects.toThrow(RangeError);
  });

  it('validates its options', async () => {
    expect(() => new Memory({} as never)).toThrow(TypeError);
    expect(() => new Memory({ location: 42 as never })).toThrow(TypeError);
    await expect(new Memory({ location: dir }).reduceSize({ itemsLimit: -1 })).rejects.toThrow(
      RangeError,
    );
  });

  it('several processes writing the same entries leave them readable', async () => {
    process.env.PAR_JOBLIB_TEST_CACHE = dir;
    try {
      const m = tasks<typeof import('./fixtures/memory-tasks.mjs')>(
        new URL('./fixtures/memory-tasks.mjs', import.meta.url),
      );
      const inputs = Array.from({ length: 12 }, (_, i) => i % 3);
      await using parallel = new Parallel({ nJobs: 2, backend: 'processes', batchSize: 1 });
      const first = await parallel(inputs.map((x) => delayed(m.cachedSquare)(x)));
      expect(first).toEqual(inputs.map((x) => x * x));
      const computed = (await readFile(join(dir, 'computed.log'), 'utf8')).trim().split('\n');
      // each input computed at least once, at most once per process
      expect(new Set(computed)).toEqual(new Set(['0', '1', '2']));
      expect(computed.length).toBeLessThanOrEqual(6);
      // cached calls work inside Parallel tasks: a second run computes nothing
      const second = await parallel(inputs.map((x) => delayed(m.cachedSquare)(x)));
      expect(second).toEqual(first);
      const after = (await readFile(join(dir, 'computed.log'), 'utf8')).trim().split('\n');
      expect(after.length).toBe(computed.length);
    } finally {
      delete process.env.PAR_JOBLIB_TEST_CACHE;
    }
  });
});
