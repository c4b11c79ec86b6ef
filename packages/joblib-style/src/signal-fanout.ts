// One listener per run signal, however many batches are in flight: each batch
// gets its own child signal, registered in a Set (O(1) add and remove), instead of
// its own listener on the run's signal (EventTarget removal is linear in the
// number of listeners, which makes thousands of batches in flight quadratic).

const children = new WeakMap<AbortSignal, Set<AbortController>>();

/** A signal that aborts with `parent`; call `release()` once the batch settled. */
export function childSignal(parent: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  let set = children.get(parent);
  if (set === undefined) {
    const created = new Set<AbortController>();
    set = created;
    children.set(parent, created);
    parent.addEventListener(
      'abort',
      () => {
        for (const c of created) c.abort(parent.reason);
        created.clear();
      },
      { once: true },
    );
  }
  const owner = set;
  owner.add(controller);
  return { signal: controller.signal, release: () => owner.delete(controller) };
}
