// The restricted model (lib/placement/restrict.ts): the same MILP as the full model with the same
// columns fixed by their bounds, its objective (fixed costs in the offset) and its plan included.
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs, prepare } from "../../../lib/placement";
import { Horizon, type BuildEnv, type Job } from "../../../lib/placement/context";
import type { ModelArrays } from "../../../lib/placement/model";
import { restrict } from "../../../lib/placement/restrict";
import { sampleTerritory } from "../../../lib/placement/sample";
import { buildModel, completeBalance, evaluate, greedy, type Balance } from "../../../lib/placement/solve";
import { SlotGrid } from "../../../lib/time/grid";

function solveMilp(highs: Highs, M: ModelArrays, lower: Float64Array, upper: Float64Array): { objective: number; x: Float64Array } {
  const model = highs.createModel({ ...M, colLower: lower, colUpper: upper, matrix: { format: "csc", numRows: M.numRows, numCols: M.numCols, starts: M.starts, indices: M.indices, values: M.values } });
  try {
    model.options.set({ output_flag: false, mip_rel_gap: 0 });
    model.run();
    assert.equal(model.getModelStatus(), highs.constants.modelStatus.optimal);
    return { objective: model.getObjectiveValue(), x: Float64Array.from(model.getSolution().colValue) };
  } finally {
    model.dispose();
  }
}

describe("lib/placement restricted model", function () {
  this.timeout(60_000);
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  for (const variant of ["energy", "feeder limit", "export prices"] as const) {
    it(`${variant}: every device but four fixed at the greedy plan, the same optimum as the full model with those bounds`, function () {
      const t = sampleTerritory(40, { seed: 21 });
      const n = t.forecast.values.length;
      const h = new Horizon(new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 }), Date.parse(t.forecast.start), n);
      const jobs = t.requests.map((r) => prepare(r, h, {}, () => {})).filter((j): j is Job => j !== null);
      const env: BuildEnv = { horizon: h, weight: new Float64Array(n).fill(0.25), unitPerWh: 1, tieBreak: false, eps: 1e-4, stabilityWh: 0, optionalStage: false };
      const deficit = Float64Array.from(t.forecast.values as number[], (v) => -v);
      const balance: Balance = { n, deficit, weight: env.weight, penalty: 0 };
      if (variant === "feeder limit") {
        balance.capW = Float64Array.from(deficit, (d) => Math.max(15_000, d));
        balance.penalty = 250;
      }
      if (variant === "export prices") balance.exportWeight = new Float64Array(n).fill(0.05);
      const built = buildModel(balance, jobs, env);
      const A = built.arrays;
      const x = completeBalance(balance, jobs, greedy(built, balance, jobs, env));
      // Four devices of different kinds stay free, with every continuous column.
      const freeJobs = jobs.filter((j, i) => i % 10 === 3).slice(0, 4);
      const free = new Uint8Array(A.numCols);
      for (const j of freeJobs) free.fill(1, j.colStart, j.colEnd);
      const keep = (c: number) => c < built.firstDeviceCol || A.integrality[c] === 0 || free[c] === 1;
      const lower = A.colLower.slice();
      const upper = A.colUpper.slice();
      for (let c = 0; c < A.numCols; c++) if (!keep(c)) lower[c] = upper[c] = x[c];
      const full = solveMilp(highs, A, lower, upper);
      const sub = restrict(A, x, keep, n);
      assert.ok(sub.arrays.numCols < A.numCols / 2, `${sub.arrays.numCols} of ${A.numCols} columns`);
      const small = solveMilp(highs, sub.arrays, sub.arrays.colLower, sub.arrays.colUpper);
      assert.ok(Math.abs(small.objective - full.objective) <= 1e-7 * full.objective, `restricted ${small.objective}, full ${full.objective}`);
      // Its plan, back in the full model, costs what it said and keeps the fixed devices.
      const back = sub.expand(small.x);
      assert.ok(Math.abs(evaluate(built, balance, jobs, back) - small.objective) <= 1e-6 * small.objective);
      for (let c = 0; c < A.numCols; c++) if (!keep(c)) assert.equal(back[c], x[c]);
      assert.deepEqual(sub.project(back), small.x);
    });
  }
});
