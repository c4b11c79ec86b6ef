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
// `require.main.exports.codeCache`), and `codeCacheWritten` whether this child wrote
// it, for tests and diagnostics.
const diagnostics = { codeCache: entry.state, codeCacheWritten: false };
(require.cache[__filename] as NodeJS.Module).exports = diagnostics;
const entryModule = {
  exports: {} as { start(loaders: EntryLoaders, onFirstResults: () => void): void },
};
entry.run(entryModule.exports, require, entryModule as unknown as NodeJS.Module, __dirname);
// Once a pool child answered its first call, the cache holds what a call runs too: it
// is written right after that answer left (the port calls this once the results were
// written), before the child goes on.
entryModule.exports.start(loaders, () => {
  if (entry.write()) diagnostics.codeCacheWritten = true;
});
