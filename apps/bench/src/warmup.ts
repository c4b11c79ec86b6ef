// How long a pool scenario warms its contenders up before the measured rounds.

/**
 * Warm-up calls per contender. V8 optimises a pool's per-call functions only after
 * some thousands of calls: a ProcessPool at 500 µs ran at 88–93% of the ideal in its
 * 3rd to 7th rounds of 1,000 calls and at 94–96% from its 10th on, while V8's
 * background compiles (5–7 ms each, per child) took CPU from the 2 cores. Every
 * contender gets the same warm-up.
 */
export const WARMUP_CALLS = 10_000;
/** At most this many warm-up rounds (a round of 200 tasks of 5 ms lasts 0.5 s). */
export const MAX_WARMUP_ROUNDS = 10;

/** Warm-up rounds for a scenario of `tasks` calls per round: enough for WARMUP_CALLS, 2 to 10. */
export const warmupRounds = (tasks: number): number =>
  Math.min(MAX_WARMUP_ROUNDS, Math.max(2, Math.ceil(WARMUP_CALLS / tasks)));
