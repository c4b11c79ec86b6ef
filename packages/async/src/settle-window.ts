// The rule that a result already produced is never dropped: when a wait gives up
// (deadline, abort), the rejection is delivered only after the work's own
// settlement had its chance to run in the same turn of the event loop.

/** How many promise hops the work's settlement may take to reach us; generous for await chains. */
const HOPS = 32;

/**
 * Calls `callback` after the microtasks already queued, and those they queue up
 * to a bound, have run: a promise settled in the current turn (say, a queue
 * `get` handed its item just before the abort) reaches its handlers first.
 * Uses promise hops only, so it behaves the same under fake timers.
 */
export function afterTurn(callback: () => void): void {
  let hop: Promise<void> = Promise.resolve();
  for (let i = 0; i < HOPS; i++) hop = hop.then();
  hop.then(callback);
}
