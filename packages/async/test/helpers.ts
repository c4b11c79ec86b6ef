/** Lets `n` microtask turns pass, so promise chains already under way can move on. */
export async function tick(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}
