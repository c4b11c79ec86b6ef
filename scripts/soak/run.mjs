// Soak and chaos runs across the suite: the check a maintainer runs before a release
// (not part of .ci/run; it takes minutes). Run after the build:
//
//   node scripts/soak/run.mjs [--calls 1000000] [--chaos 3000] [--seed 20261206]
//
// 1. Soak: `--calls` calls through a ThreadPool and a ProcessPool (in windows of 10,000,
//    every result checked) and through Parallel (a generator read lazily), with the RSS
//    sampled; prints the samples and the growth.
// 2. Chaos: one seeded run mixing a ThreadPool and a ProcessPool, a Queue shared with
//    thread tasks, and injected failures: throws, crashes, out-of-memory, aborts,
//    timeouts and external SIGKILLs of children. Every call must settle with an outcome
//    its kind allows, the pools must count every call once, every item a producer
//    reported must be in the queue exactly once, and after close() no child process
//    may be left. The seed is printed with every failure, so a run can be replayed.
// 3. The whole run happens in a child process that must exit by itself once it is
//    done: a worker, child, timer or handle left behind fails the run.
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const root = new URL('../../', import.meta.url);
const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    chaos: { type: 'string', default: '3000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    child: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);

if (!values.child) {
  // The parent only watches: the child must finish and then exit by itself.
  const child = fork(new URL(import.meta.url), [...process.argv.slice(2), '--child'], {
    stdio: 'inherit',
  });
  let finished = false;
  child.on('message', (message) => {
    if (message === 'finished') {
      finished = true;
      setTimeout(() => {
        console.error(
          `FAIL (seed ${seed}): the run finished but its process did not exit within 10 s: a worker, child process, timer or handle was left behind`,
        );
        child.kill('SIGKILL');
        process.exitCode = 1;
      }, 10_000).unref();
    }
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 || signal !== null) {
      console.error(`FAIL (seed ${seed}): the run exited with ${signal ?? code}`);
      process.exitCode = 1;
    } else if (!finished) {
      console.error(`FAIL (seed ${seed}): the run exited before it finished`);
      process.exitCode = 1;
    } else {
      console.log(`soak and chaos passed (seed ${seed})`);
    }
  });
} else {
  await runChild();
}

