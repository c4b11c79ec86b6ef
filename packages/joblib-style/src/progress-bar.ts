// `progress: true`: a one-line progress bar with rate and ETA, redrawn in place on
// a TTY stderr (throttled to 10 redraws a second); nothing when stderr is not a TTY.

interface TtyStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function stderr(): TtyStream | undefined {
  return (globalThis as { process?: { stderr?: TtyStream } }).process?.stderr;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** The text of the bar (exported for tests). */
export function renderProgressBar(
  done: number,
  total: number | undefined,
  elapsedMs: number,
  width = 30,
): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? done / seconds : 0;
  if (total === undefined) {
    return `${done} done | ${formatRate(rate)} | ${formatDuration(seconds)}`;
  }
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${pct} ${bar} ${done}/${total} | ${formatRate(rate)} | ETA ${formatDuration(eta)}`;
}

/** Draws the bar on a TTY stream; does nothing on any other stream. */
export class ProgressBar {
  readonly #stream: TtyStream | undefined;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(stream: TtyStream | undefined = stderr()) {
    this.#stream = stream?.isTTY === true ? stream : undefined;
  }

  get active(): boolean {
    return this.#stream !== undefined;
  }

  update(done: number, total: number | undefined, elapsedMs: number, force = false): void {
    if (this.#stream === undefined) return;
    if (!force && elapsedMs - this.#lastDraw < 100) return;
    this.#lastDraw = elapsedMs;
    this.#drawn = true;
    this.#stream.write(`\r${renderProgressBar(done, total, elapsedMs)}\x1b[K`);
  }

  end(done: number, total: number | undefined, elapsedMs: number): void {
    if (this.#stream === undefined) return;
    this.update(done, total, elapsedMs, true);
    if (this.#drawn) this.#stream.write('\n');
  }
}
