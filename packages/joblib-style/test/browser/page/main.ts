// Parallel in a browser: the threads backend on Web Workers, async and
// sequential in the page, and the Node-only parts saying so.
// Publishes its findings on window.parResult for the test to read.
import { delayed, Memory, Parallel, tasks } from '@par/joblib-style';

declare global {
  interface Window {
    parResult?: unknown;
    parError?: string;
  }
}

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));

function message(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

async function main() {
  const inline = await Parallel({ nJobs: 2 })(
    [1, 2, 3, 4, 5, 6].map((x) => delayed((y: number) => y * 2)(x)),
  );
  await using parallel = new Parallel({ nJobs: 2 });
  const squares = await parallel([1, 2, 3, 4].map((x) => delayed(t.square)(x)));
  const offset = 10;
  const local = await Parallel({ nJobs: 3, backend: 'async' })(
    [1, 2, 3].map((x) => delayed(async (y: number) => y + offset)(x)),
  );
  const sequential: number[] = [];
  for await (const r of Parallel({ nJobs: 1, returnAs: 'generator' })(
    [1, 2, 3].map((x) => delayed((y: number) => -y)(x)),
  )) {
    sequential.push(r);
  }
  const noCache = new Memory({ location: null }).cache((x: number) => x + 1);
  return {
    threadsBackend: parallel.backend,
    inline,
    squares,
    local,
    sequential,
    processes: message(() => Parallel({ nJobs: 2, backend: 'processes' })([])),
    memory: message(() => new Memory({ location: '/cache' })),
    memoryNull: await noCache(1),
  };
}

main().then(
  (result) => {
    window.parResult = result;
  },
  (error: unknown) => {
    window.parError = String((error as Error)?.stack ?? error);
  },
);
