// The LP with controlled heaters as whole heating plans (Dantzig–Wolfe column generation).
// In the plain LP a heater is 96 fractional on/off columns tied by its temperature rows: HiGHS
// spends most of the LP on them (50 heaters: 1.2 s of a 1.4 s LP at N = 1 000), and the LP may
// hold a band edge with a fraction of the heater's power, a bound ~1 % too low. Here each heater
// is a convex combination of on/off plans; a plan joins the master LP when the heater's DP finds
// it cheaper at the master's prices than the heater's current price (its convexity row's dual).
// Where no heater finds one, the master's optimum is the bound over the convex hull of the on/off
// plans: never below the LP's. Stopped early, the bound is the Lagrangian one at the last prices.
import type { Highs } from "highs";
import type { ThermalJob } from "./consumers/heater-thermal";
import { cheapestHeating, heatingCostBound } from "./thermal-dp";
import type { ModelArrays } from "./model";
import { basisOf } from "./basis";

/** HiGHS's simplex_strategy for the primal simplex: the master stays primal feasible when plans are added. */
const PRIMAL_SIMPLEX = 4;
/** Bins per heating step of the pricing DP: finer ones cost more than the plans they find save. */
export const PRICING_BINS = 64;
/** A plan joins only when cheaper by this share of the objective: below it, a round costs more than it gains. */
const MIN_GAIN = 1e-7;
/** A guard: on the bench's territories the loop ends after 1–2 rounds. */
const MAX_ROUNDS = 50;
/**
 * The bound DP's first grid (bins per heating step): cheap, and once the loop has converged it
 * reaches the price of most heaters of a mixed territory.
 */
const COARSE_BOUND_BINS = 32;
/**
 * Finer grids for the heaters whose bound is still below their price with no cheaper plan found.
 * On a grid, each bin spans temperatures of several plans and may count a slot of heating less
 * than any plan needs. On 1 000 heaters alone, 387 were a slot short at 128 bins per step, 7 at
 * 256, 1 at 512 and none at 1 024 (5–14 ms a heater there).
 */
const REFINED_GRIDS = [
  { binsPerStep: 128, maxBins: 4_096 },
  { binsPerStep: 256, maxBins: 16_384 },
  { binsPerStep: 512, maxBins: 32_768 },
  { binsPerStep: 1_024, maxBins: 65_536 },
];

export interface HeaterColumnLp {
  /** HiGHS model status of the last master solve (7: optimal). */
  status: number;
  /** In the full model's columns: the heaters' columns are their convex combination of plans. */
  x?: Float64Array;
  objective?: number;
  /** A lower bound of every on/off plan: the master's optimum, lowered by what unpriced plans could still save. */
  bound?: number;
  /** In the full model's rows and columns: the heaters' own rows and columns have none (0). */
  rowDuals?: Float64Array;
  reducedCosts?: Float64Array;
  rounds: number;
  plans: number;
}

/** A plan of the full model (balance columns completed) whose heaters are on their first initial plan, and its basicPairs. */
export interface WarmPlan {
  x: Float64Array;
  pairs: [number, number][];
}

/**
 * Solves the LP of model A (bounds lower/upper) with `heaters` as plan combinations, starting from
 * the plans in `initial` (one list of on/off vectors per heater; the first must be feasible).
 * `n`: the balance rows come first; `limitS`: time for the whole loop. From `warm`'s basis by the
 * primal simplex, when given. `boundSlack`: how far below the master's optimum, as a share of it,
 * the heaters' DP bounds may leave the bound (0: as tight as the finest grid makes it).
 */
