// The solve: build the typed-array model, then "LP first" (solve the relaxation, round, and
// accept when the rounded plan is within the gap of the LP bound — a proof of near-optimality),
// else a small MILP on the fractional devices only, else the full MILP, else the greedy.
// Every HiGHS model is disposed.
import type { Highs } from "highs";
import type { BuildEnv, Job } from "./context";
import { ChoiceJob } from "./choice";
import { ModelBuilder, SEMI_CONTINUOUS, type ModelArrays } from "./model";

export interface Balance {
  n: number;
  /** Deficit before flexible decisions (−forecast + fixed loads), W. */
  deficit: Float64Array;
  /** Cost of 1 W imported during slot t (objective units). */
  weight: Float64Array;
  /** Value of 1 W exported during slot t, when export prices are given. */
  exportWeight?: Float64Array;
  /** Import allowed before the feeder penalty applies, W. */
  capW?: Float64Array;
  /** Cost per W above the cap. */
  penalty: number;
  /** Optional stage: no import at all. */
  noImport?: boolean;
}

export type Method = "lp-first" | "milp" | "greedy";

export interface SolveResult {
  /** Full column vector of the chosen plan. */
  x: Float64Array;
  method: Method;
  objective: number;
  bound?: number;
  gap?: number;
  /** Objective of the greedy, when it was computed. */
  greedyObjective?: number;
  lpBound?: number;
  solveMs: number;
  buildMs: number;
  infeasible: boolean;
  notes: string[];
}

export interface SolveSettings {
  timeLimitS: number;
  mipGap: number;
  method: "auto" | "milp" | "greedy";
  /** Also compute the greedy's objective (bench). */
  withGreedy?: boolean;
}

interface Built {
  arrays: ModelArrays;
  firstDeviceCol: number;
}

export function buildModel(balance: Balance, jobs: Job[], env: BuildEnv): Built {
  const b = new ModelBuilder();
  const n = balance.n;
  for (let t = 0; t < n; t++) b.addRow(balance.deficit[t], balance.exportWeight ? balance.deficit[t] : Infinity);
  for (let t = 0; t < n; t++) b.addCol(balance.weight[t], 0, balance.noImport ? 0 : (balance.capW?.[t] ?? Infinity), 0, [t], [1]);
  if (balance.capW && !balance.noImport) for (let t = 0; t < n; t++) b.addCol(balance.weight[t] + balance.penalty, 0, Infinity, 0, [t], [1]);
  if (balance.exportWeight) for (let t = 0; t < n; t++) b.addCol(-balance.exportWeight[t], 0, Infinity, 0, [t], [-1]);
  const firstDeviceCol = b.numCols;
  for (const j of jobs) j.build(b, env);
  return { arrays: b.arrays(), firstDeviceCol };
}

/** Objective units of a net load in slot t (import, export, feeder penalty). */
function slotCost(balance: Balance, t: number, net: number): number {
  if (net <= 0) return balance.exportWeight ? balance.exportWeight[t] * net : 0;
  if (balance.noImport) return net * 1e6;
  let c = balance.weight[t] * net;
  const cap = balance.capW?.[t];
  if (cap !== undefined && net > cap) c += balance.penalty * (net - cap);
  return c;
}

/** Sets the import / feeder / export columns of x from the loads of its decisions, so x is a valid MIP start. */
export function completeBalance(balance: Balance, jobs: Job[], x: Float64Array): Float64Array {
  const n = balance.n;
  const loads = loadsOf(jobs, x, n);
  let col = n;
  const over = balance.capW && !balance.noImport ? col : -1;
  if (over >= 0) col += n;
  const exp = balance.exportWeight ? col : -1;
  for (let t = 0; t < n; t++) {
    const net = balance.deficit[t] + loads[t];
    const imp = Math.max(0, net);
    const cap = balance.capW?.[t] ?? Infinity;
    x[t] = over >= 0 ? Math.min(imp, cap) : imp;
    if (over >= 0) x[over + t] = Math.max(0, imp - cap);
    if (exp >= 0) x[exp + t] = Math.max(0, -net);
  }
  return x;
}

/** Loads per slot of the jobs' decisions in x. */
export function loadsOf(jobs: Job[], x: Float64Array, n: number): Float64Array {
  const loads = new Float64Array(n);
  for (const j of jobs) {
    const p = j.decode(x).powerW;
    for (let t = 0; t < n; t++) loads[t] += p[t];
  }
  return loads;
}

