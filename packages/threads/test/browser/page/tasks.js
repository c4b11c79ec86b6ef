// A task module loaded by URL in the pool's Web Workers. It has no imports, so
// the bundler can ship it as a plain file.
export function square(n) {
  return n * n;
}

export function checksum(bytes) {
  let sum = 0;
  for (const b of new Uint8Array(bytes)) sum = (sum + b) % 65521;
  return sum;
}
