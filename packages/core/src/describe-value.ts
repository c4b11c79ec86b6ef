// What a value is, in a few words, for error messages: `a function (retry)`,
// `a Map`, `an instance of class Secret`, `an object`, `string`.

/** @internal `a function (name)`, `a Map`, `an object`, `string`: what a value is. */
export function describeValue(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') {
    return `a symbol${value.description ? ` (${value.description})` : ''}`;
  }
  if (typeof value === 'object' && value !== null) {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof value;
}

/**
 * @internal What stands in for a value that cannot be copied to the other side of a
 * worker boundary: `[not cloneable: a function (retry)]`.
 */
export function notCloneablePlaceholder(value: unknown): string {
  return `[not cloneable: ${describeValue(value)}]`;
}
