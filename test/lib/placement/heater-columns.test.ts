// The LP with controlled heaters as whole heating plans (lib/placement/heater-columns.ts): its
// plan is one of the full LP, its bound lies between the LP's optimum and the integer optimum,
// a starting basis changes nothing but the speed, and out of time it says so.
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs } from "../../../lib/placement";
import { Horizon, type BuildEnv } from "../../../lib/placement/context";
import { prepareThermal, ThermalJob } from "../../../lib/placement/consumers/heater-thermal";
import { heaterColumnLp } from "../../../lib/placement/heater-columns";
import { buildModel, completeBalance, greedy, type Balance } from "../../../lib/placement/solve";
import { SlotGrid } from "../../../lib/time/grid";
import { lpLower, sampleJobs, solveModel } from "../../support/placement-models";

const close = (a: number, b: number, rel = 1e-7) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

/** A territory of machines and controlled heaters, each heater starting from its safe plan. */
function heaterTerritory(count: number, seed: number) {
  const { n, jobs, env, balance } = sampleJobs(count, seed, { machine: 0.6, "water-heater": 0, ev: 0, "ev-modulating": 0, "heater-pilot-wire": 0, "heater-thermal": 0.4 });
  const built = buildModel(balance, jobs, env);
  const heaters = jobs.filter((j): j is ThermalJob => j instanceof ThermalJob);
  const initial = heaters.map((h) => [h.greedy().subarray(0, h.n)]);
  return { n, jobs, env, balance, built, A: built.arrays, heaters, initial };
}