/** The model objective of a candidate, with the balance columns recomputed from its decisions. */
export function evaluate(built: Built, balance: Balance, jobs: Job[], x: Float64Array): number {
  const { arrays, firstDeviceCol } = built;
  let obj = arrays.offset;
  for (let c = firstDeviceCol; c < arrays.numCols; c++) obj += arrays.colCost[c] * x[c];
  const loads = loadsOf(jobs, x, balance.n);
  for (let t = 0; t < balance.n; t++) obj += slotCost(balance, t, balance.deficit[t] + loads[t]);
  return obj;
}

export function greedy(built: Built, balance: Balance, jobs: Job[], env: BuildEnv): Float64Array {
  const x = new Float64Array(built.arrays.numCols);
  const net = balance.deficit.slice();
  const order = jobs.map((j, i) => i).sort((a, b) => jobs[b].energyHint - jobs[a].energyHint || a - b);
  for (const i of order) {
    const j = jobs[i];
    if (j.colEnd <= j.colStart) continue;
    x.set(j.greedy(net, env), j.colStart);
    const p = j.decode(x).powerW;
    for (let t = 0; t < balance.n; t++) net[t] += p[t];
  }
  return x;
}

/**
 * Local improvement of a plan: each one-start device in turn moves to its best start given all
 * the others (two passes). Cheap, and it closes most of the rounding gap of the LP.
 */
export function improve(built: Built, balance: Balance, jobs: Job[], env: BuildEnv, x: Float64Array): Float64Array {
  const out = x.slice();
  const net = balance.deficit.slice();
  const loads = loadsOf(jobs, out, balance.n);
  for (let t = 0; t < balance.n; t++) net[t] += loads[t];
  const movable = jobs.filter((j) => j instanceof ChoiceJob && j.colEnd - j.colStart > 1);
  for (let pass = 0; pass < 2; pass++) {
    let moved = 0;
    for (const j of movable) {
      const before = j.decode(out).powerW;
      for (let t = 0; t < balance.n; t++) net[t] -= before[t];
      const cols = j.greedy(net, env);
      for (let c = 0; c < cols.length; c++) {
        if (out[j.colStart + c] !== cols[c]) moved++;
        out[j.colStart + c] = cols[c];
      }
      const after = j.decode(out).powerW;
      for (let t = 0; t < balance.n; t++) net[t] += after[t];
    }
    if (moved === 0) break;
  }
  return out;
}

const relGap = (obj: number, bound: number) => Math.max(0, obj - bound) / Math.max(Math.abs(obj), Math.abs(bound), 1);

/** Which HiGHS statuses leave a usable primal solution. */
function hasSolution(highs: Highs, model: ReturnType<Highs["createModel"]>): boolean {
  try {
    return Number(model.info.get("primal_solution_status")) === highs.constants.solutionStatus.feasible;
  } catch {
    return false;
  }
}

