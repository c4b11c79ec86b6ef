import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { ParError } from '@par/async';
import { Pipe, Process, tasks } from '@par/processes';
import { describe, expect, it } from 'vitest';

const t = tasks<typeof import('./fixtures/process-tasks.mjs')>(
  new URL('./fixtures/process-tasks.mjs', import.meta.url),
);

describe('Process', () => {
  it('start() runs the task in a child and join() resolves to exit code 0', async () => {
    const p = new Process(t.noop);
    expect(p.start()).toBe(p);
    expect(await p.join()).toBe(0);
    expect(p.exitCode).toBe(0);
  });

  it('exitCode is null, isAlive true and pid a number while the child runs', async () => {
    const [here, there] = Pipe();
    const p = new Process(t.waitForever, { args: [there] });
    expect(p.pid).toBeUndefined();
    expect(p.isAlive).toBe(false);
    p.start();
    there.close();
    expect(await here.recv()).toBe('ready');
    expect(p.exitCode).toBeNull();
    expect(p.isAlive).toBe(true);
    expect(typeof p.pid).toBe('number');
    p.kill();
    await p.join();
    expect(p.isAlive).toBe(false);
  });

  it('kill() ends the child with SIGKILL: exitCode -9', async () => {
    const [here, there] = Pipe();
    const p = new Process(t.spin, { args: [there] }).start();
    there.close(); // EOF instead of a hang if the child dies early
    await here.recv();
    p.kill();
    expect(await p.join()).toBe(-9);
    expect(p.exitCode).toBe(-9);
  });

  it('terminate() ends the child with SIGTERM: exitCode -15', async () => {
    const [here, there] = Pipe();
    const p = new Process(t.waitForever, { args: [there] }).start();
    there.close(); // EOF instead of a hang if the child dies early
    await here.recv();
    p.terminate();
    expect(await p.join()).toBe(-15);
  });

  it('a task that throws exits with code 1', async () => {
    const p = new Process(t.fail, { args: ['expected failure'], stdio: 'pipe' }).start();
    const stderr = text(p.stderr as NonNullable<typeof p.stderr>);
    expect(await p.join()).toBe(1);
    expect(await stderr).toContain('expected failure');
  });

  it('process.exit(n) in the task becomes exitCode n', async () => {
    expect(await new Process(t.exitWith, { args: [7] }).start().join()).toBe(7);
  });

  it('runs a self-contained function', async () => {
    const p = new Process((code: number) => process.exit(code), { args: [5] });
    expect(await p.start().join()).toBe(5);
  });

  it('a self-contained function that uses an outer variable names it on stderr and exits 1', async () => {
    const outer = 2;
    const p = new Process((n: number) => n * outer, { args: [1], stdio: 'pipe' }).start();
    const stderr = text(p.stderr as NonNullable<typeof p.stderr>);
    expect(await p.join()).toBe(1);
    const shown = await stderr;
    expect(shown).toContain('TaskClosureError');
    expect(shown).toContain('`outer`');
    expect(shown).toContain("tasks(new URL('./tasks.js', import.meta.url))");
  });

  it('start() twice throws', async () => {
    const p = new Process(t.noop).start();
    expect(() => p.start()).toThrow(ParError);
    await p.join();
    expect(() => p.start()).toThrow(/only once/);
  });

  it('join() before start() rejects', async () => {
    await expect(new Process(t.noop).join()).rejects.toThrow(/not started/);
  });

  it('join({ timeout }) resolves to null while the child still runs', async () => {
    const [here, there] = Pipe();
    const p = new Process(t.waitForever, { args: [there] }).start();
    there.close(); // EOF instead of a hang if the child dies early
    await here.recv();
    expect(await p.join({ timeout: 1 })).toBeNull();
    expect(p.isAlive).toBe(true);
    p.kill();
    expect(await p.join({ timeout: 60_000 })).toBe(-9);
  });

  it('join({ signal }) rejects with the reason and leaves the child running', async () => {
    const [here, there] = Pipe();
    const p = new Process(t.waitForever, { args: [there] }).start();
    there.close(); // EOF instead of a hang if the child dies early
    await here.recv();
    const controller = new AbortController();
    const joined = p.join({ signal: controller.signal });
    const reason = new Error('stop waiting');
    controller.abort(reason);
    await expect(joined).rejects.toBe(reason);
    expect(p.isAlive).toBe(true);
    p.kill();
    await p.join();
  });

  it('join() can be called again after exit', async () => {
    const p = new Process(t.exitWith, { args: [3] }).start();
    expect(await p.join()).toBe(3);
    expect(await p.join()).toBe(3);
  });

  it('env and cwd reach the child', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'par-process-')));
    const [here, there] = Pipe<{ value: string; cwd: string }>();
    const p = new Process(t.reportEnvironment, {
      args: [there, 'PAR_TEST_VALUE'],
      env: { ...process.env, PAR_TEST_VALUE: 'from the parent' },
      cwd: dir,
    }).start();
    const report = await here.recv();
    expect(report.value).toBe('from the parent');
    expect(report.cwd).toBe(dir);
    await p.join();
  });

  it("stdio: 'pipe' exposes the child's stdout", async () => {
    const p = new Process(t.print, { args: ['hello from the child\n'], stdio: 'pipe' }).start();
    const out = text(p.stdout as NonNullable<typeof p.stdout>);
    expect(await p.join()).toBe(0);
    expect(await out).toBe('hello from the child\n');
  });

  it('an argument that cannot be sent throws at start() and starts nothing', () => {
    const p = new Process(t.print, { args: [(() => 1) as unknown as string] });
    expect(() => p.start()).toThrow(/Argument 0 of Process-\d+ cannot be sent/);
    expect(p.pid).toBeUndefined();
  });

  it('shared memory (a SharedArrayBuffer or a view on one, as sharedArray makes) throws a TypeError naming the argument', () => {
    const view = new Float64Array(new SharedArrayBuffer(16));
    const p = new Process(t.print, { args: [{ totals: view } as unknown as string] });
    let error: unknown;
    try {
      p.start();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error).message)).toMatch(
      /^Argument 0 at \.totals of Process-\d+ is shared memory .*cannot cross a process boundary/,
    );
    expect(p.pid).toBeUndefined();
  });

  it('names processes Process-<n> unless named', () => {
    expect(new Process(t.noop).name).toMatch(/^Process-\d+$/);
    expect(new Process(t.noop, { name: 'indexer' }).name).toBe('indexer');
  });

  it('await using terminates a running child and waits for it', async () => {
    const [here, there] = Pipe();
    let pid: number | undefined;
    {
      await using p = new Process(t.waitForever, { args: [there] }).start();
      there.close(); // EOF instead of a hang if the child dies early
      await here.recv();
      pid = p.pid;
    }
    expect(() => process.kill(pid as number, 0)).toThrow();
  });

  it('start() returns the process; exitCode is null until exit and join() resolves to it', async () => {
    const child = new Process(t.sleep, { args: [10], name: 'sleeper' });
    expect(child.exitCode).toBeNull();
    expect(child.isAlive).toBe(false);
    expect(child.name).toBe('sleeper');
    expect(child.start()).toBe(child);
    expect(child.isAlive).toBe(true);
    expect(typeof child.pid).toBe('number');
    expect(await child.join()).toBe(0);
    expect(child.exitCode).toBe(0);
    expect(child.isAlive).toBe(false);
  });
});
