// The tour's sections, in the order they run. A section is a module: its id (for
// --only), a title, a one-line description (for --help), and run(context), which
// prints its table and resolves to the line the closing summary shows for it.
import { clusterSection } from './sections/cluster.mjs';
import { cpuSection } from './sections/cpu.mjs';
import { processPool, sequential, threadPool } from './sections/cpu-runners.mjs';
import { faultsSection } from './sections/faults.mjs';
import { io } from './sections/io.mjs';
import { parallelSection } from './sections/parallel.mjs';
import { parallelRunner } from './sections/parallel-runner.mjs';
import { pipeline } from './sections/pipeline.mjs';

/**
 * @typedef {object} Context
 * @property {number} size the work's scale (--size)
 * @property {number} workers workers per pool (--workers)
 * @property {number} cores the cores Node reports (os.availableParallelism())
 * @property {import('./output.mjs').Output} out
 *
 * @typedef {object} Section
 * @property {string} id
 * @property {string} title
 * @property {string} about
 * @property {(context: Context) => Promise<string>} run resolves to its summary line
 */

/** @type {Section[]} */
export const sections = [
  cpuSection([sequential, threadPool, processPool, parallelRunner]),
  io,
  pipeline,
  faultsSection,
  parallelSection,
  clusterSection,
];
