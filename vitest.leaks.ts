// A vitest setup file for the pool packages' tests: after each test file, nothing the
// file started may still be alive. It checks, rather than assumes, three things:
//  - worker threads: every `Worker` constructed in this process (the class exported
//    by node:worker_threads is replaced by a subclass that records its instances, so
//    the engine's own `import { Worker }` sees it) must have exited;
//  - child processes: no process whose parent is this one (read from /proc) may run,
//    except esbuild's service process (see below);
//  - handles and timers: `process.getActiveResourcesInfo()` may name no more of any
//    kind (Timeout, ProcessWrap, TCPWrap, …) than when the file started, so vitest's
//    own resources are left out.
// Leftovers get a moment to finish closing (they are polled, up to a safety-net
// deadline), then the file fails with the list.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { afterAll } from 'vitest';

const require = createRequire(import.meta.url);
const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');

/** Live workers of this process and what they run (one map, however often this file loads). */
const registry = globalThis as { parLiveWorkers?: Map<NodeWorker, string> };
registry.parLiveWorkers ??= new Map();
const liveWorkers = registry.parLiveWorkers;

const Original = workerThreads.Worker;
if (!(Original as { parLeakTracked?: boolean }).parLeakTracked) {
  class Worker extends Original {
    static parLeakTracked = true;
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      liveWorkers.set(this, String(args[0]));
      this.once('exit', () => liveWorkers.delete(this));
    }
  }
  workerThreads.Worker = Worker;
  // ES module imports of node:worker_threads (`import { Worker } from ...`) see it too
  syncBuiltinESMExports();
}

function countByKind(kinds: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

const baseline = countByKind(process.getActiveResourcesInfo());

const ESBUILD_SERVICE = /\/esbuild(\.exe)? --service=/;

/** Children of this process that have not exited (zombies are already gone). */
function liveChildren(): string[] {
  if (!existsSync('/proc/self/stat')) return [];
  const children: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited while we looked
    }
    // pid (comm) state ppid ...; comm may hold spaces and parentheses
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) !== process.pid || state === 'Z') continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {}
    // esbuild's JS API (through vite in the browser tests) starts one service process on
    // first use and keeps it, unref'd, for the rest of the process: a tool's, not a leak
    if (ESBUILD_SERVICE.test(command)) continue;
    children.push(`child process ${entry}: ${command}`);
  }
  return children;
}

function leftovers(): string[] {
  const found = [...liveWorkers.values()].map((script) => `worker thread running ${script}`);
  found.push(...liveChildren());
  for (const [kind, count] of countByKind(process.getActiveResourcesInfo())) {
    const extra = count - (baseline.get(kind) ?? 0);
    if (extra > 0) found.push(`${extra} × ${kind} (active handle or timer)`);
  }
  return found;
}

/** How long leftovers may take to finish closing before the file fails (a safety net). */
const SETTLE_MS = 5_000;

// node:timers/promises and perf_hooks: a test file that left fake timers installed
// must not stop this wait
afterAll(async () => {
  const deadline = performance.now() + SETTLE_MS;
  let found = leftovers();
  while (found.length > 0 && performance.now() < deadline) {
    await delay(25);
    found = leftovers();
  }
  if (found.length > 0) {
    throw new Error(
      `This test file left ${found.length} thing(s) running after its tests:\n  ${found.join('\n  ')}`,
    );
  }
}, SETTLE_MS + 5_000);
