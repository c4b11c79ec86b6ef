import type { HandleCall, HandleCancel, HandleReply } from './handle-wire.js';

/** The context of one call from a child. */
export interface CallContext {
  /** The holder token the child used. */
  readonly token: number;
  /** Aborts when the child abandons the call or exits. */
  readonly signal: AbortSignal;
}

/** An object owned by the parent that children reach through handles. */
export interface Hosted {
  /** Runs one operation. Called synchronously in arrival order, so calls keep their order. */
  call(op: string, args: unknown[], context: CallContext): unknown;
  /** A holder token is gone (closed by the child, or the child exited). */
  release(token: number): void;
}

let nextId = 1;
let nextToken = 1;
const objects = new Map<number, Hosted>();
const ids = new WeakMap<Hosted, number>();
const tokens = new Map<number, Hosted>();

/** Gives `object` an id (once) and a fresh holder token for one child. */
export function retain(object: Hosted): { id: number; tk: number } {
  let id = ids.get(object);
  if (id === undefined) {
    id = nextId++;
    ids.set(object, id);
    objects.set(id, object);
  }
  const tk = nextToken++;
  tokens.set(tk, object);
  return { id, tk };
}

/** Releases a holder token once; later releases of the same token do nothing. */
export function releaseToken(tk: number): void {
  const object = tokens.get(tk);
  if (!object) return;
  tokens.delete(tk);
  object.release(tk);
}

/** Forgets a hosted object whose last holder is gone. */
export function forget(object: Hosted): void {
  const id = ids.get(object);
  if (id !== undefined) objects.delete(id);
}

function serializeError(error: unknown): unknown {
  if (error instanceof Error) {
    const out: Record<string, unknown> = {
      __parError: true,
      name: error.name,
      message: error.message,
      stack: error.stack,
    };
    for (const key of Object.keys(error))
      out[key] = (error as unknown as Record<string, unknown>)[key];
    return out;
  }
  return error;
}

/**
 * One child's view of the hosted objects: routes its calls, replies to them,
 * and releases the tokens it held when the child goes away.
 */
export class HandleLink {
  readonly #send: (message: HandleReply) => void;
  readonly #held = new Set<number>();
  readonly #pending = new Map<number, AbortController>();
  #disposed = false;

  constructor(send: (message: HandleReply) => void) {
    this.#send = send;
  }

  /** The child received a marker carrying this token. */
  adopt = (tk: number): void => {
    if (this.#disposed) releaseToken(tk);
    else this.#held.add(tk);
  };

  /** Handles a `par:h` / `par:hc` message; returns false for any other message. */
  handle(message: unknown): boolean {
    const m = message as HandleCall | HandleCancel;
    if (typeof m !== 'object' || m === null) return false;
    if (m.t === 'par:hc') {
      this.#pending.get(m.r)?.abort();
      return true;
    }
    if (m.t !== 'par:h') return false;
    const object = tokens.get(m.tk);
    const r = m.r;
    const controller = new AbortController();
    if (r !== undefined) this.#pending.set(r, controller);
    let result: unknown;
    try {
      if (!object) throw new Error('The handle was closed');
      result = object.call(m.op, m.a, { token: m.tk, signal: controller.signal });
    } catch (error) {
      this.#settle(r, false, error);
      return true;
    }
    if (m.op === 'close') this.#held.delete(m.tk);
    if (result instanceof Promise) {
      result.then(
        (v) => this.#settle(r, true, v),
        (e) => this.#settle(r, false, e),
      );
    } else this.#settle(r, true, result);
    return true;
  }

  #settle(r: number | undefined, ok: boolean, value: unknown): void {
    if (r === undefined) return;
    this.#pending.delete(r);
    if (this.#disposed) return;
    try {
      this.#send(
        ok
          ? { t: 'par:hr', r, ok: true, v: value }
          : { t: 'par:hr', r, ok: false, e: serializeError(value) },
      );
    } catch {
      // the child is gone; its pending calls were abandoned with it
    }
  }

  /** The child exited: abandon its calls and release every token it held. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const controller of this.#pending.values()) controller.abort();
    this.#pending.clear();
    for (const tk of this.#held) releaseToken(tk);
    this.#held.clear();
  }
}
