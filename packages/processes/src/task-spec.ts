import { isTaskRef, type Task, type WireTask } from '@par/core';

/** The wire form of a Process's task: a module export, or a self-contained function's source. */
export function toWireTask(task: Task<never[], unknown>): WireTask {
  if (isTaskRef(task)) return { module: task.module, name: task.name };
  if (typeof task === 'function') return { source: String(task), name: task.name || '<anonymous>' };
  throw new TypeError(
    `Expected a task: a reference from tasks(new URL('./tasks.js', import.meta.url)) or a self-contained function, got ${
      task === null ? 'null' : typeof task
    }`,
  );
}
