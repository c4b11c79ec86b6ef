// The messages between a remote handle (in a worker, a child process) and the
// object it stands for, served by its owner over one channel. One layer for every
// kind of handle: a @par/queue queue's QueueHandle, a pipe Connection's copy in
// @par/processes.
//
// handle -> owner: [id, op, ...args] (id 0: a notification, no reply wanted)
//                  [id, CANCEL]      (abandon the pending call with this id)
// owner -> handle: [id, status, value]

/** An operation name: a number or a string, as each kind of handle chooses. */
export type RemoteOp = number | string;

/** The op of a cancel message; no handle may use it for its own operations. */
export const CANCEL = -1;

/** A request or notification from a handle. */
export type RemoteRequest = [id: number, op: RemoteOp, ...args: unknown[]];

/** How a call ended. */
export const Status = { Error: 0, Ok: 1, Cancelled: 2 } as const;

/** A reply: `[id, Ok, value]`, `[id, Error, WireError]` or `[id, Cancelled]`. */
export type RemoteReply = [id: number, status: 0 | 1 | 2, value?: unknown];
