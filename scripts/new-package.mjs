// Writes the boilerplate of a package under packages/<dir>: package.json, tsconfig,
// tsup and vitest configs. Usage: node scripts/new-package.mjs <dir> "<description>" [dep ...]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, description, ...deps] = process.argv.slice(2);
if (!dir || !description) {
  console.error('usage: node scripts/new-package.mjs <dir> "<description>" [@par/dep ...]');
  process.exit(2);
}
const root = join('packages', dir);
mkdirSync(join(root, 'src'), { recursive: true });
mkdirSync(join(root, 'test'), { recursive: true });
const write = (file, text) => {
  if (!existsSync(join(root, file))) writeFileSync(join(root, file), text);
};
write(
  'package.json',
  `${JSON.stringify(
    {
      name: `@par/${dir}`,
      version: '0.0.0',
      description,
      license: 'MIT',
      type: 'module',
      sideEffects: false,
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
      },
      main: './dist/index.js',
      types: './dist/index.d.ts',
      files: ['dist'],
      engines: { node: '>=20.19' },
      repository: { type: 'git', url: 'git+https://example.invalid/par.git', directory: root },
      publishConfig: { access: 'public' },
      scripts: {
        build: 'tsup',
        typecheck: 'tsc -p tsconfig.json',
        test: 'vitest run',
      },
      dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:^'])),
    },
    null,
    2,
  )}\n`,
);
write(
  'tsconfig.json',
  `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'test', '*.ts'] }, null, 2)}\n`,
);
write(
  'tsup.config.ts',
  `import { defineConfig } from 'tsup';\nimport { baseConfig } from '../../tsup.config.base.js';\n\nexport default defineConfig(baseConfig);\n`,
);
write(
  'vitest.config.ts',
  `import { defineConfig, mergeConfig } from 'vitest/config';\nimport { sharedTestConfig } from '../../vitest.shared.js';\n\nexport default mergeConfig(sharedTestConfig, defineConfig({}));\n`,
);
// a published package carries the license and a changelog that `changeset version` fills
write('LICENSE', readFileSync('LICENSE', 'utf8'));
write('CHANGELOG.md', `# @par/${dir}\n`);
console.log(`wrote ${root}`);
