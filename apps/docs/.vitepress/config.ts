import { existsSync } from 'node:fs';
import { defineConfig } from 'vitepress';

// Guide pages in reading order; a page joins the sidebar once its file exists, so
// each package's page lands together with the package.
const guide: [file: string, text: string][] = [
  ['getting-started', 'Getting started'],
  ['from-python', 'From Python'],
  ['which-one', 'Which one should I use?'],
  ['async', '@par/async'],
  ['queue', '@par/queue'],
  ['threads', '@par/threads'],
  ['shared-memory', 'Shared memory'],
  ['browser', 'In the browser'],
  ['processes', '@par/processes'],
  ['joblib-style', '@par/joblib-style'],
  ['recipes', 'Recipes'],
  ['cluster', 'Beyond one machine'],
  ['benchmarks', 'Benchmarks'],
  ['troubleshooting', 'Troubleshooting'],
  ['security', 'Security'],
];
const pages = guide.filter(([file]) => existsSync(new URL(`../guide/${file}.md`, import.meta.url)));

// The API reference: api/*.md, written from the packages' TSDoc by scripts/api-reference.ts
// before every build.
const api: [file: string, text: string][] = [
  ['async', '@par/async'],
  ['queue', '@par/queue'],
  ['threads', '@par/threads'],
  ['processes', '@par/processes'],
  ['joblib-style', '@par/joblib-style'],
  ['cluster', '@par/cluster'],
  ['core', '@par/core'],
];

export default defineConfig({
  title: '@par',
  description:
    "Python's parallel-processing toolkit for TypeScript: threads, processes, asyncio, queues.",
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  // snippets are .mjs files that run as they are; highlight them as JavaScript
  markdown: { languageAlias: { mjs: 'js', cjs: 'js' } },
  vite: {
    // the live example on the @par/threads page: its pool's workers are module Web
    // Workers, and the dev server must not pre-bundle away their entry (see the
    // @par/threads README, Browser)
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@par/threads'] },
    // its task module stays a file of its own that workers import by URL, never a
    // data: URL inlined into the page's script (Vite inlines small assets by default)
    build: { assetsInlineLimit: (file: string) => (file.endsWith('.js') ? false : undefined) },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'API', link: '/api/' },
      { text: 'Benchmarks', link: '/guide/benchmarks' },
    ],
    sidebar: [
      { text: 'Guide', items: pages.map(([file, text]) => ({ text, link: `/guide/${file}` })) },
      {
        text: 'API reference',
        items: [
          { text: 'Overview', link: '/api/' },
          ...api.map(([file, text]) => ({ text, link: `/api/${file}` })),
        ],
      },
    ],
    search: { provider: 'local' },
  },
});
