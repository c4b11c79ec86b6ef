// A task module loaded by URL in the pool's Web Workers (no imports).
export function square(n) {
  return n * n;
}
