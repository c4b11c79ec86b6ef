// The messages of a handle channel: a child's calls on an object its parent owns
// (a pipe end) and the parent's replies. They travel over a channel of the child's
// connection (see transfer-handlers.ts).

/** Names a hosted object and the holder token a child received for it. */
export interface HandleMarker {
  readonly __parHandle: string;
  /** The hosted object's id in the parent. */
  readonly id: number;
  /** The holder token: released when the child closes the handle or the channel closes. */
  readonly tk: number;
}

/** child -> parent: a call on a hosted object (`r` set when a reply is wanted). */
export interface HandleCall {
  t: 'par:h';
  id: number;
  tk: number;
  op: string;
  a: unknown[];
  r?: number;
}

/** child -> parent: abandon a pending call. */
export interface HandleCancel {
  t: 'par:hc';
  r: number;
}

/** parent -> child: the outcome of a call. */
export type HandleReply =
  | { t: 'par:hr'; r: number; ok: true; v: unknown }
  | { t: 'par:hr'; r: number; ok: false; e: unknown };

/** Registers a holder token with the child that receives the marker. */
export type Adopt = (token: number) => void;