describe("lib/placement controlled heaters as plans", function () {
  this.timeout(120_000);
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  it("gives a plan of the full LP, with the master's objective, and a bound at or above the LP's optimum", function () {
    const { n, A, heaters, initial } = heaterTerritory(40, 3);
    assert.ok(heaters.length >= 10, `${heaters.length} heaters`);
    const lower = lpLower(A);
    const r = heaterColumnLp(highs, A, n, heaters, lower, A.colUpper, initial, 30);
    assert.equal(r.status, highs.constants.modelStatus.optimal);
    assert.ok(r.rounds > 1, "plans were added to the safe ones");
    const x = r.x!;
    // Every row and bound of the full model holds, temperature rows included.
    for (let c = 0; c < A.numCols; c++) assert.ok(x[c] >= lower[c] - 1e-6 && x[c] <= A.colUpper[c] + 1e-6, `column ${c}: ${x[c]}`);
    const activity = new Float64Array(A.numRows);
    for (let c = 0; c < A.numCols; c++) for (let k = A.starts[c]; k < A.starts[c + 1]; k++) activity[A.indices[k]] += A.values[k] * x[c];
    for (let r = 0; r < A.numRows; r++) assert.ok(activity[r] >= A.rowLower[r] - 1e-5 * Math.max(1, Math.abs(A.rowLower[r])) && activity[r] <= A.rowUpper[r] + 1e-5 * Math.max(1, Math.abs(A.rowUpper[r])), `row ${r}: ${activity[r]} outside [${A.rowLower[r]}, ${A.rowUpper[r]}]`);
    let objective = A.offset;
    for (let c = 0; c < A.numCols; c++) objective += A.colCost[c] * x[c];
    assert.ok(close(objective, r.objective!), `${objective} vs ${r.objective}`);
    const lp = solveModel(highs, A, { lower });
    assert.ok(r.bound! >= lp.objective * (1 - 1e-7), `bound ${r.bound} below the LP's ${lp.objective}`);
    assert.ok(r.bound! <= r.objective! * (1 + 1e-9));
    // The heaters' on/off plans lift the LP's bound here: the LP holds band edges with a fraction of a heater.
    assert.ok(r.bound! > lp.objective * (1 + 1e-5), `bound ${r.bound}, LP ${lp.objective}`);
  });

  it("never bounds above the integer optimum (two heaters, every pair of their on/off plans tried)", function () {
    const n = 10;
    const t0 = Date.parse("2026-01-12T06:00:00Z");
    const h = new Horizon(new SlotGrid({ zone: "UTC", stepMinutes: 15 }), t0, n);
    const iso = (slot: number) => new Date(t0 + slot * 900_000).toISOString();
    const outsideC = { start: iso(0), stepMinutes: 15, unit: "°C", values: Array.from({ length: n }, (_, t) => 4 + t / 2) };
    const heater = (deviceId: string, tempC: number, minC: number): ThermalJob =>
      prepareThermal({ deviceId, kind: "heater-thermal", maxPowerW: 2000, tempC, model: { resistanceKPerW: 0.01, capacityJPerK: 2e5 }, bands: [{ start: iso(0), end: iso(n + 1), minC, maxC: 23 }], outsideC }, h, () => {}) as ThermalJob;
    const jobs = [heater("a", 20, 19), heater("b", 19.5, 18.5)];
    // PV covers some slots: heating there is free, elsewhere it imports.
    const deficit = Float64Array.from([800, -2500, -1800, 600, 300, -3000, -900, 1000, 200, -1500]);
    const env: BuildEnv = { horizon: h, weight: new Float64Array(n).fill(0.25), unitPerWh: 1, tieBreak: false, eps: 1e-4, stabilityWh: 0, optionalStage: false };
    const balance: Balance = { n, deficit, weight: env.weight, penalty: 0 };
    const A = buildModel(balance, jobs, env).arrays;
    const r = heaterColumnLp(highs, A, n, jobs, lpLower(A), A.colUpper, jobs.map((j) => [j.greedy().subarray(0, n)]), 30);
    assert.equal(r.status, highs.constants.modelStatus.optimal);
    // Every feasible on/off plan of each heater, then the cheapest pair.
    const plansOf = (j: ThermalJob) => {
      const out: Float64Array[] = [];
      for (let m = 0; m < 1 << n; m++) {
        const u = Float64Array.from({ length: n }, (_, t) => (m >> t) & 1);
        const x = new Float64Array(j.colEnd);
        x.set(j.columnsOf(u), j.colStart);
        if (j.check(x) === null) out.push(u);
      }
      return out;
    };
    const [pa, pb] = jobs.map(plansOf);
    assert.ok(pa.length > 1 && pb.length > 1, `${pa.length} and ${pb.length} feasible plans`);
    let optimum = Infinity;
    for (const ua of pa)
      for (const ub of pb) {
        let cost = 0;
        for (let t = 0; t < n; t++) cost += env.weight[t] * Math.max(0, deficit[t] + 2000 * (ua[t] + ub[t]));
        optimum = Math.min(optimum, cost);
      }
    const lp = solveModel(highs, A, { lower: lpLower(A) });
    assert.ok(r.bound! <= optimum * (1 + 1e-9), `bound ${r.bound} above the optimum ${optimum}`);
    // Here the heaters' plans close the LP's gap (4 675 against 3 746): the bound is the optimum.
    assert.ok(r.bound! >= optimum * (1 - 1e-9) && lp.objective < optimum * 0.9, `bound ${r.bound}, LP ${lp.objective}, optimum ${optimum}`);
  });

  it("reaches the same optimum from the warm plan's basis", function () {
    const { n, jobs, env, balance, built, A, heaters, initial } = heaterTerritory(40, 4);
    const lower = lpLower(A);
    const cold = heaterColumnLp(highs, A, n, heaters, lower, A.colUpper, initial, 30);
    // The greedy keeps every heater on its safe plan, the first of its plans.
    const x = completeBalance(balance, jobs, greedy(built, balance, jobs, env));
    const warm = heaterColumnLp(highs, A, n, heaters, lower, A.colUpper, initial, 30, { x, pairs: jobs.flatMap((j) => j.basicPairs?.(x) ?? []) });
    assert.equal(warm.status, highs.constants.modelStatus.optimal);
    assert.ok(close(warm.objective!, cold.objective!, 1e-6), `warm ${warm.objective}, cold ${cold.objective}`);
  });

  it("tightens the heaters' DP bounds on finer grids as far as the slack asked for", function () {
    const { n, jobs, balance, env } = sampleJobs(60, 1, { machine: 0, "water-heater": 0, ev: 0, "ev-modulating": 0, "heater-pilot-wire": 0, "heater-thermal": 1 });
    const A = buildModel(balance, jobs, env).arrays;
    const heaters = jobs.filter((j): j is ThermalJob => j instanceof ThermalJob);
    const initial = heaters.map((h) => [h.greedy().subarray(0, h.n)]);
    const [coarse, within, tightest] = [1, 1e-4, 0].map((slack) => heaterColumnLp(highs, A, n, heaters, lpLower(A), A.colUpper, initial, 30, undefined, slack));
    const gap = (r: typeof coarse) => (r.objective! - r.bound!) / r.objective!;
    for (const r of [coarse, within, tightest]) assert.ok(close(r.objective!, coarse.objective!) && r.bound! <= r.objective! * (1 + 1e-9));
    // The first grid leaves about a slot of heating per heater uncounted (~1 %).
    assert.ok(gap(coarse) > 1e-3, `coarse gap ${gap(coarse)}`);
    assert.ok(gap(within) <= 1e-4, `gap ${gap(within)} with a slack of 1e-4`);
    assert.ok(tightest.bound! >= within.bound! && within.bound! > coarse.bound!);
    assert.ok(gap(tightest) < 1e-6, `gap ${gap(tightest)} on the finest grids`);
  });

  it("out of time before its first solve: a time-limit status and no plan", function () {
    const { n, A, heaters, initial } = heaterTerritory(20, 3);
    const r = heaterColumnLp(highs, A, n, heaters, lpLower(A), A.colUpper, initial, -1);
    assert.equal(r.status, highs.constants.modelStatus.timeLimit);
    assert.equal(r.x, undefined);
  });
});
