// Calls of the jobs that arrive in one event-loop turn start together. BullMQ hands
// a worker its jobs one by one, as Redis replies come in; started at once, each job
// would be posted to an idle thread on its own (a message per job, the main cost of
// a tiny job). Started together, the local pool's scheduler sends them in one or two
// messages (one to the idle thread, the rest as a batch sized by the engine's
// BatchPolicy). Given the engine's `together`, the starts of a turn run inside it, so
// that the whole turn reaches an idle thread in one message (one wake-up of that
// thread per turn, not two).
//
// A batch also waits a few more turns while jobs keep coming in: the replies that
// carry a worker's next jobs reach it over several turns (each finished job fetches
// the next), and every batch sent to an idle thread wakes it, which on a loaded
// machine costs the main thread its place on the CPU. A batch goes as soon as a turn
// brings no new job, when it holds `limit` starts (the worker's concurrency: no
// more jobs can come before some finish), or after WAIT_TURNS turns. Each wait is one
// turn of the event loop (an idle loop turns in microseconds).

import type { Engine } from '@par/core/internal';

/** Turns a batch may wait for more jobs, at most. */
export const WAIT_TURNS = 3;

/**
 * @internal A TurnBatch whose turns reach `engine`'s idle workers as one burst each,
 * waiting for up to `limit` starts.
 */
export function engineTurnBatch(engine: Engine, limit = 1): TurnBatch {
  return new TurnBatch((startAll) => engine.together(startAll), limit);
}

/** @internal */
export class TurnBatch {
  #starts: (() => void)[] = [];
  #scheduled = false;
  /** Starts there were at the last check, and the turns waited so far. */
  #seen = 0;
  #waited = 0;
  readonly #startAll = (): void => {
    const starts = this.#starts;
    this.#starts = [];
    for (let i = 0; i < starts.length; i++) (starts[i] as () => void)();
  };
  readonly #flush = (): void => {
    const n = this.#starts.length;
    if (n < this.limit && n > this.#seen && this.#waited < WAIT_TURNS) {
      this.#seen = n;
      this.#waited++;
      setImmediate(this.#flush);
      return;
    }
    this.#seen = 0;
    this.#waited = 0;
    this.#scheduled = false;
    this.together(this.#startAll);
  };

  /**
   * @param together Runs the turn's starts (the engine's `together`, which dispatches them as one burst).
   * @param limit Starts that go at once without waiting for more (1: every batch goes after the turn it began in).
   */
  constructor(
    private readonly together: (startAll: () => void) => void = (startAll) => startAll(),
    private readonly limit = 1,
  ) {}

  /** Runs `start` with the other calls of its batch, in the order they came. */
  add(start: () => void): void {
    this.#starts.push(start);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  /** Resolves to `start()`'s outcome, `start` called with the other calls of its batch. */
  run<T>(start: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.add(() => {
        // a start that throws rejects its own call; the others of the turn still start
        try {
          start().then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}
