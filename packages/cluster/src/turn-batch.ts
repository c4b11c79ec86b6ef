// Calls of the jobs that arrive in one event-loop turn start together. BullMQ hands
// a worker its jobs one by one, as Redis replies come in; started at once, each job
// would be posted to an idle thread on its own (a message per job, the main cost of
// a tiny job). Started together, the local pool's scheduler sends them in one or two
// messages (one to the idle thread, the rest as a batch sized by the engine's
// BatchPolicy). The wait is one turn of the event loop. Given the engine's
// `together`, the starts of a turn run inside it, so that the whole turn reaches an
// idle thread in one message (one wake-up of that thread per turn, not two).

import type { Engine } from '@par/core/internal';

/** @internal A TurnBatch whose turns reach `engine`'s idle workers as one burst each. */
export function engineTurnBatch(engine: Engine): TurnBatch {
  return new TurnBatch((startAll) => engine.together(startAll));
}

/** @internal */
export class TurnBatch {
  #starts: (() => void)[] = [];
  #scheduled = false;
  readonly #startAll = (): void => {
    const starts = this.#starts;
    this.#starts = [];
    for (let i = 0; i < starts.length; i++) (starts[i] as () => void)();
  };
  readonly #flush = (): void => {
    this.#scheduled = false;
    this.together(this.#startAll);
  };

  /** @param together Runs the turn's starts (the engine's `together`, which dispatches them as one burst). */
  constructor(
    private readonly together: (startAll: () => void) => void = (startAll) => startAll(),
  ) {}

  /** Runs `start` with the other calls of this turn, in the order they came. */
  add(start: () => void): void {
    this.#starts.push(start);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  /** Resolves to `start()`'s outcome, `start` called with the other calls of this turn. */
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
