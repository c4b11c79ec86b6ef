// Runs the chosen sections one after another and closes with a summary. A section
// that throws (a wrong result, a broken pool) is reported with its stack, the others
// still run, and the tour resolves to false.
import os from 'node:os';
import { duration, plural, since } from './format.mjs';
import { createOutput } from './output.mjs';
import { renderTable } from './table.mjs';

export const BROWSER_COMMAND = 'npx -y pnpm@10 --filter @par/demo web';

/**
 * @param {{ sections: import('./sections.mjs').Section[], size: number, workers: number, cores: number }} options
 * @param {import('./progress.mjs').Stream} [stream]
 * @returns {Promise<boolean>} whether every section succeeded
 */
export async function runTour({ sections, size, workers, cores }, stream = process.stdout) {
  const out = createOutput(stream);
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  stream.write('@par, measured on this machine\n');
  stream.write(
    `Node ${process.version} on ${process.platform}/${process.arch}, ${plural(cores, 'core')} (${cpu}); ` +
      `${plural(workers, 'worker')} per pool, size ${size}\n`,
  );
  const [load = 0] = os.loadavg();
  if (load > cores)
    stream.write(
      `Load average ${load.toFixed(1)} on ${plural(cores, 'core')}: other programs want the CPU too, so the speed-ups will be lower than on an idle machine.\n`,
    );
  stream.write('\n');
  const results = [];
  const tourStarted = performance.now();
  for (const section of sections) {
    out.heading(section.title);
    const started = performance.now();
    try {
      const summary = await section.run({ size, workers, cores, out });
      results.push({ section, ok: true, summary, time: since(started) });
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
      stream.write(`\n✘ ${section.id} failed:\n${text}\n`);
      results.push({ section, ok: false, summary: 'FAILED (see above)', time: since(started) });
    }
    stream.write('\n');
  }

  out.heading('Summary');
  for (const line of renderTable(
    [{ header: 'section' }, { header: 'time', align: 'right' }, { header: 'result' }],
    results.map((r) => [`${r.ok ? '✔' : '✘'} ${r.section.id}`, duration(r.time), r.summary]),
  ))
    out.line(line);
  out.line('');
  out.line(
    `Total ${duration(since(tourStarted))}. The same thread pool in your browser, on Web Workers:`,
  );
  out.line(`  ${BROWSER_COMMAND}   (serves apps/demo/web; open the URL it prints)`);
  out.line('Options (sections, size, workers): npx -y pnpm@10 demo --help');
  return results.every((r) => r.ok);
}
