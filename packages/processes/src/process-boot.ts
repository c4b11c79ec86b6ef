// The first file every child process of @par/processes runs. It compiles the child
// entry (process-entry.cjs, next to it) with V8's code cache (code-cache.ts) and
// starts it, handing it the loaders of this file: Node compiled this one, so its
// require() and import() work as in any module (see EntryLoaders of @par/core).
import { join } from 'node:path';
import type { EntryLoaders } from '@par/core/worker';
import { compileCached } from './code-cache.js';

const loaders: EntryLoaders = {
  require,
  import: (url) => import(url),
  functionFrom: (body) => new Function(body) as () => unknown,
};

const entry = compileCached(join(__dirname, 'process-entry.cjs'), process.env);
// What the cache did is this module's export `codeCache` (the child's main module:
// `require.main.exports.codeCache`), for tests and diagnostics.
(require.cache[__filename] as NodeJS.Module).exports = { codeCache: entry.state };
const entryModule = { exports: {} as { start(loaders: EntryLoaders): void } };
entry.run(entryModule.exports, require, entryModule as unknown as NodeJS.Module, __dirname);
entryModule.exports.start(loaders);
