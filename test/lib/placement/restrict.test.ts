// The restricted model (lib/placement/restrict.ts): the same MILP as the full model with the same
// columns fixed by their bounds, its objective (fixed costs in the offset) and its plan included.
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs } from "../../../lib/placement";
import { restrict } from "../../../lib/placement/restrict";
import { buildModel, completeBalance, evaluate, greedy } from "../../../lib/placement/solve";
import { sampleJobs, solveModel } from "../../support/placement-models";

describe("lib/placement restricted model", function () {
  this.timeout(60_000);
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  for (const variant of ["energy", "feeder limit", "export prices"] as const) {
    it(`${variant}: every device but four fixed at the greedy plan, the same optimum as the full model with those bounds`, function () {
      const { n, jobs, env, balance } = sampleJobs(40, 21);
      if (variant === "feeder limit") {
        balance.capW = Float64Array.from(balance.deficit, (d) => Math.max(15_000, d));
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
      const full = solveModel(highs, A, { lower, upper, integrality: A.integrality });
      const sub = restrict(A, x, keep, n);
      assert.ok(sub.arrays.numCols < A.numCols / 2, `${sub.arrays.numCols} of ${A.numCols} columns`);
      const small = solveModel(highs, sub.arrays, { integrality: sub.arrays.integrality });
      assert.ok(Math.abs(small.objective - full.objective) <= 1e-7 * full.objective, `restricted ${small.objective}, full ${full.objective}`);
      // Its plan, back in the full model, costs what it said and keeps the fixed devices.
      const back = sub.expand(small.x);
      assert.ok(Math.abs(evaluate(built, balance, jobs, back) - small.objective) <= 1e-6 * small.objective);
      for (let c = 0; c < A.numCols; c++) if (!keep(c)) assert.equal(back[c], x[c]);
      assert.deepEqual(sub.project(back), small.x);
    });
  }
});
