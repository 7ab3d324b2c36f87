// The placement worker's idle warm-up: sample solves one at a time, yielding to the event loop
// between them so that a request that arrived during one is seen before the next one starts.

/**
 * Calls `solve(size, k)` for each of `sizes` in turn until `stop()` says so (checked before each
 * solve, after the event loop has run), `budgetMs` has passed, or a solve throws (only a
 * warm-up: it ends there, quietly). Resolves with the number of solves that ran.
 */
export function warmUp(solve: (size: number, k: number) => void, sizes: readonly number[], budgetMs: number, stop: () => boolean): Promise<number> {
  const until = performance.now() + budgetMs;
  return new Promise((resolve) => {
    const next = (k: number) => {
      if (stop() || k >= sizes.length || performance.now() > until) return resolve(k);
      try {
        solve(sizes[k], k);
      } catch {
        return resolve(k + 1);
      }
      // setImmediate runs after the event loop's poll phase, where a message that came meanwhile is handled.
      setImmediate(() => next(k + 1));
    };
    next(0);
  });
}
