// Bundles the page in this folder with Vite as an application that installed the
// tarballs would, and fails if Vite (or Rollup through it) reports any warning:
//  1. `vite build` against the installed packages (node_modules next to this folder);
//  2. Vite's dev server against the same packages linked from outside node_modules
//     (a workspace or `npm link`): only there does Vite analyze the packages' own
//     modules and warn about a dynamic `import()` it cannot analyze, so every module
//     the page and the pool's Web Worker load is transformed.
// Usage: node check.mjs <URL of vite's Node entry> <outDir>
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [viteEntry, outDir] = process.argv.slice(2);
if (!viteEntry || !outDir) throw new Error('usage: node check.mjs <vite entry URL> <outDir>');
const { build, createServer } = await import(viteEntry);

const page = fileURLToPath(new URL('./', import.meta.url));
const scratch = dirname(page);
const warnings = [];

/** A Vite logger that prints information and collects every warning and error. */
function collectingLogger() {
  const logger = {
    hasWarned: false,
    info: (msg) => console.log(msg),
    warn(msg) {
      logger.hasWarned = true;
      warnings.push(msg);
    },
    warnOnce: (msg) => logger.warn(msg),
    error: (msg) => warnings.push(msg),
    clearScreen: () => {},
    hasErrorLogged: () => false,
  };
  return logger;
}

await build({
  root: page,
  configFile: false,
  logLevel: 'info',
  customLogger: collectingLogger(),
  worker: { format: 'es' },
  build: { outDir, emptyOutDir: true, target: 'es2022' },
});

// the same packages, linked: linked/node_modules/@par/x -> linked/par-x
const linked = join(scratch, 'linked');
const app = join(linked, 'app');
mkdirSync(join(linked, 'node_modules', '@par'), { recursive: true });
for (const name of readdirSync(join(scratch, 'node_modules', '@par'))) {
  const from = join(scratch, 'node_modules', '@par', name);
  // the package alone: its own dependencies resolve through linked/node_modules
  cpSync(from, join(linked, `par-${name}`), {
    recursive: true,
    dereference: true,
    filter: (src) => !src.slice(from.length).includes('node_modules'),
  });
  symlinkSync(join(linked, `par-${name}`), join(linked, 'node_modules', '@par', name), 'dir');
}
cpSync(page, app, { recursive: true, filter: (src) => !src.endsWith('check.mjs') });

const server = await createServer({
  root: app,
  configFile: false,
  logLevel: 'info',
  customLogger: collectingLogger(),
  server: { middlewareMode: true, hmr: false, watch: null },
  // as the browser guide says: the pool's worker script stays next to its module
  optimizeDeps: { exclude: ['@par/threads', '@par/joblib-style'], noDiscovery: true },
  worker: { format: 'es' },
});
try {
  const worker = join(linked, 'par-threads', 'dist', 'browser', 'worker.js');
  const pending = ['/main.js', `/@fs${worker}`];
  const seen = new Set();
  while (pending.length > 0) {
    const url = pending.pop();
    if (seen.has(url)) continue;
    seen.add(url);
    await server.transformRequest(url);
    const module = await server.moduleGraph.getModuleByUrl(url);
    for (const imported of module?.importedModules ?? []) pending.push(imported.url);
  }
  const own = [...seen].filter((url) => url.includes('/linked/par-'));
  if (own.length < 5) {
    throw new Error(`the dev server transformed too few of the packages' modules: ${own}`);
  }
  console.log(`Vite dev server transformed ${seen.size} modules (${own.length} of @par)`);
} finally {
  await server.close();
}

if (warnings.length > 0) {
  console.error(`Vite reported ${warnings.length} warning(s):\n${warnings.join('\n')}`);
  process.exit(1);
}
console.log(
  `Vite bundles @par/threads and @par/joblib-style for the browser without warnings (${pathToFileURL(page).href})`,
);
