// Option validation shared by every @par package, so that each message has the
// same shape: "Expected `name` to be <what>, got `<value>` (<type>)".

function describe(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value === 'function')
    shown = value.name ? `[function ${value.name}]` : '[function]';
  else if (typeof value === 'symbol') shown = value.toString();
  else {
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = String(value);
    }
    if (typeof value === 'number') shown = String(value);
  }
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

/** Builds the message used by every validator. */
export function optionMessage(name: string, expected: string, value: unknown): string {
  return `Expected \`${name}\` to be ${expected}, got ${describe(value)}`;
}

/** Throws TypeError for a non-number, RangeError for a number out of range or not an integer. */
export function validateInteger(
  name: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, allowInfinity = false } = {},
): number {
  const expected =
    min === 1 && max === Number.POSITIVE_INFINITY
      ? `a positive integer${allowInfinity ? ' or Infinity' : ''}`
      : min === 0 && max === Number.POSITIVE_INFINITY
        ? `an integer >= 0${allowInfinity ? ' or Infinity' : ''}`
        : `an integer from ${min} to ${max}${allowInfinity ? ' or Infinity' : ''}`;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(optionMessage(name, expected, value));
  }
  if (value === Number.POSITIVE_INFINITY && allowInfinity) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(optionMessage(name, expected, value));
  }
  return value;
}

/** A finite number >= min (milliseconds, intervals, factors). */
export function validateNumber(
  name: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, allowInfinity = false } = {},
): number {
  const expected = `a finite number${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}${
    max < Number.POSITIVE_INFINITY ? ` and <= ${max}` : ''
  }${allowInfinity ? ' or Infinity' : ''}`;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(optionMessage(name, expected, value));
  }
  if (value === Number.POSITIVE_INFINITY && allowInfinity) return value;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(optionMessage(name, expected, value));
  }
  return value;
}

/** A timeout in milliseconds: `undefined` (none) or a finite number >= 0. */
export function validateTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return validateNumber(name, value, { min: 0, allowInfinity: true });
}

/**
 * Validates an optional boolean option: `undefined` gives `fallback`, anything
 * else but a boolean throws a TypeError naming the option.
 */
export function validateBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(optionMessage(name, 'a boolean', value));
  return value;
}

/** `undefined` or an AbortSignal. */
export function validateSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as AbortSignal).aborted !== 'boolean' ||
    typeof (value as AbortSignal).addEventListener !== 'function'
  ) {
    throw new TypeError(optionMessage(name, 'an AbortSignal', value));
  }
  return value as AbortSignal;
}

/** `undefined` or a function. */
export function validateFunction<F>(name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(optionMessage(name, 'a function', value));
  return value as F;
}

/** One of a fixed list of strings. */
export function validateOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const list = allowed.map((a) => `'${a}'`).join(', ');
    const err = typeof value === 'string' ? RangeError : TypeError;
    throw new err(optionMessage(name, `one of ${list}`, value));
  }
  return value as T;
}

/**
 * An options bag: `undefined` or a plain object. Copies it so the caller's object is
 * never mutated. With `known`, a key not in it is a TypeError naming it (a misspelt
 * option would otherwise be ignored without a word).
 */
export function validateOptions<T extends object>(
  name: string,
  value: unknown,
  known?: readonly (keyof T & string)[],
): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(optionMessage(name, 'an options object', value));
  }
  if (known !== undefined) {
    for (const key of Object.keys(value)) {
      if (!(known as readonly string[]).includes(key)) {
        // Python's spellings (chunksize, cancel_futures) get the name they stand for
        const flat = (k: string) => k.replaceAll('_', '').toLowerCase();
        const meant = known.find((k) => flat(k) === flat(key));
        throw new TypeError(
          `Unknown option \`${key}\` in \`${name}\` (expected ${known.join(', ')})${
            meant === undefined ? '' : `: did you mean \`${meant}\`?`
          }`,
        );
      }
    }
  }
  return { ...(value as T) };
}
