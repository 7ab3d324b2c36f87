// The MILP as typed arrays, built column by column in compressed sparse column (CSC) form, so
// HiGHS receives it without any LP text. Rows 0..N−1 are the balance rows of the N slots; every
// consumer appends its columns (with their entries in balance rows and in rows of its own).

export const CONTINUOUS = 0;
export const INTEGER = 1;
export const SEMI_CONTINUOUS = 2;

/** A growable Float64Array / Int32Array pair, so a 10 000-device model is built without boxing. */
class F64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
class I32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export interface ModelArrays {
  numCols: number;
  numRows: number;
  offset: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  integrality: Int32Array;
}

export class ModelBuilder {
  private cost = new F64();
  private lower = new F64();
  private upper = new F64();
  private integ = new I32();
  private rLower = new F64();
  private rUpper = new F64();
  private starts = new I32();
  private indices = new I32();
  private values = new F64();
  offset = 0;

  constructor() {
    this.starts.push(0);
  }

  get numCols(): number {
    return this.cost.length;
  }
  get numRows(): number {
    return this.rLower.length;
  }

  addRow(lower: number, upper: number): number {
    this.rLower.push(lower);
    this.rUpper.push(upper);
    return this.rLower.length - 1;
  }

  /** Appends a column; `rows` must not repeat an index. Returns the column index. */
  addCol(cost: number, lower: number, upper: number, type: number, rows: ArrayLike<number>, vals: ArrayLike<number>): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integ.push(type);
    for (let i = 0; i < rows.length; i++) {
      if (vals[i] === 0) continue;
      this.indices.push(rows[i]);
      this.values.push(vals[i]);
    }
    this.starts.push(this.indices.length);
    return this.cost.length - 1;
  }

  /** Changes the cost of an existing column (used for the stability bonus). */
  addCost(col: number, delta: number): void {
    this.cost.data[col] += delta;
  }

  arrays(): ModelArrays {
    return {
      numCols: this.numCols,
      numRows: this.numRows,
      offset: this.offset,
      colCost: this.cost.view().slice(),
      colLower: this.lower.view().slice(),
      colUpper: this.upper.view().slice(),
      rowLower: this.rLower.view().slice(),
      rowUpper: this.rUpper.view().slice(),
      starts: this.starts.view().slice(),
      indices: this.indices.view().slice(),
      values: this.values.view().slice(),
      integrality: this.integ.view().slice(),
    };
  }
}
