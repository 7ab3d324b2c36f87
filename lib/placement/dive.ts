// A dive for the semi-continuous columns (a modulating EV's power: nothing, or between its
// minimum and its maximum). The LP charges some slots below the minimum; rounding them alone
// leaves ~2e-4 of imports on the table, and HiGHS's MILP on those EVs takes 200 ms to win it
// back. Here: the LP of the same devices, each power the LP left below its minimum decided (at
// least the minimum where the LP gave at least half of it, else nothing; from the third round on,
// always the minimum), and again, until no power is below its minimum. A few small LPs. A
// heuristic: where it stops short of the optimum, the small MILP follows (solve.ts).
import { INTEGER, SEMI_CONTINUOUS, type ModelArrays } from "./model";

const TOL = 1e-6;
/**
 * Each round decides at least one more column (a decided one is never below its minimum again),
 * so the dive ends; on the fractional EVs of the bench's territories after 3 rounds, on a
 * territory of 12 modulating EVs alone after 14–27.
 */
const MAX_ROUNDS = 40;
/** Rounds in which a power below half its minimum goes to nothing (two: measured best on the bench and on the tests' instance). */
const ZERO_ROUNDS = 2;

/**
 * A plan of M whose semi-continuous columns are each 0 or within their bounds, or undefined when a
 * decision made the LP infeasible or `rounds` did not suffice. Integer columns stay at their value
 * in `start`; `solveLp(lower, upper)` is M's LP optimum with those column bounds (undefined: none).
 */
export function diveSemiContinuous(M: ModelArrays, start: Float64Array, solveLp: (lower: Float64Array, upper: Float64Array) => Float64Array | undefined, rounds = MAX_ROUNDS): Float64Array | undefined {
  const lower = Float64Array.from(M.colLower, (v, c) => (M.integrality[c] === SEMI_CONTINUOUS ? 0 : M.integrality[c] === INTEGER ? Math.round(start[c]) : v));
  const upper = Float64Array.from(M.colUpper, (v, c) => (M.integrality[c] === INTEGER ? Math.round(start[c]) : v));
  for (let round = 0; round < rounds; round++) {
    const x = solveLp(lower, upper);
    if (!x) return undefined;
    let below = 0;
    for (let c = 0; c < M.numCols; c++) {
      if (M.integrality[c] !== SEMI_CONTINUOUS) continue;
      const min = M.colLower[c];
      const v = x[c];
      if (v <= TOL || v >= min - TOL) continue;
      below++;
      // Nothing only in the first rounds: after them, the LP would move the same small charge
      // to its next free slot, round after round.
      if (round < ZERO_ROUNDS && v < min / 2) upper[c] = 0;
      else lower[c] = min;
    }
    if (below === 0) return x;
  }
  return undefined;
}
