// A starting simplex basis from a plan. HiGHS's LP from scratch spends most of its time getting
// to a good vertex; the greedy plan improved by local moves is already one, a few kWh from the
// optimum, and the primal simplex started there is 2–3× faster on machines, water heaters and
// one-start EVs (bench/README.md).
//
// Every row gets exactly one basic variable: a column strictly between its bounds "covers" one of
// its tight rows (its device's own rows first, then a balance row), a device's chosen start covers
// its "one start" row (basicPairs), and every row left uncovered keeps its own slack basic.
import type { ModelArrays } from "./model";

/** HiGHS basis status codes (highs.constants.basisStatus). */
const LOWER = 0;
const BASIC = 1;
const UPPER = 2;
const ZERO = 3;

const TOL = 1e-9;

export interface StartingBasis {
  colStatus: Int32Array;
  rowStatus: Int32Array;
}

/**
 * The basis of the plan `x` (feasible, balance columns completed) in a model whose first `n` rows
 * are the balance rows. Where `x` is no vertex (a column strictly between its bounds finds no tight
 * row to cover), the basis is of a vertex next to it.
 */
export function basisOf(A: ModelArrays, n: number, x: Float64Array, colLower: Float64Array, colUpper: Float64Array, pairs: [number, number][] = []): StartingBasis {
  const colStatus = new Int32Array(A.numCols);
  const rowStatus = new Int32Array(A.numRows);
  const activity = new Float64Array(A.numRows);
  for (let c = 0; c < A.numCols; c++) for (let k = A.starts[c]; k < A.starts[c + 1]; k++) activity[A.indices[k]] += A.values[k] * x[c];
  const tight = new Uint8Array(A.numRows);
  for (let r = 0; r < A.numRows; r++) {
    const tol = 1e-6 * Math.max(1, Math.abs(activity[r]));
    if (Math.abs(activity[r] - A.rowLower[r]) <= tol) rowStatus[r] = LOWER;
    else if (Math.abs(activity[r] - A.rowUpper[r]) <= tol) rowStatus[r] = UPPER;
    else continue;
    tight[r] = 1;
  }
  const covered = new Uint8Array(A.numRows);
  for (const [c, r] of pairs) {
    if (!tight[r] || covered[r]) continue;
    colStatus[c] = BASIC;
    covered[r] = 1;
  }
  for (let c = 0; c < A.numCols; c++) {
    if (colStatus[c] === BASIC) continue;
    const v = x[c];
    if (Math.abs(v - colLower[c]) <= TOL) colStatus[c] = LOWER;
    else if (Math.abs(v - colUpper[c]) <= TOL) colStatus[c] = UPPER;
    else if (colLower[c] === -Infinity && colUpper[c] === Infinity && Math.abs(v) <= TOL) colStatus[c] = ZERO;
    else {
      const row = coverable(A, n, c, tight, covered);
      if (row < 0) {
        // Not a vertex (a modulating EV at its minimum power, which the LP relaxes to 0): the
        // nearer bound, and the simplex repairs what that breaks.
        colStatus[c] = v - colLower[c] <= colUpper[c] - v ? LOWER : UPPER;
        continue;
      }
      colStatus[c] = BASIC;
      covered[row] = 1;
    }
  }
  for (let r = 0; r < A.numRows; r++) if (!covered[r]) rowStatus[r] = BASIC;
  return { colStatus, rowStatus };
}

/** A tight, not yet covered row of column c: its device's own rows first, then a balance row; −1 if none. */
function coverable(A: ModelArrays, n: number, c: number, tight: Uint8Array, covered: Uint8Array): number {
  let balanceRow = -1;
  for (let k = A.starts[c]; k < A.starts[c + 1]; k++) {
    const r = A.indices[k];
    if (!tight[r] || covered[r] || A.values[k] === 0) continue;
    if (r >= n) return r;
    if (balanceRow < 0) balanceRow = r;
  }
  return balanceRow;
}
