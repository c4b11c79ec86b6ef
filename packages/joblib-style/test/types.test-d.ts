import { describe, expectTypeOf, it } from 'vitest';
import {
  type DelayedCall,
  delayed,
  Parallel,
  type ParallelBackend,
  registerBackend,
} from '../dist/index.js';
import { t } from './helpers.js';

describe('Parallel types', () => {
  it('types the results from the delayed function', () => {
    const squares = Parallel({ nJobs: 2 })([1, 2].map((x) => delayed(t.square)(x)));
    expectTypeOf(squares).toEqualTypeOf<Promise<number[]>>();
    const doubled = Parallel()([delayed(t.asyncDouble)(1)]);
    expectTypeOf(doubled).toEqualTypeOf<Promise<number[]>>();
    const inline = Parallel({ backend: 'async' })([delayed((s: string) => s.length)('ab')]);
    expectTypeOf(inline).toEqualTypeOf<Promise<number[]>>();
  });

  it('types a mixed input as a union', () => {
    const mixed = Parallel()([delayed(t.square)(1), delayed((s: string) => s)('x')]);
    expectTypeOf(mixed).toEqualTypeOf<Promise<(number | string)[]>>();
  });

  it('returns an AsyncIterableIterator for the generator modes', () => {
    const ordered = Parallel({ returnAs: 'generator' })([delayed(t.square)(1)]);
    expectTypeOf(ordered).toEqualTypeOf<AsyncIterableIterator<number>>();
    const unordered = Parallel({ returnAs: 'generator_unordered' })([delayed(t.square)(1)]);
    expectTypeOf(unordered).toEqualTypeOf<AsyncIterableIterator<number>>();
  });

  it('checks delayed arguments against the function', () => {
    // @ts-expect-error square takes a number
    delayed(t.square)('x');
    // @ts-expect-error add takes two arguments
    delayed(t.add)(1);
    expectTypeOf(delayed(t.add)(1, 2)).toEqualTypeOf<DelayedCall<[a: number, b: number], number>>();
  });

  it('new Parallel is a disposable callable instance', () => {
    const instance = new Parallel({ nJobs: 2 });
    expectTypeOf(instance).toMatchTypeOf<AsyncDisposable>();
    expectTypeOf(instance([delayed(t.square)(1)])).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(instance.nJobs).toEqualTypeOf<number>();
  });

  it('registerBackend takes a factory returning the backend interface', () => {
    expectTypeOf(registerBackend).parameter(1).returns.toEqualTypeOf<ParallelBackend>();
  });
});
