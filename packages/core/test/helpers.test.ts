import { describe, expect, it } from 'vitest';
import { batchPolicy } from '../src/batch-policy.js';
import {
  cpuCount,
  inheritedExecArgv,
  registerTransferHandler,
  transfer,
  unregisterTransferHandler,
} from '../src/index.js';
import { isTransfer } from '../src/transfer.js';
import { findTransferHandler } from '../src/transfer-handlers.js';

describe('inheritedExecArgv()', () => {
  it('drops main-script-only flags and their values', () => {
    expect(
      inheritedExecArgv([
        '--import',
        'tsx',
        '-e',
        'code',
        '--input-type=module',
        '--print',
        'x',
        '--no-warnings',
        '--eval=1',
      ]),
    ).toEqual(['--import', 'tsx', '--no-warnings']);
  });
});

describe('batchPolicy.autoChunkSize()', () => {
  it("follows Python's divmod rule", () => {
    expect(batchPolicy.autoChunkSize(100, 4)).toBe(7);
    expect(batchPolicy.autoChunkSize(1_000_000, 2)).toBe(125_000);
    expect(batchPolicy.autoChunkSize(3, 8)).toBe(1);
    expect(batchPolicy.autoChunkSize(0, 2)).toBe(1);
  });
});

describe('batchPolicy.callBatch()', () => {
  it('hands a busy worker about 8 ms of quick calls per message, and never batches calls of 2 ms or more', () => {
    expect(batchPolicy.callBatch(0.5)).toBe(16);
    expect(batchPolicy.callBatch(0.05)).toBe(160);
    expect(batchPolicy.callBatch(1.5)).toBe(5);
    expect(batchPolicy.callBatch(1.99)).toBe(4);
    expect(batchPolicy.callBatch(2)).toBe(0);
    expect(batchPolicy.callBatch(Number.NaN)).toBe(0);
    expect(batchPolicy.callBatch(0)).toBe(1024);
  });
});

describe('transfer handlers', () => {
  it('registers, finds and unregisters a handler', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    registerTransferHandler<Point, [number, number]>({
      name: 'test:Point',
      canHandle: (v): v is Point => v instanceof Point,
      serialize: (p) => [[p.x, p.y], []],
      deserialize: ([x, y]) => new Point(x, y),
    });
    expect(findTransferHandler(new Point(1, 2))?.name).toBe('test:Point');
    expect(findTransferHandler(5)).toBeUndefined();
    expect(unregisterTransferHandler('test:Point')).toBe(true);
    expect(findTransferHandler(new Point(1, 2))).toBeUndefined();
  });

  it('rejects something that is not a handler', () => {
    expect(() => registerTransferHandler({ name: 'x' } as never)).toThrow(TypeError);
  });
});

describe('transfer() and cpuCount()', () => {
  it('marks a value with its transfer list', () => {
    const buffer = new ArrayBuffer(8);
    const marked = transfer(buffer, [buffer]);
    expect(isTransfer(marked)).toBe(true);
    expect(() => transfer(1, 'x' as never)).toThrow(TypeError);
  });

  it('cpuCount() is a positive integer', () => {
    expect(Number.isInteger(cpuCount())).toBe(true);
    expect(cpuCount()).toBeGreaterThan(0);
  });
});
