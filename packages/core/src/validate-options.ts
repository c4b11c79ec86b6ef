import {
  optionMessage,
  validateInteger,
  validateNumber,
  validateOptions,
  validateTimeout,
} from '@par/async/internal';
import { findLostInstanceInArgs, lostInstanceReason } from './clone-check.js';
import { cpuCount } from './cpu-count.js';
import { NotCloneableError } from './errors.js';
import { toWireTask } from './function-registry.js';
import type { PoolOptions } from './pool-options.js';
import type { ResourceLimits, WireTask } from './transport.js';

/** @internal Pool options after validation, with defaults applied. */
export interface ResolvedPoolOptions {
  maxWorkers: number;
  minWorkers: number;
  idleTimeout: number;
  maxQueue: number;
  maxTasksPerWorker: number;
  concurrentTasksPerWorker: number;
  initializer: WireTask | undefined;
  initArgs: unknown[];
  timeout: number | undefined;
  gracePeriod: number;
  execArgv: string[] | undefined;
  env: Record<string, string | undefined> | undefined;
  resourceLimits: ResourceLimits | undefined;
}

const known = new Set([
  'maxWorkers',
  'minWorkers',
  'idleTimeout',
  'maxQueue',
  'maxTasksPerWorker',
  'concurrentTasksPerWorker',
  'initializer',
  'initArgs',
  'timeout',
  'gracePeriod',
  'execArgv',
  'env',
  'resourceLimits',
]);

/** @internal Validates the engine's options; `extra` names transport options to accept. */
export function resolvePoolOptions(
  input: unknown,
  extra: readonly string[] = [],
): ResolvedPoolOptions {
  // Python's Pool(4) / ThreadPoolExecutor(4): a number is the worker count
  // (validated below, so a bad one is reported as `maxWorkers`).
  const o = (
    typeof input === 'number'
      ? { maxWorkers: input }
      : validateOptions<PoolOptions>('options', input)
  ) as PoolOptions & Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!known.has(key) && !extra.includes(key)) {
      throw new TypeError(`Unknown option \`${key}\``);
    }
  }
  const maxWorkers =
    o.maxWorkers === undefined
      ? Math.max(1, cpuCount())
      : validateInteger('maxWorkers', o.maxWorkers, { min: 1 });
  const minWorkers =
    o.minWorkers === undefined ? 0 : validateInteger('minWorkers', o.minWorkers, { min: 0 });
  if (minWorkers > maxWorkers) {
    throw new RangeError(
      optionMessage('minWorkers', `an integer from 0 to maxWorkers (${maxWorkers})`, minWorkers),
    );
  }
  const idleTimeout =
    o.idleTimeout === undefined
      ? 10_000
      : validateNumber('idleTimeout', o.idleTimeout, { min: 0, allowInfinity: true });
  const maxQueue =
    o.maxQueue === undefined
      ? Number.POSITIVE_INFINITY
      : validateInteger('maxQueue', o.maxQueue, { min: 0, allowInfinity: true });
  const maxTasksPerWorker =
    o.maxTasksPerWorker === undefined
      ? Number.POSITIVE_INFINITY
      : validateInteger('maxTasksPerWorker', o.maxTasksPerWorker, { min: 1, allowInfinity: true });
  const concurrentTasksPerWorker =
    o.concurrentTasksPerWorker === undefined
      ? 1
      : validateInteger('concurrentTasksPerWorker', o.concurrentTasksPerWorker, { min: 1 });
  const initializer =
    o.initializer === undefined ? undefined : toWireTask(o.initializer, 'initializer');
  if (o.initArgs !== undefined && !Array.isArray(o.initArgs)) {
    throw new TypeError(optionMessage('initArgs', 'an array', o.initArgs));
  }
  const lost = o.initArgs === undefined ? undefined : findLostInstanceInArgs(o.initArgs, 0);
  if (lost !== undefined) {
    throw new NotCloneableError(
      `\`initArgs\`: ${lost.path} (an instance of class ${lost.className}) could not be sent to the workers: ${lostInstanceReason(lost)}`,
    );
  }
  const timeout = validateTimeout('timeout', o.timeout);
  const gracePeriod =
    o.gracePeriod === undefined
      ? 1000
      : validateNumber('gracePeriod', o.gracePeriod, { min: 0, allowInfinity: true });
  if (
    o.execArgv !== undefined &&
    (!Array.isArray(o.execArgv) || o.execArgv.some((a) => typeof a !== 'string'))
  ) {
    throw new TypeError(optionMessage('execArgv', 'an array of strings', o.execArgv));
  }
  if (
    o.env !== undefined &&
    (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env))
  ) {
    throw new TypeError(optionMessage('env', 'an object of strings', o.env));
  }
  let resourceLimits: ResourceLimits | undefined;
  if (o.resourceLimits !== undefined) {
    const r = validateOptions<ResourceLimits>('resourceLimits', o.resourceLimits);
    for (const key of Object.keys(r) as (keyof ResourceLimits)[]) {
      if (
        key !== 'maxOldGenerationSizeMb' &&
        key !== 'maxYoungGenerationSizeMb' &&
        key !== 'codeRangeSizeMb' &&
        key !== 'stackSizeMb'
      ) {
        throw new TypeError(`Unknown option \`resourceLimits.${key}\``);
      }
      validateNumber(`resourceLimits.${key}`, r[key], { min: 0 });
    }
    resourceLimits = r;
  }
  return {
    maxWorkers,
    minWorkers,
    idleTimeout,
    maxQueue,
    maxTasksPerWorker,
    concurrentTasksPerWorker,
    initializer,
    initArgs: o.initArgs === undefined ? [] : [...o.initArgs],
    timeout,
    gracePeriod,
    execArgv: o.execArgv === undefined ? undefined : [...o.execArgv],
    env: o.env === undefined ? undefined : { ...o.env },
    resourceLimits,
  };
}
