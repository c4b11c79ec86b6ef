// A task module loaded by URL in the pool's Web Workers; no imports, so Vite ships
// it as a plain file.
export function square(n) {
  return n * n;
}

export function addUnderLock(lock, counter, times) {
  for (let i = 0; i < times; i++) {
    lock.acquire();
    counter.value += 1;
    lock.release();
  }
}
