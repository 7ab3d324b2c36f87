// The LP's starting basis (lib/placement/basis.ts): HiGHS takes it, it names the plan's vertex
// (no simplex iteration when that plan is the optimum), and the LP from it reaches the same optimum
// as from scratch, with feeder limits and export prices as well.
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs } from "../../../lib/placement";
import { basisOf } from "../../../lib/placement/basis";
import { Horizon, type BuildEnv } from "../../../lib/placement/context";
import { prepareMachine } from "../../../lib/placement/consumers/machine";
import { buildModel, completeBalance, greedy, improve, type Balance } from "../../../lib/placement/solve";
import { SlotGrid } from "../../../lib/time/grid";
import { lpLower, sampleJobs, solveModel } from "../../support/placement-models";


describe("lib/placement starting basis", function () {
  this.timeout(60_000);
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  for (const variant of ["energy", "feeder limit", "export prices"] as const) {
    it(`every type of device, ${variant}: one basic variable per row, and the LP from it reaches the optimum from scratch`, function () {
      const { n, jobs, env, balance } = sampleJobs(60, 11);
      if (variant === "feeder limit") {
        balance.capW = Float64Array.from(balance.deficit, (d) => Math.max(20_000, d));
        balance.penalty = 250;
      }
      if (variant === "export prices") balance.exportWeight = new Float64Array(n).fill(0.05);
      const built = buildModel(balance, jobs, env);
      const A = built.arrays;
      const x = completeBalance(balance, jobs, improve(built, balance, jobs, env, greedy(built, balance, jobs, env)));
      const lower = lpLower(A);
      const basis = basisOf(A, n, x, lower, A.colUpper, jobs.flatMap((j) => j.basicPairs?.(x) ?? []));
      const basics = basis.colStatus.filter((s) => s === 1).length + basis.rowStatus.filter((s) => s === 1).length;
      assert.equal(basics, A.numRows);
      const cold = solveModel(highs, A, { lower });
      const warm = solveModel(highs, A, { lower, basis });
      assert.ok(Math.abs(warm.objective - cold.objective) <= 1e-7 * Math.abs(cold.objective) + 1e-6, `warm ${warm.objective}, cold ${cold.objective}`);
    });
  }

  it("names the plan's vertex: from an optimal plan, the primal simplex makes no iteration", function () {
    // Two machines and two PV bumps, each machine under its own bump: the LP's optimum is that plan.
    const n = 12;
    const h = new Horizon(new SlotGrid({ zone: "UTC", stepMinutes: 15 }), Date.parse("2026-06-10T00:00:00Z"), n);
    const at = (slot: number) => new Date(Date.parse("2026-06-10T00:00:00Z") + slot * 900_000).toISOString();
    const jobs = [
      prepareMachine({ deviceId: "a", kind: "machine", profileW: [800, 1200, 600], earliestStart: at(0), latestEnd: at(7) }, h, () => {})!,
      prepareMachine({ deviceId: "b", kind: "machine", profileW: [1500, 1500], earliestStart: at(4), latestEnd: at(12) }, h, () => {})!,
    ];
    const deficit = Float64Array.from([500, -1500, -1500, -1500, 500, 500, 500, 500, -2000, -2000, 500, 500]);
    const env: BuildEnv = { horizon: h, weight: new Float64Array(n).fill(0.25), unitPerWh: 1, tieBreak: false, eps: 1e-4, stabilityWh: 0, optionalStage: false };
    const balance: Balance = { n, deficit, weight: env.weight, penalty: 0 };
    const built = buildModel(balance, jobs, env);
    const A = built.arrays;
    const lower = lpLower(A);
    const planOf = (startA: number, startB: number) => {
      const x = new Float64Array(A.numCols);
      x[jobs[0].colStart + startA] = 1;
      x[jobs[1].colStart + startB] = 1;
      return completeBalance(balance, jobs, x);
    };
    const pairs = (x: Float64Array) => jobs.flatMap((j) => j.basicPairs!(x));
    const optimal = planOf(1, 4); // a in slots 1–3, b in slots 8–9 (its options start at slot 4)
    assert.equal(jobs[1].decode(optimal).start, 8);
    const warm = solveModel(highs, A, { lower, basis: basisOf(A, n, optimal, lower, A.colUpper, pairs(optimal)) });
    assert.equal(warm.iterations, 0);
    assert.equal(warm.objective, 0.25 * (500 + 500 * 4 + 500 * 2));
    // From another plan, the simplex has to move, and reaches the same optimum.
    const other = planOf(0, 0);
    const moved = solveModel(highs, A, { lower, basis: basisOf(A, n, other, lower, A.colUpper, pairs(other)) });
    assert.ok(moved.iterations > 0);
    assert.equal(moved.objective, warm.objective);
  });
});
