// The solve: build the typed-array model, then "LP first" (solve the relaxation, round, and
// accept when the rounded plan is within the gap of the LP bound — a proof of near-optimality),
// else a small MILP on the fractional devices only, else the full MILP, else the greedy.
// Every HiGHS model is disposed.
import type { Highs } from "highs";
import type { BuildEnv, Job } from "./context";
import { ChoiceJob } from "./choice";
import { ThermalJob } from "./consumers/heater-thermal";
import { ModulatingEvJob } from "./consumers/ev";
import { cheapestHeating } from "./thermal-dp";
import { columnPrice, lagrangianBound, pricesOfPlan } from "./lagrangian";
import { basisOf, type StartingBasis } from "./basis";
import { restrict } from "./restrict";
import { diveSemiContinuous } from "./dive";
import { heaterColumnLp, PRICING_BINS } from "./heater-columns";
import { INTEGER, ModelBuilder, SEMI_CONTINUOUS, type ModelArrays } from "./model";

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

/** Net load per slot (deficit + the jobs' loads in x). */
function netOf(balance: Balance, jobs: Job[], x: Float64Array): Float64Array {
  const loads = loadsOf(jobs, x, balance.n);
  return Float64Array.from(balance.deficit, (d, t) => d + loads[t]);
}

/** Loads per slot of the jobs' decisions in x. */
export function loadsOf(jobs: Job[], x: Float64Array, n: number): Float64Array {
  const loads = new Float64Array(n);
  for (const j of jobs) addLoad(j, x, loads, 1);
  return loads;
}

