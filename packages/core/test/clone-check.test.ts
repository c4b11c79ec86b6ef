import { BlockList } from 'node:net';
import { runInNewContext } from 'node:vm';
import { MessageChannel } from 'node:worker_threads';
import { Secret } from '@par/test-support/secret';
import { describe, expect, it } from 'vitest';
import { findLostInstance, findLostInstanceInArgs } from '../src/clone-check.js';
import { TaskFlag } from '../src/protocol.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('findLostInstance: a class instance that would arrive as {}', () => {
  it('finds an instance whose state is all #private, naming its path and class', () => {
    expect(findLostInstance(new Secret('s'), 'argument 0')).toEqual({
      path: 'argument 0',
      className: 'Secret',
    });
    const nested = { list: [1, { 'odd key': new Secret('s') }] };
    expect(findLostInstance(nested, 'argument 2')).toEqual({
      path: 'argument 2.list[1]["odd key"]',
      className: 'Secret',
    });
  });

  it('looks inside Maps, Sets and class instances that have own data', () => {
    expect(findLostInstance(new Map([['k', new Secret('s')]]), 'x')?.path).toBe('x.get("k")');
    expect(findLostInstance(new Map([[new Secret('s'), 1]]), 'x')?.path).toBe('x.keys()[0]');
    expect(findLostInstance(new Set([1, new Secret('s')]), 'x')?.path).toBe('x.values()[1]');
    const point = Object.assign(new Point(1, 2), { tag: new Secret('s') });
    expect(findLostInstance(point, 'x')?.path).toBe('x.tag');
  });

  it('leaves alone what arrives with its data: plain objects, instances with own data, built-ins, host objects', () => {
    const value = {
      empty: {},
      bare: Object.create(null),
      otherRealm: runInNewContext('({})'),
      point: new Point(1, 2),
      map: new Map([[1, new Date(0)]]),
      set: new Set(['a']),
      date: new Date(0),
      regexp: /x/,
      bytes: new Uint8Array(4),
      buffer: new ArrayBuffer(4),
      shared: new SharedArrayBuffer(4),
      error: new RangeError('r'),
      blob: new Blob(['b']),
      blockList: new BlockList(),
      boxed: Object(1n),
    };
    expect(findLostInstance(value, 'argument 0')).toBeUndefined();
  });

  it('leaves what does not clone at all to the transport (a port to transfer, a function)', () => {
    const { port1, port2 } = new MessageChannel();
    try {
      expect(findLostInstance({ port: port1, fn: () => 1 }, 'argument 0')).toBeUndefined();
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('terminates on cycles', () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    a.list = [a];
    expect(findLostInstance(a, 'x')).toBeUndefined();
    a.last = new Secret('s');
    expect(findLostInstance(a, 'x')?.path).toBe('x.last');
  });

  it('names map items by their index in the input, and starmap arguments', () => {
    const secret = new Secret('s');
    expect(findLostInstanceInArgs([1, { s: secret }], 0)?.path).toBe('argument 1.s');
    expect(findLostInstanceInArgs([[1, secret]], TaskFlag.Chunk, 10)?.path).toBe('map item 11');
    expect(
      findLostInstanceInArgs(
        [
          [
            [1, 2],
            [3, secret],
          ],
        ],
        TaskFlag.Chunk | TaskFlag.Star,
      )?.path,
    ).toBe('map item 1, argument 1');
    expect(findLostInstanceInArgs([new Float64Array(3)], TaskFlag.Chunk)).toBeUndefined();
  });
});
