// How the parts of @par/core outside the Pool class (map, Executor, Future) and
// sibling packages (Thread in @par/threads, through `@par/core/internal`) reach a
// pool's engine, which the Pool keeps in a private field. Not exported by index.ts.

import type { Pool } from '../pool.js';
import type { Engine } from './engine.js';

let read: ((pool: Pool) => Engine) | undefined;

/** @internal Called once by the Pool class, from its static block. */
export function exposeEngine(reader: (pool: Pool) => Engine): void {
  read ??= reader;
}

/** @internal The engine behind `pool`. Throws TypeError for anything that is not a Pool. */
export function engineOf(pool: Pool): Engine {
  if (read === undefined) throw new TypeError('Expected a Pool');
  return read(pool);
}
