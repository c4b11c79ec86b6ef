import { ENVELOPE } from './protocol.js';
import { isTransfer } from './transfer.js';
import type { TransportCapabilities } from './transport.js';

/**
 * A message channel between the two ends of a transfer: a `MessagePort`-like
 * object multiplexed over the worker's own connection, so it works for every
 * transport (threads can also transfer a real `MessagePort`).
 */
export interface ChannelPort {
  /** Sends a structured-cloneable message to the other end, in order. */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Sets the one message handler. */
  onMessage(handler: (message: unknown) => void): void;
  /** Called once when the channel closes (either end closed it, or the worker died). */
  onClose(handler: () => void): void;
  /** Closes both ends. */
  close(): void;
}

/** Given to `serialize`: how the value will travel. */
export interface SerializeContext {
  readonly capabilities: TransportCapabilities;
  /**
   * Opens a channel to the receiving side; pass `id` inside the serialized data
   * and call `context.channel(id)` in `deserialize`. The parent end stays open
   * until closed or the worker exits.
   */
  openChannel(): { id: number; port: ChannelPort };
  /**
   * Runs `callback` once the call whose argument is being serialized is over
   * (its result arrived, it was dropped, or its worker died). Only valid inside
   * `serialize`. Use it to release what the call alone needed. Optional: contexts
   * built outside the engine may lack it.
   */
  onCallSettled?(callback: () => void): void;
  /**
   * Registers `withdraw` to run if the pool gives up call `callId` (its timeout
   * passed or it was aborted) while it is with this context's worker: a handler
   * serving a worker's requests uses it to withdraw what that call still waits for
   * (a queue's `get`), at the moment the pool gives up, not when the worker hears
   * of it. Runs at once if the pool already gave that call up. Returns the function
   * that unregisters it (call it when the request completes). Valid at any time
   * (not only inside `serialize`); optional: contexts built outside the engine may lack it.
   */
  onCallGivenUp?(callId: number, withdraw: (reason: unknown) => void): () => void;
  /**
   * Runs `callback` once the worker receiving the value has exited, for whatever
   * reason (a crash, `terminate()`, recycling, idle reaping, `close()`), after its
   * thread or process is gone. Use it to release what that worker may have held
   * (the shared locks of @par/threads use it). Optional: contexts built outside
   * the engine, and the worker side, lack it.
   */
  onWorkerExit?(callback: (worker: ExitedWorker) => void): void;
}

/** The worker an {@link SerializeContext#onWorkerExit} callback is about. */
export interface ExitedWorker {
  /** The pool's number for the worker (as in error messages). */
  readonly workerId: number;
  /** Its worker_threads `threadId` while it ran, for a thread. */
  readonly threadId?: number | undefined;
  /** Its pid, for a process. */
  readonly pid?: number | undefined;
  /**
   * `false` when the pool retired it idle (idle timeout, recycling, `close()`);
   * `true` when it crashed, exited by itself, or was stopped while it ran calls
   * (a timeout, an abort's grace period, `terminate()`).
   */
  readonly interrupted: boolean;
}

/** Given to `deserialize`. */
export interface DeserializeContext {
  readonly capabilities: TransportCapabilities;
  /** The receiving end of a channel opened by `SerializeContext#openChannel`. */
  channel(id: number): ChannelPort;
  /**
   * Runs `callback` once the task whose argument is being deserialized has
   * settled and its result was posted. Only valid inside `deserialize` (on the
   * worker side; on the caller's side, for results, it runs at once). Optional:
   * contexts built outside the engine may lack it.
   */
  onTaskEnd?(callback: () => void): void;
  /**
   * On the caller's side (for results): runs `callback` once the worker that sent
   * the value has exited, as {@link SerializeContext#onWorkerExit}. Absent on the
   * worker side.
   */
  onWorkerExit?(callback: (worker: ExitedWorker) => void): void;
}

/**
 * Makes values of one kind arrive as working objects on the other side of a pool
 * call (like comlink's transfer handlers). Applied to a task's top-level
 * arguments and to its result, in both directions. Register the same handler
 * (same `name`) in the parent and in the worker: import the module that
 * registers it from the task module, or register it in a module both load.
 *
 * @example
 * ```ts
 * registerTransferHandler<Counter, SharedArrayBuffer>({
 *   name: 'my-lib:Counter',
 *   canHandle: (v): v is Counter => v instanceof Counter,
 *   serialize: (counter) => [counter.buffer, []],
 *   deserialize: (buffer) => new Counter(buffer),
 * });
 * ```
 */
