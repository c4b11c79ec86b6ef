// Gives every task (reference or self-contained function) a small integer key.
// A worker receives a key's definition once, with the first batch that uses it,
// so later messages carry only the number.

import type { TaskInfo } from './errors.js';
import { isTaskRef, type TaskRef } from './task-ref.js';
import type { WireTask } from './transport.js';

/** @internal */
export interface TaskDef {
  readonly key: number;
  readonly info: TaskInfo;
  readonly wire: WireTask;
  /** `name (path)` for messages. */
  readonly label: string;
  /** Mean run time of single calls in ms (EWMA), NaN until the first result. */
  mean: number;
  /** Mean run time of map chunks in ms (EWMA). */
  chunkMean: number;
}

/** @internal How messages name a task: `` `square` (/app/tasks.js) ``. */
export function taskLabel(info: TaskInfo): string {
  if (info.module === undefined)
    return `\`${info.name || '<anonymous>'}\` (self-contained function)`;
  let path = info.module;
  if (path.startsWith('file:')) {
    try {
      path = decodeURIComponent(new URL(path).pathname);
    } catch {
      // keep the URL
    }
  }
  return `\`${info.name}\` (${path})`;
}

/** @internal Turns a user's task into wire form, or throws a TypeError. */
export function toWireTask(task: unknown, optionName = 'task'): WireTask {
  if (isTaskRef(task)) return { module: task.module, name: task.name };
  if (typeof task === 'function') {
    const source = String(task);
    // a bound or native function has no source a worker could compile: say so here,
    // naming the function itself rather than `bound fn`
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      const bound = task.name.startsWith('bound ');
      const name = (bound ? task.name.slice(6) : task.name) || '<anonymous>';
      throw new TypeError(
        `The task function \`${name}\` cannot be sent to a worker: it is ${
          bound ? 'a bound function' : 'a native function'
        }, which has no source to ship. Export a function from a module and pass tasks(new URL('./tasks.js', import.meta.url)).${
          name === '<anonymous>' ? 'fn' : name
        } instead, with the bound values as arguments.`,
      );
    }
    return { source, name: task.name };
  }
  throw new TypeError(
    `Expected \`${optionName}\` to be a task reference (tasks(new URL('./tasks.js', import.meta.url)).name) or a self-contained function, got ${
      task === null ? 'null' : typeof task
    }`,
  );
}

/** @internal */
export class FunctionRegistry {
  readonly defs: TaskDef[] = [];
  #byObject = new WeakMap<object, number>();
  #byName = new Map<string, number>();

  /** The key of `task`; throws TypeError for something that is not a task. */
  keyOf(task: unknown): number {
    if (typeof task === 'object' || typeof task === 'function') {
      const known = task === null ? undefined : this.#byObject.get(task);
      if (known !== undefined) return known;
    }
    const wire = toWireTask(task);
    const name =
      wire.source !== undefined ? `s\0${wire.source}` : `m\0${wire.module}\0${wire.name}`;
    let key = this.#byName.get(name);
    if (key === undefined) {
      key = this.defs.length;
      const info: TaskInfo =
        wire.source !== undefined
          ? { name: wire.name, module: undefined }
          : { name: wire.name, module: wire.module };
      this.defs.push({
        key,
        info,
        wire,
        label: taskLabel(info),
        mean: Number.NaN,
        chunkMean: Number.NaN,
      });
      this.#byName.set(name, key);
    }
    this.#byObject.set(task as TaskRef | object, key);
    return key;
  }
}