async function runChild() {
  const threads = await import(new URL('packages/threads/dist/index.js', root).href);
  const processes = await import(new URL('packages/processes/dist/index.js', root).href);
  const { Queue } = await import(new URL('packages/queue/dist/index.js', root).href);
  const taskUrl = new URL('./tasks.mjs', import.meta.url);
  const tt = threads.tasks(taskUrl);
  const pt = processes.tasks(taskUrl);
  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

  // ---- soak ----
  const calls = Number(values.calls);
  for (const [name, pool, t] of [
    ['ThreadPool(2)', new threads.ThreadPool(2), tt],
    ['ProcessPool(2)', new processes.ProcessPool(2), pt],
  ]) {
    const idle = process.memoryUsage().rss;
    const samples = [];
    const started = performance.now();
    for (let next = 0; next < calls; ) {
      const end = Math.min(calls, next + 10_000);
      const window = [];
      for (let i = next; i < end; i++) {
        window.push(
          pool.run(t.double, i).then((value) => {
            if (value !== i * 2) throw new Error(`${name}: call ${i} returned ${value}`);
          }),
        );
      }
      await Promise.all(window);
      next = end;
      if (next % Math.max(10_000, Math.floor(calls / 10)) === 0 || next === calls) {
        samples.push(process.memoryUsage().rss);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await pool.close();
    const peak = Math.max(...samples);
    console.log(
      `soak ${name}: ${calls} calls in ${seconds.toFixed(1)} s (${Math.round(calls / seconds)}/s); RSS idle ${mb(idle)}, samples ${samples.map(mb).join(' ')}, peak ${mb(peak)} (+${mb(peak - idle)})`,
    );
  }

  // the same through Parallel, read lazily from a generator
  {
    const { Parallel, delayed } = await import(
      new URL('packages/joblib-style/dist/index.js', root).href
    );
    const idle = process.memoryUsage().rss;
    const samples = [];
    const started = performance.now();
    function* inputs() {
      for (let i = 0; i < calls; i++) yield delayed(tt.double)(i);
    }
    let i = 0;
    for await (const value of Parallel({ nJobs: 2, returnAs: 'generator' })(inputs())) {
      if (value !== i * 2) throw new Error(`Parallel: call ${i} returned ${value}`);
      i++;
      if (i % Math.max(10_000, Math.floor(calls / 10)) === 0)
        samples.push(process.memoryUsage().rss);
    }
    if (i !== calls) throw new Error(`Parallel: ${i} results for ${calls} calls`);
    const seconds = (performance.now() - started) / 1000;
    const peak = Math.max(...samples, idle);
    console.log(
      `soak Parallel(nJobs 2, generator): ${calls} calls in ${seconds.toFixed(1)} s (${Math.round(calls / seconds)}/s); RSS idle ${mb(idle)}, samples ${samples.map(mb).join(' ')}, peak ${mb(peak)} (+${mb(peak - idle)})`,
    );
  }

  // ---- chaos ----
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const fail = (message) => {
    throw new Error(`chaos (seed ${seed}): ${message}`);
  };
  const tp = new threads.ThreadPool({
    maxWorkers: 2,
    gracePeriod: 50,
    resourceLimits: { maxOldGenerationSizeMb: 32 },
  });
  const pp = new processes.ProcessPool({ maxWorkers: 2, gracePeriod: 100, maxOldSpaceSize: 64 });
  const queue = new Queue();
  const kinds = ['ok', 'ok', 'ok', 'ok', 'fail', 'crash', 'oom', 'abort', 'timeout', 'produce'];
  const n = Number(values.chaos);
  const outcomes = [];
  const made = { threads: 0, processes: 0 };
  const produced = [];
  const childPids = new Set();
  let kills = 0;
  for (let i = 0; i < n; i++) {
    const onThreads = random() < 0.5;
    let kind = kinds[Math.floor(random() * kinds.length)];
    if (kind === 'produce' && !onThreads) kind = 'ok';
    if (kind === 'oom' && random() < 0.7) kind = 'ok'; // out-of-memory runs are slow
    const pool = onThreads ? tp : pp;
    const t = onThreads ? tt : pt;
    made[onThreads ? 'threads' : 'processes']++;
    let call;
    const reason = new Error(`abort ${i}`);
    switch (kind) {
      case 'ok':
        call = pool.run(t.double, i);
        break;
      case 'fail':
        call = pool.run(t.fail, i);
        break;
      case 'crash':
        call = pool.run(t.crash, 70);
        break;
      case 'oom':
        call = pool.run(t.allocateForever);
        break;
      case 'abort': {
        const controller = new AbortController();
        call = pool.run({ task: t.hang, args: [], signal: controller.signal });
        setTimeout(() => controller.abort(reason), Math.floor(random() * 20));
        break;
      }
      case 'timeout':
        call = pool.run({ task: t.hang, args: [], timeout: 10 + Math.floor(random() * 40) });
        break;
      case 'produce':
        call = pool.run(t.produce, queue, `p${i}`, 5);
        break;
    }
    outcomes.push(
      call.then(
        (value) => ({ i, kind, onThreads, ok: true, value }),
        (error) => ({ i, kind, onThreads, ok: false, error }),
      ),
    );
    // now and then, SIGKILL a child of the process pool from outside
    if (i % 250 === 125) {
      const pid = await pp.run(pt.pid).catch(() => undefined);
      if (pid !== undefined) {
        childPids.add(pid);
        try {
          process.kill(pid, 'SIGKILL');
          kills++;
        } catch {
          // it already exited (recycled or crashed): nothing to kill
        }
      }
    }
  }
  const watchdog = setTimeout(() => {
    console.error(`chaos (seed ${seed}): calls still pending after 5 minutes`);
    process.exit(1);
  }, 300_000);
  const settled = await Promise.all(outcomes);
  clearTimeout(watchdog);

  const tally = {};
  for (const o of settled) {
    const where = `call ${o.i} (${o.kind} on ${o.onThreads ? 'threads' : 'processes'})`;
    const crashed = !o.ok && o.error instanceof threads.WorkerCrashedError;
    // a process-pool call may die with the child an external SIGKILL hit
    const killed = !o.onThreads && !o.ok && o.error instanceof processes.WorkerCrashedError;
    const label = o.ok ? 'ok' : (o.error?.name ?? 'unknown');
    tally[`${o.kind}:${label}`] = (tally[`${o.kind}:${label}`] ?? 0) + 1;
    switch (o.kind) {
      case 'ok':
        // A call batched behind ones that kill their worker (out of memory) may be
        // requeued until the engine's limit (MAX_REQUEUES): then it fails with a
        // WorkerCrashedError that says so, never silently.
        if (
          o.ok
            ? o.value !== o.i * 2
            : !killed && !(crashed && /workers died under it \d+ times/.test(o.error.message))
        )
          fail(`${where}: ${o.ok ? o.value : o.error}`);
        break;
      case 'fail':
        if (o.ok || (o.error.message !== `failed ${o.i}` && !killed)) fail(`${where}: ${o.error}`);
        break;
      case 'crash':
      case 'oom':
        if (o.ok || !(crashed || killed)) fail(`${where}: ${o.ok ? o.value : o.error}`);
        break;
      case 'abort':
        if (o.ok || (o.error !== undefined && o.error.message !== `abort ${o.i}` && !killed)) {
          fail(`${where}: ${o.ok ? o.value : o.error}`);
        }
        break;
      case 'timeout':
        if (o.ok || (o.error.name !== 'TimeoutError' && !killed)) fail(`${where}: ${o.error}`);
        break;
      case 'produce':
        if (o.ok) produced.push(o.i);
        else if (!crashed) fail(`${where}: ${o.error}`);
        break;
    }
  }
  const ts = tp.stats();
  const ps = pp.stats();
  // the pid calls of the SIGKILL injection are calls too
  const pidCalls = Math.floor((n + 124) / 250);
  if (ts.completed + ts.failed !== made.threads) {
    fail(`thread pool counted ${ts.completed + ts.failed} calls, ${made.threads} were made`);
  }
  if (
    ps.completed + ps.failed < made.processes ||
    ps.completed + ps.failed > made.processes + pidCalls
  ) {
    fail(
      `process pool counted ${ps.completed + ps.failed} calls, ${made.processes} (+${pidCalls} pid calls) were made`,
    );
  }
  const items = [];
  while (!queue.empty()) items.push(queue.getNowait());
  if (new Set(items).size !== items.length) fail('an item was put into the queue twice');
  for (const i of produced) {
    for (let k = 0; k < 5; k++) {
      if (!items.includes(`p${i}:${k}`))
        fail(`item p${i}:${k} of a producer that finished is missing`);
    }
  }
  await Promise.all([tp.close(), pp.close()]);
  const left = childrenOf(process.pid);
  if (left.length > 0) fail(`child processes left after close(): ${left.join(', ')}`);
  console.log(
    `chaos: ${n} calls (${made.threads} on threads, ${made.processes} on processes), ${kills} external SIGKILLs, ${produced.length} producers, ${items.length} queue items, seed ${seed}`,
  );
  console.log(
    `chaos outcomes: ${Object.entries(tally)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  process.send?.('finished');
  process.disconnect?.();
}

function childrenOf(pid) {
  const children = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}
