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
