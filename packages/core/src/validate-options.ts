import {
  optionMessage,
  validateInteger,
  validateNumber,
  validateOptions,
  validateTimeout,
} from '@par/async/internal';
import { findLostInstanceInArgs, lostInstanceReason } from './clone-check.js';
import { cpuCount } from './cpu-count.js';
import { describeValue } from './describe-value.js';
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
  // a function or a symbol cannot be copied to any worker: it fails here, not in every
  // worker's start-up (three of those break the pool; a process child's crashed the caller)
  const uncopyable = o.initArgs === undefined ? undefined : findFunctionOrSymbol(o.initArgs);
  if (uncopyable !== undefined) {
    throw new NotCloneableError(
      `\`initArgs\`: ${uncopyable.path} (${describeValue(uncopyable.value)}) could not be sent to the workers: a function or a symbol cannot be copied`,
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

/**
 * The first function or symbol in `args` (arrays, plain objects, Maps and Sets walked),
 * with its path (`argument 0`, `argument 1.retry`).
 */
function findFunctionOrSymbol(
  args: readonly unknown[],
): { path: string; value: unknown } | undefined {
  const seen = new Set<object>();
  const walk = (value: unknown, path: string): { path: string; value: unknown } | undefined => {
    if (typeof value === 'function' || typeof value === 'symbol') return { path, value };
    if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = walk(value[i], `${path}[${i}]`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (value instanceof Map) {
      for (const [k, v] of value) {
        const found = walk(k, `${path} (a Map key)`) ?? walk(v, `${path}.get(${String(k)})`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (value instanceof Set) {
      for (const v of value) {
        const found = walk(v, `${path} (a Set item)`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    for (const key of Object.keys(value)) {
      const found = walk((value as Record<string, unknown>)[key], `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const found = walk(args[i], `argument ${i}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
