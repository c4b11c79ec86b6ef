// What to do when a task module cannot be loaded because Node.js does not know
// its file type: a `.ts` task module in a program that runs without a TypeScript loader.

const typeScriptFile = /\.[cm]?tsx?$/i;

function pathOf(module: string): string {
  try {
    return new URL(module).pathname;
  } catch {
    return module;
  }
}

/**
 * The advice appended to a task-module load error whose cause is Node's
 * `ERR_UNKNOWN_FILE_EXTENSION` for a TypeScript file; `''` for any other error.
 */
export function typeScriptModuleHint(module: string, cause: unknown): string {
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !typeScriptFile.test(pathOf(module))) return '';
  return (
    '. Node.js cannot load a TypeScript task module without a loader: run the program ' +
    'under tsx (`tsx main.ts`, or `node --import tsx main.js`; with tsx installed where ' +
    'the task module can import it, workers register it themselves), or point tasks() at ' +
    "the compiled JavaScript file (tasks(new URL('./tasks.js', import.meta.url)))"
  );
}
