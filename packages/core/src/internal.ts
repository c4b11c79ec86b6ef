// `@par/core/internal`: the engine's hooks for the other @par packages. Not part of
// the public API (no semver promise; index.ts does not export it): it lets a
// sibling package reach what the Pool keeps private.

export { engineOf } from './engine/access.js';
export type { Engine } from './engine/engine.js';