export interface TransferHandler<T = unknown, S = unknown> {
  /** A unique, stable name (`'@par/threads:Lock'`); the wire carries it. */
  readonly name: string;
  /** Whether this handler takes the value. Called for object and function arguments only. */
  canHandle(value: unknown): value is T;
  /** Turns the value into structured-cloneable data plus objects to transfer. */
  serialize(value: T, context: SerializeContext): [data: S, transfer: Transferable[]];
  /** Rebuilds a working object from the data. */
  deserialize(data: S, context: DeserializeContext): T;
}

// The registry lives on globalThis so that two copies of @par/core (a bundled
// worker entry and the user's import) still see the same handlers.
const registryKey = Symbol.for('@par/core.transferHandlers');
type Registry = Map<string, TransferHandler>;
const globalScope = globalThis as unknown as { [registryKey]?: Registry };
const registry: Registry = globalScope[registryKey] ?? new Map();
globalScope[registryKey] = registry;

/** The handlers as a list, rebuilt only on registration (the hot path reads it). */
let handlerList: TransferHandler[] = [...registry.values()];

/**
 * Registers (or, for a known `name`, replaces) a transfer handler.
 *
 * @example
 * ```ts
 * registerTransferHandler({ name: 'app:Point', canHandle: (v): v is Point => v instanceof Point,
 *   serialize: (p) => [[p.x, p.y], []], deserialize: ([x, y]) => new Point(x, y) });
 * ```
 */
export function registerTransferHandler<T, S>(handler: TransferHandler<T, S>): void {
  if (
    typeof handler !== 'object' ||
    handler === null ||
    typeof handler.name !== 'string' ||
    typeof handler.canHandle !== 'function' ||
    typeof handler.serialize !== 'function' ||
    typeof handler.deserialize !== 'function'
  ) {
    throw new TypeError(
      'Expected a transfer handler: { name: string, canHandle(value), serialize(value, context), deserialize(data, context) }',
    );
  }
  registry.set(handler.name, handler as TransferHandler);
  handlerList = [...registry.values()];
}

/**
 * Removes a transfer handler by name; returns whether one was registered.
 *
 * @example
 * ```ts
 * unregisterTransferHandler('app:Point');
 * ```
 */
export function unregisterTransferHandler(name: string): boolean {
  const removed = registry.delete(name);
  if (removed) handlerList = [...registry.values()];
  return removed;
}

/** @internal The handler registered under `name`. */
export function getTransferHandler(name: string): TransferHandler | undefined {
  return registry.get(name);
}

/** @internal Whether any handler is registered (skips scanning map items otherwise). */
export function hasTransferHandlers(): boolean {
  return handlerList.length > 0;
}

/** @internal The handler that takes `value`, if any (objects and functions only). */
export function findTransferHandler(value: unknown): TransferHandler | undefined {
  if (handlerList.length === 0) return undefined;
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') {
    return undefined;
  }
  for (const handler of handlerList) if (handler.canHandle(value)) return handler;
  return undefined;
}

/**
 * Applies the registry to one value, as the engine does for each task argument:
 * `transfer()` markers are unwrapped and a value some handler takes becomes its
 * wire envelope. For code that moves values outside the engine (a `Process`).
 *
 * @example
 * ```ts
 * const { value, transfer } = encodeValue(arg, context);
 * channel.post(value, transfer);
 * ```
 */
export function encodeValue(
  value: unknown,
  context: SerializeContext,
): { value: unknown; transfer: Transferable[] } {
  const out: Transferable[] = [];
  let v = value;
  if (isTransfer(v)) {
    out.push(...v.transferList);
    v = v.value;
  }
  const handler = findTransferHandler(v);
  if (handler === undefined) return { value: v, transfer: out };
  const [data, list] = handler.serialize(v, context);
  out.push(...list);
  return { value: { [ENVELOPE]: handler.name, data }, transfer: out };
}

/**
 * The other half of {@link encodeValue}: turns an envelope back into a working
 * object (other values pass through).
 *
 * @example
 * ```ts
 * const arg = decodeValue(received, context);
 * ```
 */
export function decodeValue(value: unknown, context: DeserializeContext): unknown {
  const envelope = value as { [ENVELOPE]?: unknown; data?: unknown } | null;
  if (typeof envelope !== 'object' || envelope === null) return value;
  const name = envelope[ENVELOPE];
  if (typeof name !== 'string') return value;
  const handler = registry.get(name);
  if (handler === undefined) {
    throw new TypeError(`No transfer handler named '${name}' is registered in this thread`);
  }
  return handler.deserialize(envelope.data, context);
}
