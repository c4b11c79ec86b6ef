// The messages between a queue handle (in a worker) and the queue's owner.
// handle -> owner: [id, op, ...args] or [id, CANCEL]; owner -> handle: [id, ok, value].
import { TimeoutError } from '@par/async';
import { QueueEmpty, QueueFull, QueueShutDown } from '@par/queue';

/** Operations a handle can ask of the owner. */
export const Op = {
  Put: 0,
  Get: 1,
  PutNowait: 2,
  GetNowait: 3,
  TaskDone: 4,
  Join: 5,
  Shutdown: 6,
  Size: 7,
  Empty: 8,
  Full: 9,
  IsShutDown: 10,
  /** Abandon the pending put/get with this id (its signal aborted). */
  Cancel: 11,
} as const;

/** A request: `[id, op, ...args]`. */
export type Request = [id: number, op: number, ...args: unknown[]];

/** A reply: `[id, 1, value]` on success, `[id, 0, WireError]` on failure, `[id, 2]` when cancelled. */
export type Reply = [id: number, status: 0 | 1 | 2, value?: unknown];

export const Status = { Error: 0, Ok: 1, Cancelled: 2 } as const;

/** An error as it crosses: enough to rebuild the right class on the other side. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
}

export function encodeError(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

const byCode: Record<string, new (message?: string) => Error> = {
  PAR_QUEUE_EMPTY: QueueEmpty,
  PAR_QUEUE_FULL: QueueFull,
  PAR_QUEUE_SHUT_DOWN: QueueShutDown,
  PAR_TIMEOUT: TimeoutError,
};

const byName: Record<string, new (message?: string) => Error> = {
  TypeError,
  RangeError,
};

export function decodeError(wire: WireError): Error {
  const known = wire.code === undefined ? undefined : byCode[wire.code];
  if (known) return new known(wire.message);
  const Ctor = byName[wire.name] ?? Error;
  const error = new Ctor(wire.message);
  if (Ctor === Error && wire.name !== 'Error') {
    Object.defineProperty(error, 'name', { value: wire.name, configurable: true, writable: true });
  }
  if (wire.code !== undefined) Object.assign(error, { code: wire.code });
  return error;
}
