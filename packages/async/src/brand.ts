// Brands make `instanceof` hold across copies of a package. A @par child process
// runs a bundled copy of @par/async and @par/queue (one file loads faster than a
// graph of packages), while the task module it runs imports the installed ones:
// an error the bundled copy raises must still be `instanceof TimeoutError` for
// the task, and the other way round.

/** Where a branded class keeps its brand: a static property of its own. */
const BRAND = Symbol.for('@par/async.brand');

// biome-ignore lint/complexity/noBannedTypes: any class, abstract ones included
type AnyClass = Function & { prototype: object };

/**
 * Brands `cls` with `Symbol.for(name)`: its prototype carries the brand, so its
 * instances (and its subclasses' instances) of every copy of the package carry
 * it, and `instanceof cls` becomes {@link isBrandedInstance}: true for an instance
 * of any copy, while a subclass of the user's own still tests by its prototype chain.
 */
export function brand(cls: AnyClass, name: string): void {
  const symbol = Symbol.for(name);
  Object.defineProperty(cls, BRAND, { value: symbol });
  Object.defineProperty(cls.prototype, symbol, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: AnyClass, value: unknown): boolean {
      return isBrandedInstance(this, value);
    },
  });
}

/**
 * `value instanceof cls` for a branded class: whether `value` carries the
 * class's brand (whichever copy of the package made it). A class without a
 * brand of its own (a user's subclass) keeps the ordinary prototype-chain test.
 */
export function isBrandedInstance(cls: AnyClass, value: unknown): boolean {
  const symbol = Object.hasOwn(cls, BRAND)
    ? (cls as unknown as { [BRAND]: symbol })[BRAND]
    : undefined;
  if (symbol === undefined) return Function.prototype[Symbol.hasInstance].call(cls, value);
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as { [key: symbol]: unknown })[symbol] === true
  );
}