export function heaterColumnLp(H: Highs, A: ModelArrays, n: number, heaters: ThermalJob[], lower: Float64Array, upper: Float64Array, initial: Float64Array[][], limitS: number, warm?: WarmPlan, boundSlack = 0): HeaterColumnLp {
  const until = performance.now() + limitS * 1000;
  const ownerOf = new Int32Array(A.numCols).fill(-1);
  heaters.forEach((h, i) => ownerOf.fill(i, h.colStart, h.colEnd));
  // The model without the heaters: their columns and their temperature rows go.
  const kept: number[] = [];
  for (let c = 0; c < A.numCols; c++) if (ownerOf[c] < 0) kept.push(c);
  const touched = new Uint8Array(A.numRows).fill(1, 0, n);
  for (const c of kept) for (let k = A.starts[c]; k < A.starts[c + 1]; k++) touched[A.indices[k]] = 1;
  const rowOf = new Int32Array(A.numRows).fill(-1);
  const keptRows: number[] = [];
  for (let r = 0; r < A.numRows; r++) if (touched[r]) rowOf[r] = keptRows.push(r) - 1;
  const R = { numCols: kept.length, numRows: keptRows.length };
  const convexityRow = (i: number) => R.numRows + i;

  /** A plan's column in the master: its cost and its entries on the kept rows, then its convexity row. */
  const planColumn = (i: number, u: Float64Array) => {
    const h = heaters[i];
    const cols = h.columnsOf(u);
    const entries = new Map<number, number>();
    let cost = 0;
    for (let c = h.colStart; c < h.colEnd; c++) {
      const v = cols[c - h.colStart];
      if (v === 0) continue;
      cost += A.colCost[c] * v;
      for (let k = A.starts[c]; k < A.starts[c + 1]; k++) {
        const r = rowOf[A.indices[k]];
        if (r >= 0) entries.set(r, (entries.get(r) ?? 0) + A.values[k] * v);
      }
    }
    entries.set(convexityRow(i), 1);
    const rows = [...entries.keys()].sort((a, b) => a - b);
    return { cost, rows, values: rows.map((r) => entries.get(r)!) };
  };

  const plans: { heater: number; u: Float64Array }[] = [];
  const columns: ReturnType<typeof planColumn>[] = [];
  heaters.forEach((_, i) => {
    for (const u of initial[i]) {
      plans.push({ heater: i, u });
      columns.push(planColumn(i, u));
    }
  });

  const numCols = R.numCols + columns.length;
  const numRows = R.numRows + heaters.length;
  let nnz = 0;
  for (const c of kept) nnz += A.starts[c + 1] - A.starts[c];
  for (const col of columns) nnz += col.rows.length;
  const master: ModelArrays = {
    numCols,
    numRows,
    offset: A.offset,
    colCost: new Float64Array(numCols),
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(Infinity),
    rowLower: new Float64Array(numRows).fill(1),
    rowUpper: new Float64Array(numRows).fill(1),
    starts: new Int32Array(numCols + 1),
    indices: new Int32Array(nnz),
    values: new Float64Array(nnz),
    integrality: new Int32Array(numCols),
  };
  keptRows.forEach((r, i) => {
    master.rowLower[i] = A.rowLower[r];
    master.rowUpper[i] = A.rowUpper[r];
  });
  let at = 0;
  kept.forEach((c, i) => {
    master.colCost[i] = A.colCost[c];
    master.colLower[i] = lower[c];
    master.colUpper[i] = upper[c];
    for (let k = A.starts[c]; k < A.starts[c + 1]; k++, at++) {
      master.indices[at] = rowOf[A.indices[k]];
      master.values[at] = A.values[k];
    }
    master.starts[i + 1] = at;
  });
  columns.forEach((col, i) => {
    master.colCost[R.numCols + i] = col.cost;
    master.indices.set(col.rows, at);
    master.values.set(col.values, at);
    at += col.rows.length;
    master.starts[R.numCols + i + 1] = at;
  });
  const model = H.createModel({ ...master, integrality: undefined, matrix: { format: "csc", numRows, numCols, starts: master.starts, indices: master.indices, values: master.values } });
  if (warm) {
    // The warm plan in the master: its own columns, and each heater on its first plan.
    const x = new Float64Array(numCols);
    const colOf = new Int32Array(A.numCols).fill(-1);
    kept.forEach((c, k) => {
      x[k] = warm.x[c];
      colOf[c] = k;
    });
    const firstPlan = new Int32Array(heaters.length).fill(-1);
    plans.forEach((p, k) => firstPlan[p.heater] < 0 && (firstPlan[p.heater] = R.numCols + k));
    firstPlan.forEach((k) => (x[k] = 1));
    const pairs: [number, number][] = warm.pairs.filter(([c, r]) => colOf[c] >= 0 && rowOf[r] >= 0).map(([c, r]) => [colOf[c], rowOf[r]]);
    firstPlan.forEach((k, i) => pairs.push([k, convexityRow(i)]));
    try {
      model.setBasis(basisOf(master, n, x, master.colLower, master.colUpper, pairs));
      model.options.set({ simplex_strategy: PRIMAL_SIMPLEX });
    } catch {
      // Refused (counts or codes): HiGHS starts from scratch.
    }
  }
  try {
    let rounds = 0;
    let status: number = H.constants.modelStatus.timeLimit;
    let objective: number | undefined;
    let rowDual = new Float64Array(0);
    let colValue = new Float64Array(0);
    let colDual = new Float64Array(0);
    let prices: Float64Array[] = [];
    /** Each heater's DP bound of its cheapest plan at `prices`. */
    const least = new Float64Array(heaters.length);
    for (;;) {
      const left = (until - performance.now()) / 1000;
      if (left <= 0) break;
      model.options.set({ output_flag: false, time_limit: left, presolve: "off" });
      const r = model.run();
      rounds++;
      status = r.modelStatus;
      if (status !== H.constants.modelStatus.optimal) break;
      const s = model.getSolution();
      objective = model.getObjectiveValue();
      rowDual = Float64Array.from(s.rowDual);
      colValue = Float64Array.from(s.colValue);
      colDual = Float64Array.from(s.colDual);
      prices = heaters.map((h) => heatingPrices(A, h, rowOf, rowDual));
      // Every heater's cheapest plan at these prices joins where it beats the heater's price (the
      // dual of its convexity row). Its DP bound first: where that already reaches the price, no
      // plan can beat it, and the bound is the heater's share of the Lagrangian bound below.
      const added: ReturnType<typeof planColumn>[] = [];
      const loose: number[] = [];
      const tol = MIN_GAIN * Math.max(1, Math.abs(objective));
      heaters.forEach((h, i) => {
        const own = rowDual[convexityRow(i)];
        least[i] = heatingCostBound(h, prices[i], COARSE_BOUND_BINS);
        if (least[i] >= own - tol) return;
        const plan = cheapestHeating(h, prices[i], PRICING_BINS);
        if (plan && plan.cost < own - tol) {
          plans.push({ heater: i, u: plan.u });
          added.push(planColumn(i, plan.u));
        } else loose.push(i);
      });
      if (added.length === 0 || rounds >= MAX_ROUNDS || performance.now() > until) {
        // The last round: its prices give the bound, as tight as the gap needs. That may take
        // half as long again as the loop: without it the plan is not proven, and what comes after
        // (the MILP) could not prove it either where the heaters are many.
        tightenBounds(heaters, prices, least, (i) => rowDual[convexityRow(i)], loose, boundSlack * Math.abs(objective), tol, until + 500 * limitS);
        break;
      }
      addColumns(model, numRows, added);
      columns.push(...added);
      model.options.set({ simplex_strategy: PRIMAL_SIMPLEX });
    }
    if (objective === undefined) return { status, rounds, plans: plans.length };
    // The Lagrangian bound at the last prices: the master's optimum less what a heater's plan
    // could still save on its price (nothing where the loop converged, but the DP bound's slack).
    let bound = objective;
    heaters.forEach((_, i) => (bound += Math.min(0, least[i] - rowDual[convexityRow(i)])));
    const x = new Float64Array(A.numCols);
    kept.forEach((c, k) => (x[c] = colValue[k]));
    plans.forEach((p, k) => {
      // Plans added after the last optimal solve have no value yet.
      const w = colValue[R.numCols + k];
      if (!(w > 0)) return;
      const h = heaters[p.heater];
      h.columnsOf(p.u).forEach((v, c) => (x[h.colStart + c] += w * v));
    });
    const rowDuals = new Float64Array(A.numRows);
    for (let r = 0; r < A.numRows; r++) if (rowOf[r] >= 0) rowDuals[r] = rowDual[rowOf[r]];
    const reducedCosts = new Float64Array(A.numCols);
    kept.forEach((c, k) => (reducedCosts[c] = colDual[k]));
    return { status: H.constants.modelStatus.optimal, x, objective, bound: Math.min(bound, objective), rowDuals, reducedCosts, rounds, plans: plans.length };
  } finally {
    model.dispose();
  }
}

