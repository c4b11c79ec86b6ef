// The benchmark harness: every scenario measures @par and its peers in the same
// process run, alternating contenders round by round after a warm-up, and keeps
// the median, so that ratios are comparable even when absolute numbers drift.

/** One library's implementation of a scenario. */
export interface Contender {
  /** Shown in the table, e.g. '@par/async limit' or 'p-limit'. */
  name: string;
  /** Set up once before the warm-up (start a pool, import a module). */
  setup?: () => Promise<void> | void;
  /**
   * One measured run. Return nothing to have the harness time it (the figure is then
   * `ops / seconds` for 'ops/s', or the elapsed time for 'ms' / 'µs'), or return the
   * measured figure yourself (µs per round trip, MB of RSS, a speed-up factor) in the
   * scenario's unit. Return `null` when the contender cannot run here (e.g. no python3);
   * the row then says why via `unavailable`.
   */
  run: () => unknown;
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
    unavailable?: string;
    ours: boolean;
  }[];
  bar?: { description: string; met: boolean };
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
  const value = await contender.run();
  const elapsedNs = Number(process.hrtime.bigint() - start);
  if (value === null) return null;
  if (typeof value === 'number') return value;
  // anything else (undefined, a pool's result) means: time the run
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

/** Runs one scenario: set-up, warm-up, alternating measured rounds, tear-down. */
export async function runScenario(
  scenario: Scenario,
  log: (line: string) => void = () => {},
): Promise<ScenarioResult> {
  const rounds = scenario.rounds ?? 5;
  const warmup = scenario.warmup ?? 1;
  const samples = new Map<string, number[]>();
  const live: Contender[] = [];
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
  for (const contender of live) await contender.teardown?.();
  const results = scenario.contenders.map((c) => {
    const s = samples.get(c.name) ?? [];
    return {
      name: c.name,
      median: c.unavailable !== undefined || s.length === 0 ? null : median(s),
      samples: s,
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
    ...(scenario.bar
      ? { bar: { description: scenario.bar.description, met: scenario.bar.check(medians) } }
      : {}),
  };
}

/** Helper for bars: the median of a named contender, or NaN. */
export function get(medians: ReadonlyMap<string, number>, name: string): number {
  return medians.get(name) ?? Number.NaN;
}
