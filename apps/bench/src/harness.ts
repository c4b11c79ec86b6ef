// The benchmark harness: every scenario measures @par and its peers in the same
// process run, alternating contenders round by round after a warm-up, and keeps
// the median, so that ratios are comparable even when absolute numbers drift.
// Every run's output is checked against the scenario's `check`: a wrong or missing
// result fails the scenario (runScenario rejects with WrongResult).
import { type ResultCheck, WrongResult } from './checks.js';

/** What one measured run returns: its output (checked) and, optionally, its figure. */
export interface Outcome {
  /** The run's results, checked by the scenario's `check` after every run. */
  output: unknown;
  /** The figure in the scenario's unit; when absent, the harness times the run. */
  figure?: number;
}

/** One library's implementation of a scenario. */
export interface Contender {
  /** Shown in the table, e.g. '@par/async limit' or 'p-limit'. */
  name: string;
  /** Set up once before the warm-up (start a pool, import a module). */
  setup?: () => Promise<void> | void;
  /**
   * One measured run, returning its output (checked by the scenario) and optionally
   * its figure. Without a figure the harness times the run (the figure is then
   * `ops / seconds` for 'ops/s', or the elapsed time for 'ms' / 'µs'); return the
   * figure yourself for µs per round trip, MB of RSS, a speed-up factor. Return `null`
   * when the contender cannot run here (e.g. no python3); the row then says why via
   * `unavailable`.
   */
  run: () => Promise<Outcome | null> | Outcome | null;
  /** Tear down once after the last round (close the pool). */
  teardown?: () => Promise<void> | void;
  /** True for @par's own contender(s): the ratio column is computed against the others. */
  ours?: boolean;
  /** Set by the contender when it cannot run here; shown in the table instead of a number. */
  unavailable?: string;
}

export type Unit = 'ops/s' | 'items/s' | 'ms' | 'µs' | 'MB' | 'x' | '%';

/** The figure a scenario must reach, checked against the measured medians. */
export interface Bar {
  /** Human text for the table, e.g. '>= 2x p-limit'. */
  description: string;
  /** Given the median per contender name, whether @par met the bar. */
  check: (medians: ReadonlyMap<string, number>) => boolean;
}

export interface Scenario {
  /** Stable id, used to filter runs: `pnpm bench async` runs ids starting with 'async'. */
  id: string;
  /** Shown in the table. */
  title: string;
  unit: Unit;
  /** Operations per run, for 'ops/s' and 'items/s' units when the harness times the run. */
  ops?: number;
  /** Whether a higher figure is better (throughput) or lower (latency, memory). */
  better: 'higher' | 'lower';
  contenders: Contender[];
  /** What every run of every contender must return. */
  check: ResultCheck;
  /**
   * The best figure possible (e.g. workers ÷ task time for throughput): each row
   * then also shows its fraction of it.
   */
  ideal?: number;
  bar?: Bar;
  /** Measured rounds after the warm-up. @default 5 */
  rounds?: number;
  /** Warm-up runs per contender before measuring. @default 1 */
  warmup?: number;
}

