// Tasks of the soak and chaos runs (scripts/soak/run.mjs). Each kind of fault is one
// export, so that the run can tell from the kind which outcome a call must have.
export function double(x) {
  return x * 2;
}

export function fail(i) {
  const error = new Error(`failed ${i}`);
  error.index = i;
  throw error;
}

export function crash(code) {
  process.exit(code);
}

export function allocateForever() {
  const hold = [];
  for (;;) hold.push(new Array(1e5).fill(hold.length));
}

export async function hang() {
  await new Promise(() => {});
}

export function pid() {
  return process.pid;
}

/** Puts `count` items tagged with `tag` into a queue owned by the caller. */
export async function produce(queue, tag, count) {
  for (let i = 0; i < count; i++) await queue.put(`${tag}:${i}`);
  return count;
}
