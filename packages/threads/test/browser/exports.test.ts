import { describe, expect, it } from 'vitest';

describe('the browser build', () => {
  it('exports every name the Node build exports, so isomorphic imports bundle', async () => {
    const node = await import('../../dist/index.js');
    const browser = await import('../../dist/browser/index.js');
    const missing = Object.keys(node).filter((name) => !(name in browser));
    expect(missing).toEqual([]);
  });
});
