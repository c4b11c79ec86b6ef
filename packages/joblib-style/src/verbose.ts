// joblib's progress messages (parallel.py: _print, print_progress,
// _verbosity_filter; logger.py: short_format_time), same lines and widths.

/** Writes one line to stderr (verbose < 50) or stdout (verbose >= 50). */
export type LineWriter = (line: string, verbose: number) => void;

interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

function stdStream(which: 'stdout' | 'stderr'): Stream | undefined {
  return (globalThis as unknown as { process?: Record<string, Stream | undefined> }).process?.[
    which
  ];
}

/** The default writer: stderr below 50, stdout from 50, console in browsers. */
export const defaultWriter: LineWriter = (line, verbose) => {
  const stream = stdStream(verbose < 50 ? 'stderr' : 'stdout');
  if (stream !== undefined) stream.write(`${line}\n`);
  else if (verbose < 50) console.error(line);
  else console.log(line);
};

/** Python's `'%.1f'`: like `toFixed(1)`, but an exact tie rounds half to even. */
export function pyFixed1(x: number): string {
  const tie = /^(-?\d+)\.(\d)50+$/.exec(x.toFixed(20));
  if (tie !== null && Number(tie[2]) % 2 === 0) return `${tie[1]}.${tie[2]}`;
  return x.toFixed(1);
}

/** `short_format_time`: `' %5.1fs'`, or `'%4.1fmin'` above a minute (seconds in). */
export function shortFormatTime(seconds: number): string {
  if (seconds > 60) return `${pyFixed1(seconds / 60).padStart(4)}min`;
  return ` ${pyFixed1(seconds).padStart(5)}s`;
}

/** `_verbosity_filter`: true when the message for batch `index` is skipped. */
export function verbosityFilter(index: number, verbose: number): boolean {
  if (!verbose) return true;
  if (verbose > 10) return false;
  if (index === 0) return false;
  const v = 0.5 * (11 - verbose) ** 2;
  const scale = Math.sqrt(index / v);
  const nextScale = Math.sqrt((index + 1) / v);
  return Math.trunc(nextScale) === Math.trunc(scale);
}

const pad3 = (n: number) => String(n).padStart(3);

/** What `print_progress` looks at after each completed batch. */
export interface ProgressState {
  /** Still reading the input under `preDispatch` (joblib's `_original_iterator is not None`). */
  readingInput: boolean;
  dispatchedBatches: number;
  dispatchedTasks: number;
  completedTasks: number;
  /** joblib's `_pre_dispatch_amount` (0 for `'all'` and for `nJobs: 1`). */
  preDispatchAmount: number;
  /** Seconds since the run started. */
  elapsed: number;
}

/** joblib's `Parallel` progress printer; `label` is `Parallel(nJobs=2)`. */
export class VerbosePrinter {
  readonly #label: string;
  readonly #verbose: number;
  readonly #write: LineWriter;

  constructor(label: string, verbose: number, write: LineWriter = defaultWriter) {
    this.#label = label;
    this.#verbose = verbose;
    this.#write = write;
  }

  get enabled(): boolean {
    return this.#verbose > 0;
  }

  print(message: string): void {
    if (!this.#verbose) return;
    this.#write(`[${this.#label}]: ${message}`, this.#verbose);
  }

  start(backendName: string, nJobs: number): void {
    this.print(`Using backend ${backendName} with ${nJobs} concurrent workers.`);
  }

  batchSize(reason: 'too fast' | 'too slow', durationMs: number, size: number): void {
    if (this.#verbose >= 10) {
      this.print(
        `Batch computation ${reason} (${(durationMs / 1000).toFixed(4)}s.) Setting batch_size=${size}.`,
      );
    }
  }

  progress(s: ProgressState): void {
    if (!this.#verbose) return;
    if (s.readingInput) {
      if (verbosityFilter(s.dispatchedBatches, this.#verbose)) return;
      this.print(
        `Done ${pad3(s.completedTasks)} tasks      | elapsed: ${shortFormatTime(s.elapsed)}`,
      );
      return;
    }
    const index = s.completedTasks;
    const total = s.dispatchedTasks;
    if (index !== 0) {
      const cursor = total - index + 1 - s.preDispatchAmount;
      const frequency = Math.trunc(total / this.#verbose) + 1;
      const isLastItem = index + 1 === total;
      if (isLastItem || ((cursor % frequency) + frequency) % frequency !== 0) return;
    }
    const remaining = index === 0 ? 0 : (s.elapsed / index) * (total - index);
    this.print(
      `Done ${pad3(index)} out of ${pad3(total)} | elapsed: ${shortFormatTime(s.elapsed)} remaining: ${shortFormatTime(remaining)}`,
    );
  }

  finished(total: number, elapsed: number): void {
    this.print(
      `Done ${pad3(total)} out of ${pad3(total)} | elapsed: ${shortFormatTime(elapsed)} finished`,
    );
  }
}
