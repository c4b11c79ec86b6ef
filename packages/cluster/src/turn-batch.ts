// Calls of the jobs that arrive in one event-loop turn start together. BullMQ hands
// a worker its jobs one by one, as Redis replies come in; started at once, each job
// would be posted to an idle thread on its own (a message per job, the main cost of
// a tiny job). Started together, the local pool's scheduler sends them in one or two
// messages (one to the idle thread, the rest as a batch sized by the engine's
// BatchPolicy). The wait is one turn of the event loop.

/** @internal */
export class TurnBatch {
  #starts: (() => void)[] = [];
  #scheduled = false;
  readonly #flush = (): void => {
    this.#scheduled = false;
    const starts = this.#starts;
    this.#starts = [];
    for (let i = 0; i < starts.length; i++) (starts[i] as () => void)();
  };

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
