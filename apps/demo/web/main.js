// The demo page: a Mandelbrot set rendered on one thread and then on a ThreadPool of
// Web Workers, with both timings, live progress and a pixel-by-pixel comparison; then
// a map, a CPU-bound map from a task module and a Lock-protected shared counter.
// The outcome is also published on window.demoResult (the page's test reads it).
import { Lock, ThreadPool, tasks, Value } from '@par/threads';
import { bands, renderBand } from './mandelbrot.js';

const WIDTH = 640;
const HEIGHT = 400;
const ROWS = 10;
const MAX_ITER = 600;

const t = tasks(new URL('./tasks.js', import.meta.url));
const m = tasks(new URL('./mandelbrot.js', import.meta.url));
const log = document.querySelector('#log');
const show = (kind, text) => {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = text;
  log.append(li);
};
const isolated = globalThis.crossOriginIsolated === true;
document.querySelector('#isolated').textContent = isolated ? 'yes' : 'no';

/** Paints each band as it arrives; resolves to the whole picture's pixels. */
function canvasPainter(name) {
  const canvas = document.querySelector(`#${name} canvas`);
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const context = canvas.getContext('2d');
  const status = document.querySelector(`#${name} .status`);
  const progress = document.querySelector(`#${name} progress`);
  const all = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  const total = Math.ceil(HEIGHT / ROWS);
  let done = 0;
  const started = performance.now();
  return {
    all,
    paint({ y0, y1, pixels }) {
      all.set(pixels, y0 * WIDTH * 4);
      context.putImageData(new ImageData(pixels, WIDTH, y1 - y0), 0, y0);
      done++;
      progress.value = done / total;
      status.textContent = `${done}/${total} bands, ${(performance.now() - started).toFixed(0)} ms`;
    },
    finish(ms) {
      status.textContent = `${total} bands in ${ms.toFixed(0)} ms`;
    },
  };
}

const workers = navigator.hardwareConcurrency || 2;
document.querySelector('#workers').textContent = String(workers);
const pool = new ThreadPool({ maxWorkers: workers, minWorkers: workers });
const result = {};
try {
  const work = bands(WIDTH, HEIGHT, ROWS, MAX_ITER);

  // one thread: this page's own, yielding between bands so that the progress shows
  const single = canvasPainter('single');
  let started = performance.now();
  for (const band of work) {
    single.paint(renderBand(band));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const singleMs = performance.now() - started;
  single.finish(singleMs);

  // the pool: bands painted in the order they finish
  await Promise.all(Array.from({ length: workers }, () => pool.run(t.countPrimes, 10)));
  const parallel = canvasPainter('parallel');
  started = performance.now();
  for await (const band of pool.imapUnordered(m.renderBand, work)) parallel.paint(band);
  const parallelMs = performance.now() - started;
  parallel.finish(parallelMs);

  const equal = single.all.every((value, i) => value === parallel.all[i]);
  result.mandelbrot = {
    width: WIDTH,
    height: HEIGHT,
    bands: work.length,
    equal,
    singleMs,
    parallelMs,
  };
  document.querySelector('#speedup').textContent =
    `${(singleMs / parallelMs).toFixed(2)}× faster on ${workers} workers; ` +
    (equal ? 'the pixels are identical.' : 'the pixels DIFFER.');
  show(equal ? 'ok' : 'fail', `Mandelbrot ${WIDTH}×${HEIGHT}: both renders have the same pixels`);

  result.squares = await pool.map((n) => n * n, [1, 2, 3, 4, 5, 6, 7, 8]);
  show('ok', `pool.map((n) => n * n, [1..8]) = [${result.squares.join(', ')}]`);

  result.primes = await pool.map(t.countPrimes, [10_000, 20_000, 30_000, 40_000]);
  show(
    'ok',
    `CPU-bound countPrimes over ${pool.stats().workers} workers: [${result.primes.join(', ')}]`,
  );

  if (isolated) {
    const lock = new Lock();
    const counter = new Value('i32', 0);
    const add = (l, c, n) => {
      for (let i = 0; i < n; i++) {
        l.acquire();
        c.value += 1;
        l.release();
      }
    };
    await Promise.all([0, 1, 2, 3].map(() => pool.run(add, lock, counter, 2_500)));
    result.counter = counter.value;
    show(
      counter.value === 10_000 ? 'ok' : 'fail',
      `4 tasks × 2500 increments under one shared Lock: ${counter.value}`,
    );
  } else {
    show(
      'info',
      'Shared memory (Lock, Value) is skipped: it needs SharedArrayBuffer, which browsers give ' +
        'only to cross-origin isolated pages, served with the headers ' +
        'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp ' +
        '(npx -y pnpm@10 --filter @par/demo web sends them). Everything above works without.',
    );
  }
} catch (error) {
  result.error = String(error);
  show('fail', String(error));
} finally {
  await pool.close();
  window.demoResult = result;
}
