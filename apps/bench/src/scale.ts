// PAR_BENCH_SCALE shrinks every scenario's size (e.g. 0.01 while developing the
// bench on a busy machine). Scaled runs are not benchmark runs: run.ts writes them
// to results/scaled/, never into the history.

const raw = process.env.PAR_BENCH_SCALE;

/** The factor every size is multiplied by. @default 1 */
export const scale: number = (() => {
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!(value > 0 && value <= 1))
    throw new RangeError(`PAR_BENCH_SCALE must be a number in (0, 1], got ${JSON.stringify(raw)}`);
  return value;
})();

/** `n` scaled, at least `min`. */
export const sized = (n: number, min = 2): number => Math.max(min, Math.round(n * scale));
