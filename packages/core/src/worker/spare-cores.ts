// Whether the machine has CPU time that nobody but this thread wants: the gate of an
// idle worker's spin-polling (inbox.ts). On Linux it is measured over the last
// quarter of a second, from the machine's CPU time (/proc/stat) less the time this
// thread ran (/proc/thread-self/schedstat), so a busy machine stops the spinning
// within a quarter of a second and a quiet one allows it as soon, and the spinning
// thread does not count against itself. Elsewhere (or if /proc cannot be read) the
// 1-minute load average stands in, which trails a change of load by a minute.

import { cpuCount } from '../cpu-count.js';
import { now } from './clock.js';

/** How often the gate is measured again (ms). */
const CHECK_MS = 250;
/** After the first sample, how soon the second one is taken (ms). */
const FIRST_CHECK_MS = 50;
/**
 * How much of a core the other threads must leave unused for this thread to spin:
 * half of one. The thread that feeds the spinning one (the pool's owner, in a
 * request/response loop) can keep a core of its own busy, and on a machine of two
 * cores that leaves the spinner one core at most.
 */
const SPARE_CORE = 0.5;

/** @internal Counters read at one instant. */
export interface CpuSample {
  /** When it was read (ms, this worker's monotonic clock). */
  at: number;
  /** The machine's CPU time spent busy, summed over its cores (any unit). */
  busy: number;
  /** The machine's CPU time, busy or idle, summed over its cores (the same unit). */
  total: number;
  /** This thread's CPU time (ms). */
  self: number;
  /** The cores the machine's counters cover. */
  cores: number;
}

/**
 * @internal Whether, between two samples, the machine's other threads (all but the
 * sampling one) left at least half a core unused.
 */
export function spareBetween(before: CpuSample, after: CpuSample): boolean {
  const wall = after.at - before.at;
  const total = after.total - before.total;
  if (wall <= 0 || total <= 0) return false;
  const busyCores = ((after.busy - before.busy) / total) * after.cores;
  const selfCores = (after.self - before.self) / wall;
  return after.cores - (busyCores - selfCores) >= SPARE_CORE;
}

type Fs = typeof import('node:fs');
type Os = typeof import('node:os');

function builtin<T>(name: string): T | undefined {
  const process = (globalThis as { process?: NodeJS.Process }).process;
  try {
    return process?.getBuiltinModule?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * @internal The counters now, from Linux's /proc; undefined where they cannot be
 * read (another system, a browser, a sandbox without /proc).
 */
export function readCpuSample(fs: Fs | undefined = builtin<Fs>('node:fs')): CpuSample | undefined {
  if (fs === undefined) return undefined;
  let stat: string;
  let schedstat: string;
  try {
    stat = fs.readFileSync('/proc/stat', 'latin1');
    schedstat = fs.readFileSync('/proc/thread-self/schedstat', 'latin1');
  } catch {
    return undefined;
  }
  const at = now();
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest time
  // is in user already), then a "cpuN ..." line per core
  if (!stat.startsWith('cpu ')) return undefined;
  const fields = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1, 9).map(Number);
  const cores = stat.match(/^cpu\d+ /gm)?.length ?? 0;
  const self = Number(schedstat.slice(0, schedstat.indexOf(' '))) / 1e6;
  if (fields.length < 8 || !fields.every(Number.isFinite) || cores === 0) return undefined;
  if (!Number.isFinite(self)) return undefined;
  const total = fields.reduce((sum, n) => sum + n, 0);
  const idle = (fields[3] as number) + (fields[4] as number);
  return { at, busy: total - idle, total, self, cores };
}

/** @internal The gate, measured again at most every {@link CHECK_MS} ms. */
export class SpareCores {
  #checkedAt = Number.NEGATIVE_INFINITY;
  #spare = false;
  #last: CpuSample | undefined;
  /** Whether /proc could be read (false: the load average decides). */
  #proc = true;

  constructor(
    private readonly read: () => CpuSample | undefined = readCpuSample,
    private readonly loadSpare: () => boolean = loadAverageSpare,
    private readonly clock: () => number = now,
  ) {}

  /** Whether an idle worker may spin-poll now. */
  get(): boolean {
    const t = this.clock();
    if (t - this.#checkedAt < CHECK_MS) return this.#spare;
    this.#checkedAt = t;
    const sample = this.#proc ? this.read() : undefined;
    if (sample === undefined) {
      this.#proc = false;
      this.#spare = this.loadSpare();
      return this.#spare;
    }
    const last = this.#last;
    this.#last = sample;
    if (last === undefined) {
      // a measurement needs two samples: until the second, soon, the load average decides
      this.#checkedAt = t - CHECK_MS + FIRST_CHECK_MS;
      this.#spare = this.loadSpare();
    } else {
      this.#spare = spareBetween(last, sample);
    }
    return this.#spare;
  }
}

/** Whether the 1-minute load average is below the core count. */
function loadAverageSpare(): boolean {
  const os = builtin<Os>('node:os');
  return os !== undefined && (os.loadavg()[0] ?? Number.POSITIVE_INFINITY) < cpuCount();
}
