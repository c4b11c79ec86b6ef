import { existsSync } from 'node:fs';
import { defineConfig } from 'vitepress';

// Guide pages in reading order; a page joins the sidebar once its file exists, so
// each package's page lands together with the package.
const guide: [file: string, text: string][] = [
  ['getting-started', 'Getting started'],
  ['which-one', 'Which one should I use?'],
  ['async', '@par/async'],
  ['queue', '@par/queue'],
  ['threads', '@par/threads'],
  ['shared-memory', 'Shared memory'],
  ['browser', 'In the browser'],
  ['processes', '@par/processes'],
  ['joblib-style', '@par/joblib-style'],
  ['cluster', 'Beyond one machine'],
  ['benchmarks', 'Benchmarks'],
];
const pages = guide.filter(([file]) => existsSync(new URL(`../guide/${file}.md`, import.meta.url)));

export default defineConfig({
  title: '@par',
  description:
    "Python's parallel-processing toolkit for TypeScript: threads, processes, asyncio, queues.",
  cleanUrls: true,
  // snippets are .mjs files that run as they are; highlight them as JavaScript
  markdown: { languageAlias: { mjs: 'js', cjs: 'js' } },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Benchmarks', link: '/guide/benchmarks' },
    ],
    sidebar: [
      { text: 'Guide', items: pages.map(([file, text]) => ({ text, link: `/guide/${file}` })) },
    ],
    search: { provider: 'local' },
  },
});