/** Adds `sign` × the load of j's decisions in x to `into`. */
function addLoad(j: Job, x: Float64Array, into: Float64Array, sign: number): void {
  if (j.addLoad) return j.addLoad(x, into, sign);
  const p = j.decode(x).powerW;
  for (let t = 0; t < into.length; t++) into[t] += sign * p[t];
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
 * the others, each controlled heater to its cheapest heating (DP), two passes. Cheap, and it
 * closes most of the rounding gap of the LP.
 */
export function improve(built: Built, balance: Balance, jobs: Job[], env: BuildEnv, x: Float64Array, deadline = Infinity, moveHeater: (j: ThermalJob) => boolean = () => true): Float64Array {
  const out = x.slice();
  const net = balance.deficit.slice();
  const loads = loadsOf(jobs, out, balance.n);
  for (let t = 0; t < balance.n; t++) net[t] += loads[t];
  const movable = jobs.filter((j) => (j instanceof ChoiceJob && j.colEnd - j.colStart > 1) || (j instanceof ThermalJob && !env.tieBreak && moveHeater(j)));
  for (let pass = 0; pass < 2; pass++) {
    let moved = 0;
    for (const j of movable) {
      if (performance.now() > deadline) return out;
      addLoad(j, out, net, -1);
      const cols = j instanceof ThermalJob ? bestHeating(j, balance, net, out) : j.greedy(net, env);
      for (let c = 0; c < cols.length; c++) {
        if (out[j.colStart + c] !== cols[c]) moved++;
        out[j.colStart + c] = cols[c];
      }
      addLoad(j, out, net, 1);
    }
    if (moved === 0) break;
  }
  return out;
}

/**
 * A starting plan for the LP: the greedy plan with local moves, already a few kWh from the
 * optimum, given to HiGHS as a basis (basis.ts) so the primal simplex starts next to it: 2–3×
 * faster than HiGHS's dual simplex from scratch on one-start devices, 10× on modulating EVs, but
 * slower on heaters (twice as slow on controlled heaters, 1.5× on pilot-wire ones). So `helps`
 * only where the former hold at least half the columns of the devices in the LP (`inLp`).
 * Controlled heaters keep their safe plan: their DP costs more than it saves.
 */
function warmStart(built: Built, balance: Balance, jobs: Job[], env: BuildEnv, inLp: (j: Job) => boolean, deadline: number): { plan: Float64Array; helps: boolean; pairs: (x: Float64Array) => [number, number][] } {
  let helped = 0;
  let columns = 0;
  for (const j of jobs) {
    if (!inLp(j)) continue;
    columns += j.colEnd - j.colStart;
    if (j instanceof ChoiceJob || j instanceof ModulatingEvJob) helped += j.colEnd - j.colStart;
  }
  const plan = improve(built, balance, jobs, env, greedy(built, balance, jobs, env), deadline, () => false);
  return { plan, helps: 2 * helped >= columns, pairs: (x) => jobs.flatMap((j) => j.basicPairs?.(x) ?? []) };
}

/**
 * The LP with the controlled heaters as plans (heater-columns.ts), from their safe plan (theirs
 * in the warm plan) and their cheapest one next to the warm plan; with the warm plan's basis
 * where it helps.
 */
function heaterLp(H: Highs, built: Built, balance: Balance, jobs: Job[], heaters: ThermalJob[], lower: Float64Array, warm: ReturnType<typeof warmStart>, limitS: number, boundSlack: number) {
  const x = completeBalance(balance, jobs, warm.plan.slice());
  const net = netOf(balance, jobs, warm.plan);
  const initial = heaters.map((j) => {
    const safe = j.greedy().subarray(0, j.n);
    const own = j.decode(x).powerW;
    const others = Float64Array.from(net, (v, t) => v - own[t]);
    const near = bestHeating(j, balance, others, x, PRICING_BINS).subarray(0, j.n);
    return near.some((v, t) => v !== safe[t]) ? [safe, near] : [safe];
  });
  return heaterColumnLp(H, built.arrays, balance.n, heaters, lower, built.arrays.colUpper, initial, limitS, warm.helps ? { x, pairs: warm.pairs(x) } : undefined, boundSlack);
}

/** The columns of the devices that lift the bound, with the slack that is theirs (incumbent − LP bound). */
function liftedColumns(jobs: Job[], lpSlack: number, cols?: Int32Array): Map<number, number> {
  const out = new Map<number, number>();
  for (const j of jobs) if (j.pricedBound && !j.integralRelaxation) for (let c = j.colStart; c < j.colEnd; c++) out.set(c, lpSlack);
  if (!cols) return out;
  // In a restricted model's columns.
  const inSub = new Map<number, number>();
  cols.forEach((c, k) => out.has(c) && inSub.set(k, out.get(c)!));
  return inSub;
}

/** A controlled heater's cheapest heating given the others' net load, or its current columns when not better. */
function bestHeating(j: ThermalJob, balance: Balance, net: Float64Array, x: Float64Array, binsPerStep = 256): Float64Array {
  const price = new Float64Array(balance.n);
  let current = 0;
  for (let t = 0; t < balance.n; t++) {
    price[t] = slotCost(balance, t, net[t] + j.power) - slotCost(balance, t, net[t]);
    current += price[t] * Math.round(x[j.uStart + t]);
  }
  // Fine bins: a coarser grid misses plans one slot of heating cheaper.
  const plan = cheapestHeating(j, price, binsPerStep);
  const keep = x.slice(j.colStart, j.colEnd);
  return plan && plan.cost < current - 1e-9 ? j.columnsOf(plan.u) : keep;
}

/**
 * How much integrality adds to the LP bound (Lagrangian relaxation of the balance rows at the LP's
 * prices): the least cost of each device that has a pricedBound over its integer plans instead of
 * its fractional LP plan. Controlled heaters cannot hold a band edge with a fraction of their power,
 * modulating EVs cannot charge below their minimum. The LP bound plus this is still a lower bound.
 */
export function integerLift(A: ModelArrays, n: number, rowDuals: Float64Array, jobs: Job[], lpX: Float64Array, env: BuildEnv): number {
  let lift = 0;
  for (const j of jobs) {
    if (!j.pricedBound || j.integralRelaxation || j.colEnd <= j.colStart) continue;
    const price = new Float64Array(j.colEnd - j.colStart);
    let lpCost = 0;
    for (let c = j.colStart; c < j.colEnd; c++) {
      price[c - j.colStart] = columnPrice(A, n, rowDuals, c);
      lpCost += price[c - j.colStart] * lpX[c];
    }
    const integer = j.pricedBound(price, env);
    // Not finite: the DP found no plan where the model has one (rounding at a band edge); no lift.
    if (!Number.isFinite(integer)) continue;
    // A margin for the LP's tolerances: the bound must never exceed a true plan's cost.
    if (integer > lpCost) lift += (integer - lpCost) * (1 - 1e-6);
  }
  return lift;
}

/**
 * Above this many free binaries, the full MILP is not tried once a plan is in hand: on 3 000
 * devices (60 000 free) HiGHS's root cut loop ran 14 s past its time limit, with no checkpoint to
 * stop it, and never moved the bound.
 */
const MAX_FREE_BINARIES = 20_000;

/**
 * Above this many free binaries, the full MILP is `large` (see RunOptions): on 1 000 devices
 * (19 000 free) HiGHS's presolve ran 8.4 s without a checkpoint, 6 s past a 4 s time limit; near
 * the end of a 10 s one, a RINS sub-MIP ran 2–2.5 s past it, then a root-reduced-cost sub-MIP or
 * the symmetry detection (2.8 s) 0.6–2 s past it. Without them: 0–0.25 s past. On 300 devices
 * (6 000 free) it keeps to the limit with all of them.
 */
const MAX_PRESOLVED_BINARIES = 10_000;

interface RunOptions {
  /** A MIP start. */
  start?: Float64Array;
  share?: number;
  basis?: StartingBasis;
  /**
   * A MILP too large for HiGHS's phases that check neither its time limit nor our callback: its
   * presolve, its sub-MIP heuristics (RINS, RENS, root reduced cost) and its symmetry detection.
   * Each ran 2–8 s past the limit on 1 000 devices; the MILP runs without them.
   */
  large?: boolean;
  model?: ModelArrays;
}

/** HiGHS's simplex_strategy for the primal simplex. */
const PRIMAL_SIMPLEX = 4;

const relGap = (obj: number, bound: number) => Math.max(0, obj - bound) / Math.max(Math.abs(obj), Math.abs(bound), 1);

/** Whether HiGHS took the starting basis (it refuses one whose counts or codes are wrong). */
function acceptsBasis(model: ReturnType<Highs["createModel"]>, basis: StartingBasis): boolean {
  try {
    model.setBasis(basis);
    return true;
  } catch {
    return false;
  }
}

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
  let lpReducedCosts: Float64Array | undefined;
  let infeasible = false;
  let lpTooSlow = false;
  let warmPlan: Float64Array | undefined;
  const consider = (x: Float64Array, method: Method) => {
    const objective = evaluate(built, balance, jobs, x);
    if (!best || objective < best.objective - 1e-9) best = { x, objective, method };
  };

  const H = highs as Highs;
  /** share: of the time left; model: A or a restriction of it. HiGHS's presolve runs for the MILPs (they need it; the LP is faster without) unless `large`. */
  const run = (integrality: Int32Array | undefined, lower: Float64Array, upper: Float64Array, gap: number, { start, share = 1, basis, large = false, model: M = A }: RunOptions = {}) => {
    const model = H.createModel({
      numCols: M.numCols,
      numRows: M.numRows,
      offset: M.offset,
      colCost: M.colCost,
      colLower: lower,
      colUpper: upper,
      rowLower: M.rowLower,
      rowUpper: M.rowUpper,
      matrix: { format: "csc", numRows: M.numRows, numCols: M.numCols, starts: M.starts, indices: M.indices, values: M.values },
      integrality,
    });
    try {
      const limitS = remaining() * share;
      const presolve = integrality !== undefined && !large;
      model.options.set({ output_flag: false, time_limit: limitS, mip_rel_gap: gap, presolve: presolve ? "on" : "off" });
      if (large) model.options.set({ mip_heuristic_run_rins: false, mip_heuristic_run_rens: false, mip_heuristic_run_root_reduced_cost: false, mip_detect_symmetry: false });
      if (start) model.setSolution({ colValue: start });
      // From a starting basis, the primal simplex (the basis is of a feasible plan, or next to one); without one, HiGHS's dual.
      if (basis && acceptsBasis(model, basis)) model.options.set({ simplex_strategy: PRIMAL_SIMPLEX });
      // Our own check of the time at HiGHS's simplex and MIP checkpoints, as a second guard; and
      // a stop as soon as HiGHS's plan is within the gap of our bound, which it does not know.
      const until = performance.now() + limitS * 1000;
      let outOfTime = false;
      const stop = (e: { interrupt(): void; data: { mip_primal_bound?: number } }) => {
        const incumbent = e.data.mip_primal_bound;
        if (performance.now() > until) {
          outOfTime = true;
          e.interrupt();
        } else if (bound !== undefined && incumbent !== undefined && Number.isFinite(incumbent) && relGap(incumbent, bound) <= gap) e.interrupt();
        return undefined;
      };
      const r = model.run(integrality ? { [H.constants.callbackType.simplexInterrupt]: stop, [H.constants.callbackType.mipInterrupt]: stop } : undefined);
      const status = outOfTime ? H.constants.modelStatus.timeLimit : r.modelStatus;
      const ok = hasSolution(H, model);
      return {
        status,
        ok,
        x: ok ? Float64Array.from(model.getSolution().colValue) : undefined,
        objective: ok ? model.getObjectiveValue() : undefined,
        dualBound: integrality ? safeInfo(model, "mip_dual_bound") : undefined,
        reducedCosts: ok && !integrality ? Float64Array.from(model.getSolution().colDual) : undefined,
        rowDuals: ok && !integrality ? Float64Array.from(model.getSolution().rowDual) : undefined,
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
        // Controlled heaters as whole heating plans (heater-columns.ts), except under the tie-break,
        // whose switch rows their plans would have to carry.
        const heaters = env.tieBreak ? [] : jobs.filter((j): j is ThermalJob => j instanceof ThermalJob && j.colEnd > j.colStart);
        const planned = new Set<Job>(heaters);
        const warm = warmStart(built, balance, jobs, env, (j) => !planned.has(j), start + 100 * settings.timeLimitS);
        warmPlan = warm.plan;
        // A share of the time only: where the LP cannot finish, the rest goes to the plan without it.
        const columnLp = heaters.length > 0 ? heaterLp(H, built, balance, jobs, heaters, lpLower, warm, remaining() * 0.5, settings.mipGap / 4) : undefined;
        if (columnLp?.x) notes.push(`heaters as plans: ${columnLp.rounds} rounds, ${columnLp.plans} plans, ${(performance.now() - start).toFixed(0)} ms`);
        let basis: StartingBasis | undefined;
        if (!columnLp && warm.helps) {
          const x = completeBalance(balance, jobs, warm.plan.slice());
          basis = basisOf(A, balance.n, x, lpLower, A.colUpper, warm.pairs(x));
        }
        const lp = columnLp ?? { ...run(undefined, lpLower, A.colUpper, settings.mipGap, { share: 0.5, basis }), bound: undefined };
        if (lp.status === H.constants.modelStatus.infeasible) infeasible = true;
        if (lp.status === H.constants.modelStatus.timeLimit) {
          // Too large for the LP in this time: the MILP would not do better.
          lpTooSlow = true;
          notes.push("time limit reached by the LP");
        } else if (lp.x && lp.objective !== undefined && lp.status === H.constants.modelStatus.optimal) {
          lpBound = bound = lp.bound ?? lp.objective;
          lpReducedCosts = lp.reducedCosts;
          if (lp.rowDuals && !env.tieBreak) {
            // The heaters' plans already are on/off ones: their bound is lifted.
            const lift = integerLift(A, balance.n, lp.rowDuals, heaters.length > 0 ? jobs.filter((j) => !(j instanceof ThermalJob)) : jobs, lp.x, env);
            if (lift > 0) {
              bound = lpBound + lift;
              notes.push(`integer plans raise the bound by ${lift.toPrecision(3)}`);
            }
          }
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
            // Heaters the master left on one plan of its own keep it: it is the cheapest at its prices.
            consider(improve(built, balance, jobs, env, cand, Infinity, (j) => !columnLp || !j.integral(x)), "lp-first");
          }
          notes.push(`lp ${(performance.now() - start).toFixed(0)} ms, ${fractional.length} fractional, rounded gap ${best ? relGap(best.objective, bound).toExponential(2) : "-"}`);
          if (!best || relGap(best.objective, bound) > settings.mipGap) {
            if (fractional.length > 0 && hasIntegers) {
              // 2. Fix the devices the LP left integral; only the fractional ones stay integer, in a
              // model of their columns and the continuous ones (restrict.ts).
              const values = best ? best.x : cand;
              // Controlled heaters keep their DP plans (cheapest at the LP's prices): as integers they
              // would make this MILP as hard as the whole.
              // The other devices keep their plan, continuous columns included (a modulating EV's
              // power, a heater's temperatures), so the model holds the fractional devices' columns
              // and the balance ones only. Columns of no device (the tie-break's switches) stay free.
              const freeCols = new Uint8Array(A.numCols).fill(1);
              for (const j of jobs) if (!fractional.includes(j) || j instanceof ThermalJob) freeCols.fill(0, j.colStart, j.colEnd);
              const sub = restrict(A, values, (c) => c < built.firstDeviceCol || freeCols[c] === 1, balance.n);
              const subStart = best ? sub.project(completeBalance(balance, jobs, best.x.slice())) : undefined;
              // First a dive on their semi-continuous columns (dive.ts): a few small LPs.
              if (subStart && sub.arrays.integrality.includes(SEMI_CONTINUOUS)) {
                const dived = diveSemiContinuous(sub.arrays, subStart, (lower, upper) => run(undefined, lower, upper, settings.mipGap, { share: 0.1, model: sub.arrays }).x);
                if (dived) consider(sub.expand(dived), "lp-first");
                notes.push(`dive ${(performance.now() - start).toFixed(0)} ms ${dived ? "" : "without a plan "}gap ${relGap(best!.objective, bound).toExponential(2)}`);
              }
              if (!best || relGap(best.objective, bound) > settings.mipGap) {
                // Reduced-cost fixing there too (see reducedCostFixing): most starts of those devices cannot be in a better plan.
                const fix = best && lpReducedCosts && lpBound !== undefined ? reducedCostFixing(sub.arrays, sub.project(lpReducedCosts), best.objective - bound, liftedColumns(jobs, best.objective - lpBound, sub.cols)) : undefined;
                const fixedRun = run(sub.arrays.integrality, fix?.lower ?? sub.arrays.colLower, fix?.upper ?? sub.arrays.colUpper, settings.mipGap / 2, {
                  start: best ? sub.project(completeBalance(balance, jobs, best.x.slice())) : undefined,
                  share: 0.5,
                  model: sub.arrays,
                });
                if (fixedRun.x) consider(sub.expand(fixedRun.x), "lp-first");
                notes.push(`fixed ${(performance.now() - start).toFixed(0)} ms status ${fixedRun.status} gap ${best ? relGap(best.objective, bound).toExponential(2) : "-"}`);
              }
            }
          }
        }
      }
      if (!infeasible && !lpTooSlow && hasIntegers && (settings.method === "milp" || !best || bound === undefined || relGap(best.objective, bound) > settings.mipGap)) {
        // 3. The MILP, started from the best plan so far. After an LP, reduced-cost fixing first:
        // a binary whose reduced cost exceeds (incumbent − LP bound) cannot be 1 (or 0) in any
        // better plan, so it is fixed; the MILP left is small and its bound still a proof.
        const fix = best && lpReducedCosts && lpBound !== undefined && bound !== undefined ? reducedCostFixing(A, lpReducedCosts, best.objective - bound, liftedColumns(jobs, best.objective - lpBound)) : undefined;
        const incumbent = best?.objective;
        const free = fix ? fix.binaries - fix.fixed : A.integrality.reduce((k, v) => k + (v === INTEGER ? 1 : 0), 0);
        if (best && free > MAX_FREE_BINARIES) {
          notes.push(`no MILP: ${free} binaries left free, above ${MAX_FREE_BINARIES}`);
        } else {
          const mip = run(A.integrality, fix?.lower ?? A.colLower, fix?.upper ?? A.colUpper, settings.mipGap, {
            start: best ? completeBalance(balance, jobs, best.x.slice()) : undefined,
            large: free > MAX_PRESOLVED_BINARIES,
          });
          if (fix) notes.push(`reduced-cost fixing: ${fix.fixed} of ${fix.binaries} binaries fixed`);
          if (mip.status === H.constants.modelStatus.infeasible && !fix) infeasible = true;
          if (mip.x) consider(mip.x, "milp");
          if (mip.dualBound !== undefined && Number.isFinite(mip.dualBound)) {
            // With fixing, the bound holds for plans better than the incumbent: the optimum is ≥ min(incumbent, bound).
            const valid = fix && incumbent !== undefined ? Math.min(incumbent, mip.dualBound) : mip.dualBound;
            bound = bound === undefined ? valid : Math.max(bound, valid);
          }
          if (mip.status === H.constants.modelStatus.timeLimit) notes.push("time limit reached");
        }
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
      if (settings.method !== "greedy") {
        notes.push("no solution from HiGHS: greedy placement (largest device first into the lowest-deficit window)");
        // Without the LP: local moves on the greedy plan while time allows, and the Lagrangian
        // bound at the plan's own prices, so the plan still comes with its gap.
        // The bound takes about 0.6 s at 10 000 devices: a fifth of the time limit is kept for it.
        const x = improve(built, balance, jobs, env, warmPlan ?? g, deadline - 200 * settings.timeLimitS);
        consider(x, "greedy");
        bound = lagrangianBound(A, balance.n, built.firstDeviceCol, jobs, env, pricesOfPlan(netOf(balance, jobs, best.x), balance.weight, balance.exportWeight));
      }
    }
  }
  const solveMs = performance.now() - start;
  const gap = bound === undefined ? undefined : relGap(best.objective, bound);
  return { x: best.x, method: best.method, objective: best.objective, bound, gap, greedyObjective, lpBound, solveMs, buildMs, infeasible, notes };
}

