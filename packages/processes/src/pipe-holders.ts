// Holder tokens of pipe ends: every copy of an end that a child receives is one
// holder, with its own token. A token is released once — when the child closes
// its copy, when the call or Process that received it ends, or when the child
// exits — and the end closes when its last holder is gone.

/** The context of one call from a child's copy. */
export interface HolderCall {
  /** The holder token of the copy that made the call. */
  readonly token: number;
  /** Aborts when the child abandons the call or its channel closes. */
  readonly signal: AbortSignal;
}

/** An object owned by the parent that children reach through copies. */
export interface Holdable {
  /** Runs one operation. Called synchronously in arrival order, so calls keep their order. */
  call(op: string, args: unknown[], context: HolderCall): unknown;
  /** A holder token is gone (closed by the child, or the child exited). */
  release(token: number): void;
}

let nextToken = 1;
const tokens = new Map<number, Holdable>();

/** A fresh holder token on `object` for one child's copy. */
export function retain(object: Holdable): number {
  const token = nextToken++;
  tokens.set(token, object);
  return token;
}

/** The object a token holds, or `undefined` once it was released. */
export function heldBy(token: number): Holdable | undefined {
  return tokens.get(token);
}

/** Releases a holder token once; later releases of the same token do nothing. */
export function releaseToken(token: number): void {
  const object = tokens.get(token);
  if (!object) return;
  tokens.delete(token);
  object.release(token);
}
