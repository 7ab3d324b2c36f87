// The model with most columns fixed, as a smaller model: only the free columns, the rows they
// touch (the balance rows always), row bounds moved by what the fixed columns contribute, and
// their cost in the offset, so objectives compare with the full model's. HiGHS's presolve on the
// full model with every column but a few fixed costs more than the small MILP itself.
import type { ModelArrays } from "./model";

export interface Restricted {
  arrays: ModelArrays;
  /** Full column of each restricted column. */
  cols: Int32Array;
  /** The full vector: x with the restricted columns set from `sub`. */
  expand(sub: ArrayLike<number>): Float64Array;
  /** The restricted columns of a full vector. */
  project(full: Float64Array): Float64Array;
}

/** `keep(c)`: whether column c stays free; every other column is fixed at x[c]. `alwaysRows` first rows are kept. */
export function restrict(A: ModelArrays, x: Float64Array, keep: (c: number) => boolean, alwaysRows: number): Restricted {
  const fixedActivity = new Float64Array(A.numRows);
  const touched = new Uint8Array(A.numRows);
  for (let r = 0; r < alwaysRows; r++) touched[r] = 1;
  const cols: number[] = [];
  let offset = A.offset;
  for (let c = 0; c < A.numCols; c++) {
    if (keep(c)) {
      cols.push(c);
      for (let k = A.starts[c]; k < A.starts[c + 1]; k++) touched[A.indices[k]] = 1;
    } else {
      const v = x[c];
      if (v === 0) continue;
      offset += A.colCost[c] * v;
      for (let k = A.starts[c]; k < A.starts[c + 1]; k++) fixedActivity[A.indices[k]] += A.values[k] * v;
    }
  }
  const rowOf = new Int32Array(A.numRows).fill(-1);
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  for (let r = 0; r < A.numRows; r++) {
    if (!touched[r]) continue;
    rowOf[r] = rowLower.length;
    rowLower.push(A.rowLower[r] - fixedActivity[r]);
    rowUpper.push(A.rowUpper[r] - fixedActivity[r]);
  }
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const c of cols) {
    for (let k = A.starts[c]; k < A.starts[c + 1]; k++) {
      indices.push(rowOf[A.indices[k]]);
      values.push(A.values[k]);
    }
    starts.push(indices.length);
  }
  const colIndex = Int32Array.from(cols);
  const pick = (a: Float64Array | Int32Array) => Array.from(colIndex, (c) => a[c]);
  return {
    arrays: {
      numCols: cols.length,
      numRows: rowLower.length,
      offset,
      colCost: Float64Array.from(pick(A.colCost)),
      colLower: Float64Array.from(pick(A.colLower)),
      colUpper: Float64Array.from(pick(A.colUpper)),
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
      integrality: Int32Array.from(pick(A.integrality)),
    },
    cols: colIndex,
    expand(sub) {
      const full = x.slice();
      colIndex.forEach((c, i) => (full[c] = sub[i]));
      return full;
    },
    project(full) {
      return Float64Array.from(colIndex, (c) => full[c]);
    },
  };
}
