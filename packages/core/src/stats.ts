import type { Percentiles } from './pool-options.js';

/** @internal The last `size` samples, for percentiles without unbounded memory. */
export class SampleRing {
  #values: Float64Array;
  #count = 0;

  constructor(size = 2048) {
    this.#values = new Float64Array(size);
  }

  add(value: number): void {
    this.#values[this.#count % this.#values.length] = value;
    this.#count++;
  }

  percentiles(): Percentiles {
    const n = Math.min(this.#count, this.#values.length);
    if (n === 0) return { p50: 0, p90: 0, p99: 0 };
    const sorted = this.#values.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] as number;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
  }
}
