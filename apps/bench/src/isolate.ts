// Every scenario runs in a fresh Node process of its own (the same loader and flags as
// the bench), so that nothing one scenario leaves behind in the process changes what
// the next one measures: a heap grown by 1M results, JIT feedback from other callers
// of the same code, or a switch such as Node 20's promise hooks, on in a thread for as
// long as an AsyncLocalStorage that has run a callback stays enabled, which makes every
// await there about half as fast.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario, type Scenario, type ScenarioResult } from './harness.js';

/** The environment variables that turn this module into a scenario's process. */
const ID = 'PAR_BENCH_SCENARIO';
const OUT = 'PAR_BENCH_RESULT';
const FROM = 'PAR_BENCH_SCENARIOS';

export interface IsolateOptions {
  /** The module whose `loadScenarios()` has the scenario (default: the bench's). */
  scenarios?: URL;
  /** Node flags of the scenario's process (default: this process's, so the same loader). */
  execArgv?: string[];
}

/** Runs scenario `id` in a process of its own; its log lines go to this stderr. */
export function runIsolated(id: string, options: IsolateOptions = {}): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(os.tmpdir(), 'par-bench-scenario-'));
  const out = join(dir, 'result.json');
  const from = options.scenarios ?? new URL('./scenarios.js', import.meta.url);
  const execArgv = options.execArgv ?? process.execArgv;
  return new Promise<ScenarioResult>((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, [ID]: id, [OUT]: out, [FROM]: from.href },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      try {
        if (code !== 0) {
          throw new Error(
            `the process of scenario ${id} exited ${signal ? `by ${signal}` : `with code ${code}`}`,
          );
        }
        resolve(JSON.parse(readFileSync(out, 'utf8')) as ScenarioResult);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const id = process.env[ID];
const out = process.env[OUT];
const from = process.env[FROM];
if (id !== undefined && out !== undefined && from !== undefined) {
  // a scenario's process: run it, write its result, report its memory, and exit
  // (pools a scenario forgot to close must not keep the bench waiting); what it starts
  // does not inherit the variables
  delete process.env[ID];
  delete process.env[OUT];
  delete process.env[FROM];
  const { loadScenarios } = (await import(from)) as { loadScenarios(): Promise<Scenario[]> };
  const scenario = (await loadScenarios()).find((s) => s.id === id);
  if (scenario === undefined) throw new Error(`No scenario ${id}`);
  const result = await runScenario(scenario, (line) => console.error(line));
  writeFileSync(out, JSON.stringify(result));
  const memory = process.memoryUsage();
  console.error(
    `  ${id}: its process at the end: heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(memory.rss / 2 ** 20).toFixed(0)} MB`,
  );
  process.exit(0);
}
