export { cpuCount } from './cpu-count.js';
export { EOFError } from './errors.js';
export { Connection, Pipe, type RecvOptions } from './pipe.js';
export {
  type JoinOptions,
  Process,
  type ProcessOptions,
  type StdioOption,
} from './process.js';
export type { TaskLike, TaskRefLike } from './task-spec.js';