export function solveJobs(highs: Highs | undefined, balance: Balance, jobs: Job[], env: BuildEnv, settings: SolveSettings): SolveResult {
  const t0 = performance.now();
  const built = buildModel(balance, jobs, env);
  const A = built.arrays;
  const buildMs = performance.now() - t0;
  const start = performance.now();
  const deadline = start + settings.timeLimitS * 1000;
  const remaining = () => Math.max(0.05, (deadline - performance.now()) / 1000);
  const notes: string[] = [];
  const hasIntegers = A.integrality.some((v) => v !== 0);

  let best: { x: Float64Array; objective: number; method: Method } | undefined;
  let bound: number | undefined;
  let lpBound: number | undefined;
  let infeasible = false;
  const consider = (x: Float64Array, method: Method) => {
    const objective = evaluate(built, balance, jobs, x);
    if (!best || objective < best.objective - 1e-9) best = { x, objective, method };
  };

  const H = highs as Highs;
  const run = (integrality: Int32Array | undefined, lower: Float64Array, upper: Float64Array, gap: number, start?: Float64Array, share = 1) => {
    const model = H.createModel({
      numCols: A.numCols,
      numRows: A.numRows,
      offset: A.offset,
      colCost: A.colCost,
      colLower: lower,
      colUpper: upper,
      rowLower: A.rowLower,
      rowUpper: A.rowUpper,
      matrix: { format: "csc", numRows: A.numRows, numCols: A.numCols, starts: A.starts, indices: A.indices, values: A.values },
      integrality,
    });
    try {
      // The LP solves faster without presolve; the MILPs need it.
      model.options.set({ output_flag: false, time_limit: remaining() * share, mip_rel_gap: gap, presolve: integrality ? "on" : "off" });
      if (start) model.setSolution({ colValue: start });
      const r = model.run();
      const status = r.modelStatus;
      const ok = hasSolution(H, model);
      return {
        status,
        ok,
        x: ok ? Float64Array.from(model.getSolution().colValue) : undefined,
        objective: ok ? model.getObjectiveValue() : undefined,
        dualBound: integrality ? safeInfo(model, "mip_dual_bound") : undefined,
      };
    } finally {
      model.dispose();
    }
  };

  if (settings.method !== "greedy" && highs && A.numCols > 0) {
    try {
      if (settings.method === "auto" || !hasIntegers) {
        // 1. The relaxation: semi-continuous columns relax to [0, upper].
        const lpLower = A.colLower.slice();
        for (let c = 0; c < A.numCols; c++) if (A.integrality[c] === SEMI_CONTINUOUS) lpLower[c] = 0;
        const lp = run(undefined, lpLower, A.colUpper, settings.mipGap);
        if (lp.status === H.constants.modelStatus.infeasible) infeasible = true;
        else if (lp.x && lp.objective !== undefined && lp.status === H.constants.modelStatus.optimal) {
          lpBound = bound = lp.objective;
          const x = lp.x;
          const fractional: Job[] = [];
          const cand = x.slice();
          let allRounded = true;
          for (const j of jobs) {
            if (j.colEnd <= j.colStart) continue;
            if (!j.integral(x)) fractional.push(j);
            // A one-start device always rounds (its largest start); per-slot devices only when integral.
            const r = j.round(x, env);
            if (r) cand.set(r, j.colStart);
            else allRounded = false;
          }
          if (allRounded) {
            consider(cand, "lp-first");
            consider(improve(built, balance, jobs, env, cand), "lp-first");
          }
          notes.push(`lp ${(performance.now() - start).toFixed(0)} ms, ${fractional.length} fractional, rounded gap ${best ? relGap(best.objective, bound).toExponential(2) : "-"}`);
          if (!best || relGap(best.objective, bound) > settings.mipGap) {
            if (fractional.length > 0 && hasIntegers) {
              // 2. Fix the devices the LP left integral; only the fractional ones stay integer.
              const lower = A.colLower.slice();
              const upper = A.colUpper.slice();
              const integ = new Int32Array(A.numCols);
              const free = new Set<number>();
              for (const j of fractional) for (let c = j.colStart; c < j.colEnd; c++) free.add(c);
              for (const j of jobs) {
                if (fractional.includes(j)) {
                  for (let c = j.colStart; c < j.colEnd; c++) integ[c] = A.integrality[c];
                  continue;
                }
                for (let c = j.colStart; c < j.colEnd; c++) {
                  if (A.integrality[c] === 0) continue;
                  lower[c] = upper[c] = best ? best.x[c] : cand[c];
                }
              }
              const fixedRun = run(integ, lower, upper, settings.mipGap / 2, best ? completeBalance(balance, jobs, best.x.slice()) : undefined, 0.5);
              if (fixedRun.x) consider(fixedRun.x, "lp-first");
              notes.push(`fixed ${(performance.now() - start).toFixed(0)} ms status ${fixedRun.status} gap ${best ? relGap(best.objective, bound).toExponential(2) : "-"}`);
            }
          }
        }
      }
      if (!infeasible && hasIntegers && (settings.method === "milp" || !best || bound === undefined || relGap(best.objective, bound) > settings.mipGap)) {
        // 3. The full MILP, started from the best plan so far.
        const mip = run(A.integrality, A.colLower, A.colUpper, settings.mipGap, best ? completeBalance(balance, jobs, best.x.slice()) : undefined);
        if (mip.status === H.constants.modelStatus.infeasible) infeasible = true;
        if (mip.x) consider(mip.x, "milp");
        if (mip.dualBound !== undefined && Number.isFinite(mip.dualBound)) bound = bound === undefined ? mip.dualBound : Math.max(bound, mip.dualBound);
        if (mip.status === H.constants.modelStatus.timeLimit) notes.push("time limit reached");
      }
    } catch (err) {
      notes.push(`solver failed: ${(err as Error).message}`);
    }
  }
  let greedyObjective: number | undefined;
  if (!best || settings.withGreedy) {
    const g = greedy(built, balance, jobs, env);
    greedyObjective = evaluate(built, balance, jobs, g);
    if (!best) {
      best = { x: g, objective: greedyObjective, method: "greedy" };
      if (settings.method !== "greedy") notes.push("no solution from HiGHS: greedy placement (largest device first into the lowest-deficit window)");
    }
  }
  const solveMs = performance.now() - start;
  const gap = bound === undefined || best.method === "greedy" ? undefined : relGap(best.objective, bound);
  return { x: best.x, method: best.method, objective: best.objective, bound: best.method === "greedy" ? undefined : bound, gap, greedyObjective, lpBound, solveMs, buildMs, infeasible, notes };
}

function safeInfo(model: ReturnType<Highs["createModel"]>, name: string): number | undefined {
  try {
    return Number(model.info.get(name));
  } catch {
    return undefined;
  }
}
