// A bound without the LP, for territories too large for it within the time limit: prices λ_t on
// the balance rows ("import − export − loads ≥ deficit"), each device's least cost at those prices
// over its own plans (Job.pricedBound), and the balance columns' least (nil while λ_t lies within
// [export value, import cost]). Any such λ bounds every plan from below (Lagrangian relaxation);
// λ is read from the plan itself: full import cost where it imports, export value where it exports.
import type { BuildEnv, Job } from "./context";
import type { ModelArrays } from "./model";

/** The price of a column at prices λ on the balance rows 0..n−1: its cost less the value of its entries there. */
export function columnPrice(A: ModelArrays, n: number, lambda: Float64Array, c: number): number {
  let p = A.colCost[c];
  for (let k = A.starts[c]; k < A.starts[c + 1]; k++) if (A.indices[k] < n) p -= A.values[k] * lambda[A.indices[k]];
  return p;
}

export function lagrangianBound(A: ModelArrays, n: number, firstDeviceCol: number, jobs: Job[], env: BuildEnv, lambda: Float64Array): number | undefined {
  // Every device column must belong to a device that can price its plans (the tie-break's switch
  // columns do not).
  let covered = 0;
  for (const j of jobs) {
    if (j.colEnd <= j.colStart) continue;
    if (!j.pricedBound) return undefined;
    covered += j.colEnd - j.colStart;
  }
  if (covered !== A.numCols - firstDeviceCol) return undefined;
  const priceOf = (c: number) => columnPrice(A, n, lambda, c);
  let bound = A.offset;
  for (let t = 0; t < n; t++) bound += lambda[t] * A.rowLower[t];
  for (let c = 0; c < firstDeviceCol; c++) {
    const p = priceOf(c);
    if (p >= 0) bound += p * A.colLower[c];
    else if (Number.isFinite(A.colUpper[c])) bound += p * A.colUpper[c];
    else return undefined;
  }
  for (const j of jobs) {
    if (j.colEnd <= j.colStart) continue;
    const price = new Float64Array(j.colEnd - j.colStart);
    for (let c = j.colStart; c < j.colEnd; c++) price[c - j.colStart] = priceOf(c);
    bound += j.pricedBound!(price, env);
  }
  return Number.isFinite(bound) ? bound : undefined;
}

/** Prices read from a plan's net load per slot: the import cost where it imports, else the export value (or 0). */
export function pricesOfPlan(net: Float64Array, weight: Float64Array, exportWeight?: Float64Array): Float64Array {
  return Float64Array.from(net, (v, t) => (v > 0 ? weight[t] : (exportWeight?.[t] ?? 0)));
}

