// The one seam between the pool engine and the way a message reaches a worker.
// @par/threads implements it over worker_threads, @par/processes over
// child_process.fork; the engine never branches on which one it drives.

/** What a transport can carry; handed to transfer handlers so they can pick a strategy. */
export interface TransportCapabilities {
  /** A short name: `'threads'`, `'processes'`, `'web'`. */
  readonly kind: string;
  /** A `SharedArrayBuffer` arrives as the same memory on the other side. */
  readonly sharedMemory: boolean;
  /** Transfer lists are honoured (ArrayBuffers move instead of being copied). */
  readonly transfer: boolean;
  /** `MessagePort`s can be transferred (otherwise use `openChannel()`). */
  readonly messagePorts: boolean;
}

/** Resource limits of a worker thread (`worker_threads` `resourceLimits`). */
export interface ResourceLimits {
  /** Maximum size of the main heap in MB. */
  maxOldGenerationSizeMb?: number;
  /** Maximum size of the heap space for recently created objects in MB. */
  maxYoungGenerationSizeMb?: number;
  /** Size of the pre-allocated memory range used for generated code in MB. */
  codeRangeSizeMb?: number;
  /** Default maximum stack size for the thread in MB. */
  stackSizeMb?: number;
}

/**
 * Everything the worker-side runtime needs before it can serve tasks. It is
 * structured-cloneable; the transport delivers it to `startWorkerRuntime` in the
 * worker (worker_threads: `workerData`; processes: the first IPC message or argv).
 */
export interface WorkerBoot {
  /** The pool's number for this worker, 1, 2, 3, … (shown in error messages). */
  readonly workerId: number;
  /** How many tasks the worker may run at once (`concurrentTasksPerWorker`). */
  readonly concurrency: number;
  /** Run once before the worker reports ready; a failure is a start-up failure. */
  readonly initializer?: WireTask;
  /** Arguments of the initializer. */
  readonly initArgs?: readonly unknown[];
  /**
   * With shared memory: a counter the pool bumps after each ABORT it posts, so a
   * worker that polls its port reads the ABORT before starting the call it names.
   */
  readonly aborts?: Int32Array;
}

/** How a task is named on the wire: a module export, or the source of a self-contained function. */
export type WireTask =
  | { readonly module: string; readonly name: string; readonly source?: undefined }
  | { readonly source: string; readonly name: string; readonly module?: undefined };

/** Options for one worker; the engine passes the pool's options through unchanged. */
export interface WorkerSpawnOptions {
  readonly boot: WorkerBoot;
  /**
   * Extra flags for the worker's Node.js. `undefined` means "inherit": the
   * transport uses `inheritedExecArgv()` (the parent's flags minus main-script-only ones).
   */
  readonly execArgv?: readonly string[] | undefined;
  /** Environment of the worker; `undefined` shares/copies the parent's. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** worker_threads only; a process transport maps `maxOldGenerationSizeMb` to `--max-old-space-size`. */
  readonly resourceLimits?: ResourceLimits | undefined;
}

/** Callbacks the transport calls for one worker. */
export interface WorkerEvents {
  /** A message the worker runtime posted (`WorkerPort#post`). */
  onMessage(message: unknown): void;
  /**
   * An error the transport observed: a spawn failure, a thread's uncaught error,
   * ERR_WORKER_OUT_OF_MEMORY. A transport whose worker ran out of memory reports an
   * error with that `code` (a process transport too), so that the pool says so.
   * Informational; `onExit` always follows.
   */
  onError(error: Error): void;
  /**
   * The worker is gone. Called exactly once, after every message the worker posted
   * before it died has been delivered through `onMessage`. `signal` is the signal
   * name for a process killed by a signal, else `null`.
   */
  onExit(exitCode: number | null, signal: string | null): void;
}

/** One running worker, as the engine sees it. */
export interface WorkerHandle {
  /** worker_threads `threadId`, when there is one. */
  readonly threadId?: number | undefined;
  /** The child's pid, when there is one. */
  readonly pid?: number | undefined;
  /**
   * Sends a message to the worker runtime. Throws synchronously (and sends
   * nothing) when the message cannot be serialized, e.g. a `DataCloneError`.
   * Messages are delivered in order.
   */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Stops the worker now; `onExit` follows. Calling it again does nothing. */
  terminate(): void;
  /** Keeps the parent alive while the worker runs (busy workers). */
  ref(): void;
  /** Lets the parent exit although the worker runs (idle workers). */
  unref(): void;
}

/** How the engine starts workers. One instance per pool. */
export interface Transport {
  readonly capabilities: TransportCapabilities;
  /**
   * Starts one worker running `startWorkerRuntime(port, options.boot)`. Never
   * throws: a failure to start is reported through `events.onError` + `onExit`
   * (asynchronously).
   */
  spawn(options: WorkerSpawnOptions, events: WorkerEvents): WorkerHandle;
}

/** The worker side of a transport: what the entry file hands to `startWorkerRuntime`. */
export interface WorkerPort {
  readonly capabilities: TransportCapabilities;
  /** Posts to the parent (arrives there through `WorkerEvents#onMessage`). */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Sets the one message handler. */
  onMessage(handler: (message: unknown) => void): void;
  /**
   * Optional: the next message if one is already queued, without waiting
   * (worker_threads: `receiveMessageOnPort`). With it, an idle worker busy-polls for
   * a few dozen microseconds after answering while the machine's other threads left
   * at least half a core unused over the last 250 ms (on Linux; elsewhere while the
   * 1-minute load average is below the core count), which saves a thread wake-up per
   * call in request/response traffic.
   */
  poll?(): unknown;
  /**
   * Optional: called once, right before the runtime first runs the user's code
   * (imports a task module or compiles a task function for the first RUN, or runs
   * the initializer). What must be in place before user code can block the
   * worker's event loop starts here rather than at start-up, off the path of the
   * worker's first answer: @par/processes starts its parent-death watchdog thread.
   */
  beforeUserCode?(): void;
}
