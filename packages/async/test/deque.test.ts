import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Deque } from '../src/internal.js';

describe('Deque', () => {
  test('push and shift are FIFO', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 100; i++) d.push(i);
    const out: number[] = [];
    while (d.length > 0) out.push(d.shift() as number);
    expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  test('unshift and pop work at the other ends', () => {
    const d = new Deque<string>();
    d.push('b');
    d.unshift('a');
    d.push('c');
    expect(d.peek()).toBe('a');
    expect(d.peekLast()).toBe('c');
    expect(d.pop()).toBe('c');
    expect(d.shift()).toBe('a');
    expect(d.shift()).toBe('b');
    expect(d.shift()).toBeUndefined();
    expect(d.pop()).toBeUndefined();
  });

  test('remove takes out one item and keeps the order of the others', () => {
    const d = new Deque<number>(4);
    for (const i of [1, 2, 3, 4, 5]) d.push(i);
    expect(d.remove(3)).toBe(true);
    expect(d.remove(42)).toBe(false);
    expect([...d]).toEqual([1, 2, 4, 5]);
  });

  test('at, drain and clear', () => {
    const d = new Deque<number>();
    d.push(1);
    d.push(2);
    expect(d.at(1)).toBe(2);
    expect(d.at(2)).toBeUndefined();
    expect(d.drain()).toEqual([1, 2]);
    expect(d.length).toBe(0);
    d.push(3);
    d.clear();
    expect([...d]).toEqual([]);
  });

  test('behaves like an array model under any sequence of operations', () => {
    type Op = { kind: 'push' | 'unshift'; value: number } | { kind: 'shift' | 'pop' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant<'push'>('push'), value: fc.integer() }),
      fc.record({ kind: fc.constant<'unshift'>('unshift'), value: fc.integer() }),
      fc.record({ kind: fc.constant<'shift'>('shift') }),
      fc.record({ kind: fc.constant<'pop'>('pop') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const d = new Deque<number>(4);
        const model: number[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            d.push(o.value);
            model.push(o.value);
          } else if (o.kind === 'unshift') {
            d.unshift(o.value);
            model.unshift(o.value);
          } else if (o.kind === 'shift') {
            expect(d.shift()).toBe(model.shift());
          } else {
            expect(d.pop()).toBe(model.pop());
          }
          expect(d.length).toBe(model.length);
        }
        expect([...d]).toEqual(model);
      }),
    );
  });
});
