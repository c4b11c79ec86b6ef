// Result checks: every scenario says what a correct run returns, and the harness
// checks every contender's output after every run (warm-up included). A wrong or
// missing result fails the scenario loudly instead of producing a figure.
import { isDeepStrictEqual } from 'node:util';

/** Thrown when a contender's output is not what the scenario expects. */
export class WrongResult extends Error {
  override name = 'WrongResult';
}

/**
 * A result too large to send back whole (from a Python script or a child process):
 * how many results there were and the sum of each result modulo `DIGEST_MOD`.
 */
export interface Digest {
  count: number;
  digest: number;
}

export const DIGEST_MOD = 1_000_003;

/** The digest of a list of integer results (the Python scripts compute the same). */
export function digestOf(values: ArrayLike<number>): Digest {
  let digest = 0;
  for (let i = 0; i < values.length; i++)
    digest = (digest + ((values[i] as number) % DIGEST_MOD)) % DIGEST_MOD;
  return { count: values.length, digest };
}

/** Throws `WrongResult` when `output` is wrong. */
export interface ResultCheck {
  (output: unknown): void;
  /** The one correct output, when there is exactly one (tests corrupt it). */
  expected?: () => unknown;
  /** What a correct output is, for messages. */
  description: string;
}

const isDigest = (x: unknown): x is Digest =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as Digest).count === 'number' &&
  typeof (x as Digest).digest === 'number';

const show = (x: unknown): string => {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
};

/**
 * `n` results in order, result `i` being `f(i)`: accepts the array itself (every
 * element is checked) or its `Digest`.
 */
export function sequence(n: number, f: (i: number) => number, label: string): ResultCheck {
  let cached: number[] | undefined;
  let cachedDigest: Digest | undefined;
  const expected = (): number[] => {
    cached ??= Array.from({ length: n }, (_, i) => f(i));
    return cached;
  };
  const check = ((output: unknown) => {
    if (isDigest(output)) {
      cachedDigest ??= digestOf(expected());
      if (output.count !== cachedDigest.count || output.digest !== cachedDigest.digest)
        throw new WrongResult(
          `expected ${label} (digest ${JSON.stringify(cachedDigest)}), got digest ${JSON.stringify({ count: output.count, digest: output.digest })}`,
        );
      return;
    }
    if (!Array.isArray(output) && !(ArrayBuffer.isView(output) && 'length' in output))
      throw new WrongResult(`expected ${label}, got ${show(output)}`);
    const values = output as ArrayLike<unknown>;
    if (values.length !== n)
      throw new WrongResult(`expected ${label}, got ${values.length} results`);
    for (let i = 0; i < n; i++) {
      if (values[i] !== f(i))
        throw new WrongResult(`expected ${label}: result ${i} is ${show(values[i])}, not ${f(i)}`);
    }
  }) as ResultCheck;
  check.expected = expected;
  check.description = label;
  return check;
}

/** Exactly `value` (deep equality). */
export function equals(value: unknown, label = JSON.stringify(value)): ResultCheck {
  const check = ((output: unknown) => {
    if (!isDeepStrictEqual(output, value))
      throw new WrongResult(`expected ${label}, got ${show(output)}`);
  }) as ResultCheck;
  check.expected = () => structuredClone(value);
  check.description = label;
  return check;
}

/** `n` answers from `n` different processes, none of them this one. */
export function distinctPids(n: number): ResultCheck {
  const label = `${n} process ids from ${n} different child processes`;
  const check = ((output: unknown) => {
    if (!Array.isArray(output) || output.length !== n)
      throw new WrongResult(`expected ${label}, got ${show(output)}`);
    for (const pid of output)
      if (!Number.isInteger(pid) || (pid as number) <= 0 || pid === process.pid)
        throw new WrongResult(`expected ${label}, got ${show(output)}`);
    if (new Set(output).size !== n) throw new WrongResult(`expected ${label}, got ${show(output)}`);
  }) as ResultCheck;
  check.description = label;
  return check;
}

export const squares = (n: number): ResultCheck =>
  sequence(n, (i) => i * i, `the squares of 0..${n - 1}`);
export const identity = (n: number): ResultCheck =>
  sequence(n, (i) => i, `the numbers 0..${n - 1}`);
