// Placement models for tests of the solver's parts: a sample territory's consumers, and one HiGHS
// run of a typed-array model (disposed).
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { prepare } from "../../lib/placement";
import type { StartingBasis } from "../../lib/placement/basis";
import { Horizon, type BuildEnv, type Job } from "../../lib/placement/context";
import { SEMI_CONTINUOUS, type ModelArrays } from "../../lib/placement/model";
import { sampleTerritory, type Mix } from "../../lib/placement/sample";
import type { Balance } from "../../lib/placement/solve";
import { SlotGrid } from "../../lib/time/grid";

/** The consumers of a sample territory of `count` devices, with their energy objective and balance. */
export function sampleJobs(count: number, seed: number, mix?: Partial<Mix>): { n: number; jobs: Job[]; env: BuildEnv; balance: Balance } {
  const t = sampleTerritory(count, { seed, mix });
  const n = t.forecast.values.length;
  const h = new Horizon(new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 }), Date.parse(t.forecast.start), n);
  const jobs = t.requests.map((r) => prepare(r, h, {}, () => {})).filter((j): j is Job => j !== null);
  const weight = new Float64Array(n).fill(h.dtH);
  const env: BuildEnv = { horizon: h, weight, unitPerWh: 1, tieBreak: false, eps: 1e-4, stabilityWh: 0, optionalStage: false };
  const deficit = Float64Array.from(t.forecast.values as number[], (v) => -v);
  return { n, jobs, env, balance: { n, deficit, weight, penalty: 0 } };
}

/** The LP's column bounds: semi-continuous columns relax to [0, upper]. */
export const lpLower = (A: ModelArrays): Float64Array => Float64Array.from(A.colLower, (v, c) => (A.integrality[c] === SEMI_CONTINUOUS ? 0 : v));

/** Solves M to optimality (an LP without `integrality`; from `basis` by the primal simplex). */
export function solveModel(highs: Highs, M: ModelArrays, options: { lower?: Float64Array; upper?: Float64Array; integrality?: Int32Array; basis?: StartingBasis } = {}): { objective: number; x: Float64Array; iterations: number } {
  const model = highs.createModel({
    ...M,
    colLower: options.lower ?? M.colLower,
    colUpper: options.upper ?? M.colUpper,
    integrality: options.integrality,
    matrix: { format: "csc", numRows: M.numRows, numCols: M.numCols, starts: M.starts, indices: M.indices, values: M.values },
  });
  try {
    model.options.set({ output_flag: false, mip_rel_gap: 0, presolve: options.integrality ? "on" : "off", ...(options.basis ? { simplex_strategy: 4 } : {}) });
    if (options.basis) model.setBasis(options.basis);
    model.run();
    assert.equal(model.getModelStatus(), highs.constants.modelStatus.optimal);
    return { objective: model.getObjectiveValue(), x: Float64Array.from(model.getSolution().colValue), iterations: Number(model.info.get("simplex_iteration_count")) };
  } finally {
    model.dispose();
  }
}