/**
 * Bounds with every 0/1 column fixed whose LP reduced cost proves it cannot move in a plan better
 * than the incumbent: any feasible plan costs at least LP bound + Σ |reduced cost| over the
 * binaries it moves away from their LP bound, so one such move above `slack` is too costly.
 * `slack` is the incumbent less the best bound; `slackOf` gives a wider one to the columns whose
 * own device lifted that bound (see integerLift): their move may use up their lift.
 */
export function reducedCostFixing(A: ModelArrays, reducedCosts: Float64Array, slack: number, slackOf = new Map<number, number>()): { lower: Float64Array; upper: Float64Array; fixed: number; binaries: number } {
  const lower = A.colLower.slice();
  const upper = A.colUpper.slice();
  // A margin for the LP's tolerances: fixing must never cut a better plan.
  const marginOf = (s: number) => Math.max(0, s) * (1 + 1e-6) + 1e-6 * Math.max(1, Math.abs(A.offset)) + 1e-7;
  const general = marginOf(slack);
  let fixed = 0;
  let binaries = 0;
  for (let c = 0; c < A.numCols; c++) {
    if (A.integrality[c] !== INTEGER || A.colLower[c] !== 0 || A.colUpper[c] !== 1) continue;
    binaries++;
    const own = slackOf.get(c);
    const margin = own === undefined ? general : marginOf(own);
    const rc = reducedCosts[c];
    if (rc > margin) upper[c] = 0;
    else if (rc < -margin) lower[c] = 1;
    else continue;
    fixed++;
  }
  return { lower, upper, fixed, binaries };
}

function safeInfo(model: ReturnType<Highs["createModel"]>, name: string): number | undefined {
  try {
    return Number(model.info.get(name));
  } catch {
    return undefined;
  }
}
