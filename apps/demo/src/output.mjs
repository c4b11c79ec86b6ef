// Where the sections print: indented lines, tables and progress bars on one stream.
import { createProgress } from './progress.mjs';
import { renderTable } from './table.mjs';

/**
 * @typedef {object} Output
 * @property {(text?: string) => void} line an indented line (an empty one without text)
 * @property {(columns: import('./table.mjs').Column[], rows: string[][]) => void} table
 * @property {(label: string, options?: { total?: number }) => ReturnType<typeof createProgress>} progress
 * @property {(title: string) => void} heading a section's title rule
 * @property {boolean} live whether the stream is a terminal (progress is drawn)
 */

/**
 * @param {import('./progress.mjs').Stream} stream
 * @returns {Output}
 */
export function createOutput(stream) {
  const line = (text = '') => stream.write(text ? `   ${text}\n` : '\n');
  return {
    line,
    live: stream.isTTY === true,
    table(columns, rows) {
      for (const text of renderTable(columns, rows)) line(text);
    },
    progress(label, options = {}) {
      return createProgress(stream, { label, ...options });
    },
    heading(title) {
      stream.write(`── ${title} ${'─'.repeat(Math.max(3, 72 - title.length))}\n`);
    },
  };
}
