import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tasks } from '@par/cluster';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterForFile } from './helpers.js';

// A code root whose allowed modules have URL syntax in their file names, and a file
// that `t#1.mjs` read as a URL would name (`t`, its "#1.mjs" a fragment).
const dir = mkdtempSync(join(tmpdir(), 'par-cluster-names-'));
const root = pathToFileURL(`${dir}/`);
writeFileSync(join(dir, 't#1.mjs'), "export const which = () => 't#1.mjs';\n");
writeFileSync(join(dir, 't?x.mjs'), "export const which = () => 't?x.mjs';\n");
writeFileSync(join(dir, 't'), "export const which = () => 'not allowed';\n");
writeFileSync(join(dir, 'p%41.mjs'), "export const which = () => 'p%41.mjs';\n");

// after the pool and the worker are closed (hooks after the tests run last first)
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cluster = clusterForFile('names', () => ({
  root,
  allow: ['t#1.mjs', 't?x.mjs', 'p%41.mjs'],
  threads: 1,
}));

type Which = { which: () => string };

describe('module paths with URL syntax in their file names', () => {
  it('runs the module named: a #, ? or % in a file name is part of the name', async () => {
    // tasks() takes the module's URL, where such characters are escaped
    expect(await cluster.pool.run(tasks<Which>(new URL('t%231.mjs', root)).which)).toBe('t#1.mjs');
    expect(await cluster.pool.run(tasks<Which>(new URL('t%3Fx.mjs', root)).which)).toBe('t?x.mjs');
    expect(await cluster.pool.run(tasks<Which>(new URL('p%2541.mjs', root)).which)).toBe(
      'p%41.mjs',
    );
  });
});
