// The dive on semi-continuous columns (lib/placement/dive.ts): its plans charge each modulating EV
// nothing or at least its minimum in every slot, are never below the MILP's optimum, beat rounding
// on a hand-checkable instance, and it gives up when an LP has no plan.
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs } from "../../../lib/placement";
import { Horizon, type BuildEnv, type Job } from "../../../lib/placement/context";
import { prepareEv } from "../../../lib/placement/consumers/ev";
import { diveSemiContinuous } from "../../../lib/placement/dive";
import { SEMI_CONTINUOUS, type ModelArrays } from "../../../lib/placement/model";
import { buildModel, evaluate, solveJobs, type Balance } from "../../../lib/placement/solve";
import { SlotGrid } from "../../../lib/time/grid";
import { lpLower, sampleJobs, solveModel } from "../../support/placement-models";

/** The dive with HiGHS's LP of M as its solver. */
const diveWith = (highs: Highs, M: ModelArrays) => diveSemiContinuous(M, new Float64Array(M.numCols), (lower, upper) => solveModel(highs, M, { lower, upper }).x);

function assertSemiContinuous(M: ModelArrays, x: Float64Array, jobs: Job[]): void {
  for (let c = 0; c < M.numCols; c++) {
    if (M.integrality[c] !== SEMI_CONTINUOUS) continue;
    assert.ok(x[c] <= 1e-6 || (x[c] >= M.colLower[c] - 1e-6 && x[c] <= M.colUpper[c] + 1e-6), `column ${c}: ${x[c]} outside {0} ∪ [${M.colLower[c]}, ${M.colUpper[c]}]`);
  }
  for (const j of jobs) assert.equal(j.check(x), null);
}

describe("lib/placement dive on semi-continuous columns", function () {
  this.timeout(60_000);
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  it("two EVs and small surpluses: the LP charges below the minimum, the dive does better than rounding, the placement reaches the optimum", function () {
    const n = 8;
    const t0 = Date.parse("2026-06-10T10:00:00Z");
    const h = new Horizon(new SlotGrid({ zone: "UTC", stepMinutes: 15 }), t0, n);
    const departure = new Date(t0 + n * 900_000).toISOString();
    // 10 kWh batteries: a needs 550 Wh at least (2 200 W·slot), b 400 Wh (1 600 W·slot); both 1 400–3 700 W.
    const ev = (deviceId: string, socPct: number, minSocPct: number) => prepareEv({ deviceId, kind: "ev", maxPowerW: 3700, minPowerW: 1400, capacityWh: 10_000, socPct, targetSocPct: 80, minSocPct, departure, modulating: true }, h, () => {})!;
    const jobs = [ev("a", 50, 55.5), ev("b", 60, 64)];
    // Surpluses of 600 and 1 000 W, else imports.
    const deficit = Float64Array.from([500, -600, 300, -1000, 400, 800, 200, 600]);
    const env: BuildEnv = { horizon: h, weight: new Float64Array(n).fill(0.25), unitPerWh: 1, tieBreak: false, eps: 1e-4, stabilityWh: 0, optionalStage: false };
    const balance: Balance = { n, deficit, weight: env.weight, penalty: 0 };
    const built = buildModel(balance, jobs, env);
    const M = built.arrays;
    const lp = solveModel(highs, M, { lower: lpLower(M) });
    const below = Array.from(lp.x).filter((v, c) => M.integrality[c] === SEMI_CONTINUOUS && v > 1e-6 && v < M.colLower[c] - 1e-6);
    assert.ok(below.length > 0, "the LP charges below the minimum somewhere");
    const milp = solveModel(highs, M, { integrality: M.integrality });
    const x = diveWith(highs, M);
    assert.ok(x, "the dive found a plan");
    assertSemiContinuous(M, x, jobs);
    const objective = evaluate(built, balance, jobs, x);
    // Better than rounding each EV alone (its power below the minimum moved to its largest slots)…
    const rounded = lp.x.slice();
    for (const j of jobs) rounded.set(j.round(lp.x, env)!, j.colStart);
    assert.ok(objective < evaluate(built, balance, jobs, rounded) - 200, `dive ${objective}, rounded ${evaluate(built, balance, jobs, rounded)}`);
    // …and never below the optimum: here 150 Wh above it (b charges where 600 W of surplus is left).
    assert.ok(objective >= milp.objective - 1e-6 && objective <= milp.objective + 150 + 1e-6, `dive ${objective}, MILP ${milp.objective}`);
    // The placement then closes the gap with its small MILP.
    const placed = solveJobs(highs, balance, jobs, env, { timeLimitS: 10, mipGap: 5e-5, method: "auto" });
    assert.ok(Math.abs(placed.objective - milp.objective) <= 1e-6 * milp.objective, `placement ${placed.objective}, MILP ${milp.objective}`);
  });

  it("sample territories of modulating EVs: every plan keeps to the minimum powers and is never below the MILP's bound", function () {
    let planned = 0;
    for (const seed of [1, 2, 3]) {
      const { jobs, env, balance } = sampleJobs(12, seed, { machine: 0, "water-heater": 0, ev: 0, "ev-modulating": 1, "heater-pilot-wire": 0, "heater-thermal": 0 });
      const built = buildModel(balance, jobs, env);
      const M = built.arrays;
      const x = diveWith(highs, M);
      if (!x) continue;
      planned++;
      assertSemiContinuous(M, x, jobs);
      const milp = solveModel(highs, M, { integrality: M.integrality });
      assert.ok(evaluate(built, balance, jobs, x) >= milp.objective * (1 - 1e-6), `seed ${seed}`);
    }
    assert.equal(planned, 3, "a plan on every territory");
  });

  it("gives up when an LP has no plan", function () {
    const { jobs, env, balance } = sampleJobs(6, 1, { machine: 0, "water-heater": 0, ev: 0, "ev-modulating": 1, "heater-pilot-wire": 0, "heater-thermal": 0 });
    const M = buildModel(balance, jobs, env).arrays;
    assert.equal(diveSemiContinuous(M, new Float64Array(M.numCols), () => undefined), undefined);
  });
});
