// The wire format between the engine (parent) and the worker runtime. Messages
// are flat arrays: structured clone copies one array of numbers and values much
// faster than one object per task. Transports never look inside.

/** Message types, the first element of every message. */
export const Msg = {
  // parent -> worker
  /**
   * [RUN, defs | 0, id, key, flags, args, id, key, flags, args, …]; `defs` ships each
   * function definition once per worker: a flat list of [key, module, name, source].
   */
  Run: 1,
  /** [ABORT, id, reason] — abort a task's signal (or drop it if it has not started). */
  Abort: 2,
  // worker -> parent
  /** [READY] — start-up (imports, initializer) done. */
  Ready: 10,
  /** [RESULTS, id, status, value, runTimeMs, id, status, value, runTimeMs, …] */
  Results: 11,
  /** [FATAL, error, startedIds, exitCode] — the worker is about to die (process.exit, uncaught error). */
  Fatal: 12,
  /** [START_FAILED, error] — the initializer or the runtime failed before READY. */
  StartFailed: 13,
  // both ways
  /** [CHANNEL, channelId, kind (0 message, 1 close), payload] — a message on a ChannelPort. */
  Channel: 20,
} as const;

/** Task flags (bit field). */
export const TaskFlag = {
  /** The task has a running timeout: the worker flushes finished results before starting it. */
  Timed: 1,
  /** `args` contains transfer-handler envelopes to decode. */
  Encoded: 2,
  /** A map chunk: `args` is `[items]`, the result is an array of results. */
  Chunk: 4,
  /** A starmap chunk: every item is an argument array. */
  Star: 8,
  /** A chunk whose items are all numbers, sent as a transferred Float64Array. */
  Packed: 16,
  /**
   * The call can be cancelled after it was sent, before it starts (it has a signal, it
   * is a map chunk or an executor's future): the worker reads its port for an ABORT
   * before it starts the call. No ABORT can come for another call before it starts, so
   * the worker skips that read (for a child process, a read that mostly finds nothing
   * and costs several µs).
   */
  Cancellable: 32,
} as const;

/** Result status. */
export const Status = {
  Ok: 0,
  Error: 1,
  /** The value is a transfer-handler envelope. */
  OkEncoded: 2,
  /** Aborted before it started: never ran. */
  Dropped: 3,
} as const;

/** The key under which transfer-handler envelopes mark themselves on the wire. */
export const ENVELOPE = '__parTransfer';

/** A value encoded by a transfer handler. */
export interface Envelope {
  [ENVELOPE]: string;
  data: unknown;
}
