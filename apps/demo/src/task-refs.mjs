// References to the demo's tasks, by module URL and export name: what the pools
// send to their workers instead of the functions themselves.
import { tasks } from '@par/threads';

/** @type {import('@par/threads').TasksOf<typeof import('./tasks.mjs')>} */
export const t = tasks(new URL('./tasks.mjs', import.meta.url));
