import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const internal = new URL('../dist/internal.js', import.meta.url).href;
const index = new URL('../dist/index.js', import.meta.url).href;

// In a process of its own: the test runner may keep async hooks of its own on.
function runScript(body: string): Record<string, unknown> {
  const script = `
    import { executionAsyncId } from 'node:async_hooks';
    import { abortTaskContext, createTaskContext, runInTaskContext } from ${JSON.stringify(internal)};
    import { taskSignal } from ${JSON.stringify(index)};
    // 0 unless promise hooks are on: a reaction then runs with its promise's async id
    const hooksOn = () => Promise.resolve().then(() => executionAsyncId() !== 0);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const out = {};
    ${body}
    console.log(JSON.stringify(out));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  ) as Record<string, unknown>;
}

describe('task contexts', () => {
  it("keep a task's signal across its awaits, and leave no promise hooks on once no task runs", () => {
    const out = runScript(`
      out.before = await hooksOn();
      out.sync = runInTaskContext(createTaskContext(), () => taskSignal().aborted);
      const context = createTaskContext();
      let release;
      const gate = new Promise((resolve) => { release = resolve; });
      const running = runInTaskContext(context, async () => {
        await gate;
        return taskSignal().aborted;
      });
      await turn();
      // an async task still running keeps its context, so its hooks stay on
      out.during = await hooksOn();
      abortTaskContext(context, new Error('stop'));
      release();
      out.abortedInside = await running;
      out.outside = taskSignal().aborted;
      await turn();
      out.after = await hooksOn();
      // a failing task leaves too
      await runInTaskContext(createTaskContext(), async () => { throw new Error('x'); }).catch(() => {});
      try { runInTaskContext(createTaskContext(), () => { throw new Error('y'); }); } catch {}
      await turn();
      out.afterFailures = await hooksOn();
    `);
    // Node 24 keeps AsyncLocalStorage in the async context frame, with no promise hooks
    const hooksWhileRunning = Number(process.versions.node.split('.')[0]) < 24;
    expect(out).toEqual({
      before: false,
      sync: false,
      during: hooksWhileRunning,
      abortedInside: true,
      outside: false,
      after: false,
      afterFailures: false,
    });
  });
});
