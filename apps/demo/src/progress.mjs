// The tour's progress bar: one line redrawn in place on a terminal, nothing at all
// elsewhere (a CI log gets the plain result lines that follow instead). It only
// appears once the work has taken `showAfter` ms, so quick steps never flicker.

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const WIDTH = 20;

/**
 * @typedef {{ isTTY?: boolean, columns?: number, write(text: string): unknown }} Stream
 * @typedef {object} ProgressOptions
 * @property {string} label what is running
 * @property {number} [total] number of steps; without it the bar is a spinner with the elapsed time
 * @property {number} [showAfter] ms before the bar first appears (default 1000)
 * @property {number} [interval] ms between redraws (default 100)
 * @property {() => number} [now] clock in ms (default performance.now)
 */

/**
 * @param {Stream} stream where to draw (process.stdout)
 * @param {ProgressOptions} options
 */
export function createProgress(stream, options) {
  const { label, total, showAfter = 1000, interval = 100, now = () => performance.now() } = options;
  const started = now();
  let done = 0;
  let status = '';
  let lastDraw = -Infinity;
  let frame = 0;
  let shown = false;
  const live = stream.isTTY === true;

  const draw = (force = false) => {
    const t = now();
    if (!live || t - started < showAfter || (!force && t - lastDraw < interval)) return;
    lastDraw = t;
    shown = true;
    const seconds = `${((t - started) / 1000).toFixed(1)} s`;
    let meter;
    if (total === undefined) {
      meter = SPINNER[frame++ % SPINNER.length];
    } else {
      const filled = Math.round((Math.min(done, total) / Math.max(total, 1)) * WIDTH);
      meter = `▕${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}▏ ${done}/${total}`;
    }
    const text = `   ${label} ${meter}  ${seconds}${status ? `  ${status}` : ''}`;
    // \r back to the line's start, \x1b[K erases what a longer previous line left behind
    stream.write(`\r${text.slice(0, (stream.columns ?? 100) - 1)}\x1b[K`);
  };
  const timer = live ? setInterval(draw, interval) : undefined;
  timer?.unref?.();

  return {
    /** Adds `n` finished steps; redraws at most every `interval` ms, also inside a synchronous loop. */
    tick(n = 1) {
      done += n;
      draw();
    },
    /** Text shown after the bar, such as a queue's fill level. @param {string} text */
    status(text) {
      status = text;
      draw();
    },
    /** Removes the bar, leaving the cursor at the start of an empty line. */
    stop() {
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
