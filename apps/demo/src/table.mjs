// Plain-text tables: a header, a rule, and one line per row, numbers right-aligned.
// No colours or box corners, so they read the same in a terminal and in a CI log.

/**
 * @typedef {{ header: string, align?: 'left' | 'right' }} Column
 * @param {Column[]} columns
 * @param {string[][]} rows one string per column
 * @returns {string[]} the lines to print
 */
export function renderTable(columns, rows) {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((row) => String(row[i]).length)),
  );
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((cell, i) =>
        columns[i]?.align === 'right'
          ? String(cell).padStart(widths[i] ?? 0)
          : String(cell).padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
}