/**
 * Raises the bounds `least` of the `loose` heaters (below their price `own`) on the finer grids,
 * the largest shortfall first, until the shortfalls sum to `budget` at most, or the grids or the
 * time run out. A heater within `tol` of its price is done.
 */
function tightenBounds(heaters: ThermalJob[], prices: Float64Array[], least: Float64Array, own: (i: number) => number, loose: number[], budget: number, tol: number, until: number): void {
  const shortfall = (i: number) => Math.max(0, own(i) - least[i]);
  let open = loose;
  let total = open.reduce((sum, i) => sum + shortfall(i), 0);
  for (const grid of REFINED_GRIDS) {
    if (total <= budget || open.length === 0 || performance.now() > until) return;
    open.sort((a, b) => shortfall(b) - shortfall(a));
    const next: number[] = [];
    for (const i of open) {
      if (total > budget && performance.now() <= until) {
        const before = shortfall(i);
        least[i] = Math.max(least[i], heatingCostBound(heaters[i], prices[i], grid.binsPerStep, grid.maxBins));
        total -= before - shortfall(i);
      }
      if (shortfall(i) > tol) next.push(i);
    }
    open = next;
  }
}

/** A heater's price per slot of heating at the master's duals (its on/off columns' reduced costs). */
function heatingPrices(A: ModelArrays, h: ThermalJob, rowOf: Int32Array, rowDual: Float64Array): Float64Array {
  const price = new Float64Array(h.n);
  for (let t = 0; t < h.n; t++) {
    const c = h.uStart + t;
    let p = A.colCost[c];
    for (let k = A.starts[c]; k < A.starts[c + 1]; k++) {
      const r = rowOf[A.indices[k]];
      if (r >= 0) p -= A.values[k] * rowDual[r];
    }
    price[t] = p;
  }
  return price;
}

function addColumns(model: ReturnType<Highs["createModel"]>, numRows: number, cols: { cost: number; rows: number[]; values: number[] }[]): void {
  const starts: number[] = [];
  const indices: number[] = [];
  const values: number[] = [];
  for (const c of cols) {
    starts.push(indices.length);
    indices.push(...c.rows);
    values.push(...c.values);
  }
  starts.push(indices.length);
  model.addCols({
    cost: Float64Array.from(cols, (c) => c.cost),
    lower: new Float64Array(cols.length),
    upper: new Float64Array(cols.length).fill(Infinity),
    matrix: { format: "csc", numRows, numCols: cols.length, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
  });
}