export interface ScenarioResult {
  id: string;
  title: string;
  unit: Unit;
  better: 'higher' | 'lower';
  results: {
    name: string;
    median: number | null;
    samples: number[];
    /** The lowest and highest figure of the measured rounds, or null without samples. */
    spread: { min: number; max: number } | null;
    unavailable?: string;
    ours: boolean;
  }[];
  ideal?: number;
  bar?: { description: string; met: boolean };
  /** Set when the scenario failed (a wrong result): the message. */
  failed?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measure(scenario: Scenario, contender: Contender): Promise<number | null> {
  const start = process.hrtime.bigint();
  const outcome = await contender.run();
  const elapsedNs = Number(process.hrtime.bigint() - start);
  if (outcome === null) return null;
  if (typeof outcome !== 'object' || !('output' in outcome))
    throw new WrongResult(`${scenario.id}: ${contender.name} returned no result`);
  try {
    scenario.check(outcome.output);
  } catch (error) {
    throw new WrongResult(
      `${scenario.id}: ${contender.name} returned a wrong result: ${(error as Error).message}`,
    );
  }
  if (typeof outcome.figure === 'number') return outcome.figure;
  switch (scenario.unit) {
    case 'ops/s':
    case 'items/s':
      return (scenario.ops ?? 1) / (elapsedNs / 1e9);
    case 'ms':
      return elapsedNs / 1e6;
    case 'µs':
      return elapsedNs / 1e3 / (scenario.ops ?? 1);
    default:
      throw new Error(
        `Scenario ${scenario.id}: unit ${scenario.unit} needs run() to return the figure`,
      );
  }
}

/**
 * Runs one scenario: set-up, warm-up, alternating measured rounds, tear-down. Rejects
 * with `WrongResult` (after tearing every contender down) when a run's output is wrong.
 */
export async function runScenario(
  scenario: Scenario,
  log: (line: string) => void = () => {},
): Promise<ScenarioResult> {
  const started: Contender[] = [];
  try {
    return await measureScenario(scenario, started, log);
  } catch (error) {
    for (const contender of started) {
      try {
        await contender.teardown?.();
      } catch (teardownError) {
        log(`  ${scenario.id}: ${contender.name} teardown failed: ${String(teardownError)}`);
      }
    }
    throw error;
  }
}

async function measureScenario(
  scenario: Scenario,
  live: Contender[],
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const rounds = scenario.rounds ?? 5;
  const warmup = scenario.warmup ?? 1;
  const samples = new Map<string, number[]>();
  for (const contender of scenario.contenders) {
    samples.set(contender.name, []);
    try {
      await contender.setup?.();
      live.push(contender);
    } catch (error) {
      contender.unavailable ??= `setup failed: ${(error as Error).message}`;
    }
  }
  const runnable = () => live.filter((c) => c.unavailable === undefined);
  for (let i = 0; i < warmup; i++) {
    for (const contender of runnable()) {
      if ((await measure(scenario, contender)) === null)
        contender.unavailable ??= 'not available here';
    }
  }
  for (let round = 0; round < rounds; round++) {
    // alternate the order so no contender always runs first (warmer caches, cooler CPU)
    const order = round % 2 === 0 ? runnable() : runnable().reverse();
    for (const contender of order) {
      const value = await measure(scenario, contender);
      if (value === null) contender.unavailable ??= 'not available here';
      else samples.get(contender.name)?.push(value);
    }
    log(`  ${scenario.id}: round ${round + 1}/${rounds}`);
  }
  const done = live.splice(0);
  for (const contender of done) await contender.teardown?.();
  const results = scenario.contenders.map((c) => {
    const s = samples.get(c.name) ?? [];
    return {
      name: c.name,
      median: c.unavailable !== undefined || s.length === 0 ? null : median(s),
      samples: s,
      spread: s.length === 0 ? null : { min: Math.min(...s), max: Math.max(...s) },
      ...(c.unavailable !== undefined ? { unavailable: c.unavailable } : {}),
      ours: c.ours === true,
    };
  });
  const medians = new Map(
    results.filter((r) => r.median !== null).map((r) => [r.name, r.median as number]),
  );
  return {
    id: scenario.id,
    title: scenario.title,
    unit: scenario.unit,
    better: scenario.better,
    results,
    ...(scenario.ideal !== undefined ? { ideal: scenario.ideal } : {}),
    ...(scenario.bar
      ? { bar: { description: scenario.bar.description, met: scenario.bar.check(medians) } }
      : {}),
  };
}

/** Helper for bars: the median of a named contender, or NaN. */
export function get(medians: ReadonlyMap<string, number>, name: string): number {
  return medians.get(name) ?? Number.NaN;
}
