// The proofs of the placement: the DP over the temperature of a controlled heater and the
// pilot-wire DP against brute force, a modulating EV's least priced cost against HiGHS, the lifted
// bound (LP + integer plans at the LP's prices, reduced-cost fixing) and the Lagrangian bound
// never above the optimum (by enumeration, or the full MILP closed).
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs, placeFlexibility } from "../../../lib/placement";
import { ModulatingEvJob } from "../../../lib/placement/consumers/ev";
import { rng, sampleTerritory } from "../../../lib/placement/sample";
import { cheapestHeating, heatingCostBound, type ThermalDynamics } from "../../../lib/placement/thermal-dp";
import type { BuildEnv } from "../../../lib/placement/context";
import { prepareThermal, type ThermalJob } from "../../../lib/placement/consumers/heater-thermal";
import { preparePilotWire, type PilotWireJob } from "../../../lib/placement/consumers/heater-pilot-wire";
import { prepareMachine } from "../../../lib/placement/consumers/machine";
import { lagrangianBound, pricesOfPlan } from "../../../lib/placement/lagrangian";
import { buildModel } from "../../../lib/placement/solve";
import { Horizon } from "../../../lib/placement/context";
import { SlotGrid } from "../../../lib/time/grid";
import type { EvRequest, FlexRequest, MachineRequest, PilotWireHeaterRequest, ThermalHeaterRequest } from "../../../lib/types";
import { solveModel } from "../../support/placement-models";

/** Every on/off plan of a short horizon: the least cost of the feasible ones (Infinity if none). */
function bruteForce(h: ThermalDynamics, price: Float64Array): number {
  let best = Infinity;
  for (let mask = 0; mask < 1 << h.n; mask++) {
    let T = h.t0;
    let cost = 0;
    let ok = true;
    for (let t = 0; t < h.n && ok; t++) {
      const u = (mask >> t) & 1;
      T = T + h.a * (h.outside[t] - T) + h.b * u;
      cost += u * price[t];
      ok = T >= h.lower[t] - 1e-9 && T <= h.upper[t] + 1e-9;
    }
    if (ok && cost < best) best = cost;
  }
  return best;
}

function simulate(h: ThermalDynamics, u: Float64Array): boolean {
  let T = h.t0;
  for (let t = 0; t < h.n; t++) {
    T = T + h.a * (h.outside[t] - T) + h.b * u[t];
    if (T < h.lower[t] - 1e-9 || T > h.upper[t] + 1e-9) return false;
  }
  return true;
}

describe("lib/placement bounds", function () {
  this.timeout(120_000);
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  describe("controlled heater DP", function () {
    it("on 300 random rooms of 14 slots: the plan is feasible and costs the brute-force least, the bound never exceeds it", function () {
      const random = rng(7);
      let tight = 0;
      let feasible = 0;
      for (let i = 0; i < 300; i++) {
        const n = 14;
        const lo = 18 + random() * 2;
        const h: ThermalDynamics = {
          n,
          t0: lo + random() * 1.5 - 0.3,
          a: 0.02 + random() * 0.15,
          b: 0.2 + random() * 0.6,
          outside: Float64Array.from({ length: n }, () => random() * 15 - 2),
          lower: new Float64Array(n),
          upper: new Float64Array(n),
        };
        // Bands around a random heating, mostly feasible, a few not (a band above the room's reach).
        let T = h.t0;
        for (let t = 0; t < n; t++) {
          T = T + h.a * (h.outside[t] - T) + h.b * (random() < 0.5 ? 1 : 0);
          h.lower[t] = Math.min(lo, T - random() * 0.6) + (i % 50 === 0 && t === n - 1 ? 50 : 0);
          h.upper[t] = Math.max(lo + 1, T + random() * 0.6) + (i % 50 === 0 && t === n - 1 ? 50 : 0);
        }
        const price = Float64Array.from({ length: n }, () => (random() < 0.3 ? 0 : random() < 0.5 ? 375 : random() * 375));
        const exact = bruteForce(h, price);
        const plan = cheapestHeating(h, price, 256);
        const bound = heatingCostBound(h, price);
        if (exact === Infinity) {
          assert.equal(plan, null, `room ${i}: a plan where none is feasible`);
          assert.equal(bound, Infinity, `room ${i}: a finite bound where no plan is feasible`);
          continue;
        }
        feasible++;
        assert.ok(bound <= exact + 1e-9, `room ${i}: bound ${bound} above the least cost ${exact}`);
        assert.ok(plan, `room ${i}: no plan where one is feasible`);
        assert.ok(simulate(h, plan.u), `room ${i}: plan leaves the band`);
        assert.ok(Math.abs(plan.cost - price.reduce((s, p, t) => s + p * plan.u[t], 0)) < 1e-9, `room ${i}: cost of the plan`);
        assert.ok(plan.cost <= exact + 1e-9, `room ${i}: plan ${plan.cost} dearer than the least ${exact}`);
        if (bound >= exact - 1e-6) tight++;
      }
      // The bound is a relaxation, but a fine one: it must be exact on almost every room.
      assert.ok(feasible > 280 && tight >= feasible - 5, `bound exact on ${tight} of ${feasible} feasible rooms`);
    });

    it("reuses its buffers safely: a room solved before and after others gets the same plan and bound", function () {
      const random = rng(11);
      const room = (n: number, width: number): ThermalDynamics => ({
        n,
        t0: 19,
        a: 0.03,
        b: 0.4,
        outside: Float64Array.from({ length: n }, () => 10 + random() * 5),
        lower: new Float64Array(n).fill(22 - width),
        upper: new Float64Array(n).fill(22),
      });
      const small = room(24, 4);
      const large = room(96, 12);
      const price = (n: number) => Float64Array.from({ length: n }, () => random() * 375);
      const p = price(small.n);
      const before = { plan: cheapestHeating(small, p), bound: heatingCostBound(small, p) };
      // Free heating there: any state left over from it would look cheaper than the small room's.
      const free = new Float64Array(large.n);
      const big = { plan: cheapestHeating(large, free, 256), bound: heatingCostBound(large, free, 256, 16_384) };
      assert.ok(big.plan && big.bound === 0, "the large room has a plan");
      // Then the same room for free, just before: its states, left over, would be valid and cost nothing.
      const zero = new Float64Array(small.n);
      assert.equal(cheapestHeating(small, zero)?.cost, 0);
      const afterPlan = cheapestHeating(small, p);
      assert.equal(heatingCostBound(small, zero), 0);
      const after = { plan: afterPlan, bound: heatingCostBound(small, p) };
      assert.ok(before.plan && after.plan);
      assert.deepEqual([...after.plan.u], [...before.plan.u]);
      assert.equal(after.plan.cost, before.plan.cost);
      assert.equal(after.bound, before.bound);
    });
  });

  describe("modulating EV", function () {
    const env = { optionalStage: false } as BuildEnv;
    /** The same priced problem as a tiny MILP with semi-continuous powers. */
    function milpLeast(job: ModulatingEvJob, price: Float64Array): number {
      const n = job.end;
      const model = highs.createModel({
        numCols: n,
        numRows: 1,
        offset: 0,
        colCost: price,
        colLower: new Float64Array(n).fill(job.pMin),
        colUpper: new Float64Array(n).fill(job.pMax),
        rowLower: Float64Array.of(job.minWh),
        rowUpper: Float64Array.of(job.maxWh),
        matrix: { format: "csc", numRows: 1, numCols: n, starts: Int32Array.from({ length: n + 1 }, (_, i) => i), indices: new Int32Array(n), values: new Float64Array(n).fill(0.25) },
        integrality: new Int32Array(n).fill(2),
      });
      try {
        model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0 });
        model.run();
        return Number(model.info.get("mip_dual_bound"));
      } finally {
        model.dispose();
      }
    }
    it("least priced cost with the minimum power equals HiGHS's on 200 random cases", function () {
      const random = rng(11);
      for (let i = 0; i < 200; i++) {
        const end = 2 + Math.floor(random() * 7);
        const pMax = random() < 0.5 ? 3700 : 7400;
        const pMin = Math.round(pMax * (0.1 + random() * 0.5));
        const maxWh = Math.round(random() * pMax * 0.25 * end);
        const minWh = Math.round(random() * maxWh);
        const req = { deviceId: "ev", kind: "ev", modulating: true } as EvRequest;
        const job = new ModulatingEvJob(req, end, end, pMin, pMax, minWh, maxWh, 0.25);
        const price = Float64Array.from({ length: end }, () => (random() < 0.3 ? -0.001 * random() : random() * 0.25));
        const ours = job.pricedBound(price, env);
        const theirs = milpLeast(job, price);
        assert.ok(Math.abs(ours - theirs) <= 1e-6 * Math.max(1, Math.abs(theirs)), `case ${i}: ${ours} vs HiGHS ${theirs} (end ${end}, p ${pMin}..${pMax}, E ${minWh}..${maxWh})`);
      }
    });
  });

  describe("pilot-wire heater", function () {
    it("least priced comfort equals brute force over every allowed comfort/eco pattern, 200 random cases", function () {
      const random = rng(13);
      const start = "2026-01-10T00:00:00Z";
      const at = (slot: number) => new Date(Date.parse(start) + slot * 900_000).toISOString();
      for (let i = 0; i < 200; i++) {
        const n = 16;
        const h = new Horizon(new SlotGrid({ zone: "UTC", stepMinutes: 15 }), Date.parse(start), n);
        const s1 = Math.floor(random() * 4);
        const e1 = s1 + 1 + Math.floor(random() * 8);
        const s2 = e1 + 1 + Math.floor(random() * 2);
        const periods = [{ start: at(s1), end: at(e1) }, ...(s2 < n ? [{ start: at(s2), end: at(Math.min(n, s2 + 1 + Math.floor(random() * 6))) }] : [])];
        const req: PilotWireHeaterRequest = { deviceId: "p", kind: "heater-pilot-wire", ecoW: 300, comfortW: 1500, comfortPeriods: periods, ecoForcedMaxPct: Math.round(random() * 60) };
        const job = preparePilotWire(req, h, () => {}) as PilotWireJob;
        const m = job.slots.length;
        const price = Float64Array.from({ length: m }, () => (random() < 0.2 ? -random() : random() * 300));
        let least = Infinity;
        const x = new Float64Array(m);
        job.colStart = 0;
        job.colEnd = m;
        for (let mask = 0; mask < 1 << m; mask++) {
          let cost = 0;
          for (let k = 0; k < m; k++) {
            x[k] = (mask >> k) & 1;
            cost += x[k] * price[k];
          }
          if (job.check(x) === null && cost < least) least = cost;
        }
        const ours = job.pricedBound(price);
        assert.ok(Math.abs(ours - least) < 1e-9, `case ${i}: ${ours} vs brute force ${least} (periods ${JSON.stringify(periods)}, eco ≤ ${req.ecoForcedMaxPct} %)`);
      }
    });
  });

  describe("lifted bound", function () {
    const n = 14;
    const territory = { name: "bounds", zone: "UTC", stepMinutes: 15, horizonSlots: n };
    const start = "2026-01-10T00:00:00Z";
    const at = (slot: number) => new Date(Date.parse(start) + slot * 900_000).toISOString();
    const model = { resistanceKPerW: 0.00457, capacityJPerK: 2835616 };

    /** A room that can hold its band with part of its heater's power (outside 12–18 °C). */
    const randomHeater = (random: () => number): ThermalHeaterRequest => ({
      deviceId: "h",
      kind: "heater-thermal",
      maxPowerW: 1500,
      tempC: 19 + random(),
      model,
      bands: [{ start: at(0), end: at(n + 1), minC: 19, maxC: 20.5 + random() }],
      outsideC: { start: at(0), stepMinutes: 15, unit: "°C", values: new Array(n).fill(12 + Math.round(random() * 6)) },
    });

    /** The optimum by enumeration: every heating of the (repaired) band × every start of the machine. */
    function optimalPlan(deficit: number[], heater: ThermalHeaterRequest, profile: number[]): { imports: number; net: Float64Array } {
      const h = new Horizon(new SlotGrid({ zone: "UTC", stepMinutes: 15 }), Date.parse(start), n);
      const job = prepareThermal(heater, h, () => {}) as ThermalJob;
      let best = Infinity;
      let bestNet = new Float64Array(n);
      for (let mask = 0; mask < 1 << n; mask++) {
        let T = job.t0;
        let ok = true;
        for (let t = 0; t < n && ok; t++) {
          T = job.next(t, T, (mask >> t) & 1);
          ok = T >= job.lower[t] - 1e-6 && T <= job.upper[t] + 1e-6;
        }
        if (!ok) continue;
        for (let s = 0; s + profile.length <= n; s++) {
          let imports = 0;
          const net = new Float64Array(n);
          for (let t = 0; t < n; t++) {
            const load = ((mask >> t) & 1) * heater.maxPowerW + (t >= s && t < s + profile.length ? profile[t - s] : 0);
            net[t] = deficit[t] + load;
            imports += Math.max(0, net[t]) * 0.25;
          }
          if (imports < best) {
            best = imports;
            bestNet = net;
          }
        }
      }
      return { imports: best, net: bestNet };
    }

    /** The optimum of the plain LP relaxation (heating a fraction of a slot allowed), Wh. */
    function plainLp(deficit: number[], heater: ThermalHeaterRequest, machine: FlexRequest): number {
      const h = new Horizon(new SlotGrid({ zone: "UTC", stepMinutes: 15 }), Date.parse(start), n);
      const jobs = [prepareThermal(heater, h, () => {})!, prepareMachine(machine as MachineRequest, h, () => {})!];
      const env: BuildEnv = { horizon: h, weight: new Float64Array(n).fill(0.25), unitPerWh: 1, tieBreak: false, eps: 1e-4, stabilityWh: 0, optionalStage: false };
      const A = buildModel({ n, deficit: Float64Array.from(deficit), weight: env.weight, penalty: 0 }, jobs, env).arrays;
      return solveModel(highs, A).objective;
    }

    it("one controlled heater and a machine over 14 slots, 12 random days: the bound never exceeds the optimum, and lifts the LP's on most", function () {
      const random = rng(5);
      let lifted = 0;
      for (let day = 0; day < 12; day++) {
        // Mostly importing: heating costs in (nearly) every slot, so on/off heating matters.
        const deficit = Array.from({ length: n }, () => Math.round(random() * 3000 - (day % 3 === 0 ? 2500 : 300)));
        const heater = randomHeater(random);
        const profile = [1200, 800, 1500];
        const machine: FlexRequest = { deviceId: "m", kind: "machine", profileW: profile, earliestStart: at(0), latestEnd: at(n) };
        const best = optimalPlan(deficit, heater, profile).imports;
        const r = placeFlexibility(highs, { territory, forecast: { start: at(0), stepMinutes: 15, unit: "W", values: deficit.map((d) => -d) }, requests: [heater, machine], options: { timeLimitS: 10 } });
        const info = r.plan.runInfo;
        assert.ok(info.boundWh !== undefined, `day ${day}: no bound`);
        assert.ok(info.boundWh <= best + 1e-6 * best + 1e-6, `day ${day}: bound ${info.boundWh} above the optimum ${best}`);
        assert.ok(info.objectiveWh >= best - 1e-6 * best - 1e-6, `day ${day}: plan ${info.objectiveWh} below the optimum ${best}`);
        // Lifted: the LP stage's bound (heaters as on/off plans) above the plain LP's optimum.
        if (r.details.lpBoundWh! > plainLp(deficit, heater, machine) * (1 + 1e-6)) lifted++;
      }
      assert.ok(lifted >= 4, `the bound rose above the LP's on ${lifted} days only`);
    });

    it("the Lagrangian bound (no LP) at any prices within [0, import cost] never exceeds the optimum", function () {
      const random = rng(8);
      const h = new Horizon(new SlotGrid({ zone: "UTC", stepMinutes: 15 }), Date.parse(start), n);
      let close = 0;
      for (let day = 0; day < 8; day++) {
        const deficit = Array.from({ length: n }, () => Math.round(random() * 3000 - 1500));
        const heater = randomHeater(random);
        const profile = [1200, 800, 1500];
        const { imports: best, net } = optimalPlan(deficit, heater, profile);
        const jobs = [prepareThermal(heater, h, () => {})!, prepareMachine({ deviceId: "m", kind: "machine", profileW: profile, earliestStart: at(0), latestEnd: at(n) }, h, () => {})!];
        const weight = new Float64Array(n).fill(0.25);
        const env: BuildEnv = { horizon: h, weight, unitPerWh: 1, tieBreak: false, eps: 1e-4, stabilityWh: 0, optionalStage: false };
        const built = buildModel({ n, deficit: Float64Array.from(deficit), weight, penalty: 0 }, jobs, env);
        // The optimal plan's own prices (as the fallback uses), then random ones.
        let highest = lagrangianBound(built.arrays, n, built.firstDeviceCol, jobs, env, pricesOfPlan(net, weight))!;
        assert.ok(highest <= best + 1e-6, `day ${day}: Lagrangian bound ${highest} at the plan's prices above the optimum ${best}`);
        for (let k = 0; k < 50; k++) {
          const lambda = Float64Array.from({ length: n }, () => (random() < 0.4 ? 0.25 : random() < 0.5 ? 0 : 0.25 * random()));
          const bound = lagrangianBound(built.arrays, n, built.firstDeviceCol, jobs, env, lambda)!;
          assert.ok(bound <= best + 1e-6, `day ${day}: Lagrangian bound ${bound} above the optimum ${best}`);
          highest = Math.max(highest, bound);
        }
        if (highest >= 0.9 * best) close++;
      }
      assert.ok(close >= 4, `the bound came within 10 % of the optimum on ${close} days only`);
    });

    for (const seed of [1, 2, 3]) {
      it(`modulating EVs and machines, seed ${seed}: the bound of LP first never exceeds the optimum of the full MILP`, function () {
        const mix = { machine: 1, "water-heater": 0, ev: 0, "ev-modulating": 1, "heater-pilot-wire": 0, "heater-thermal": 0 };
        const t = sampleTerritory(12, { seed, mix });
        const big = { name: "bounds", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
        const autoRun = placeFlexibility(highs, { territory: big, ...t, options: { timeLimitS: 20 } });
        const auto = autoRun.plan.runInfo;
        const exact = placeFlexibility(highs, { territory: big, ...t, options: { method: "milp", mipGap: 0, timeLimitS: 60 } }).plan.runInfo;
        assert.ok(exact.gap !== undefined && exact.gap <= 1e-9, `the MILP did not close (gap ${exact.gap})`);
        assert.ok(auto.boundWh !== undefined, "no bound");
        assert.ok(auto.boundWh <= exact.objectiveWh + 1e-6 * exact.objectiveWh, `bound ${auto.boundWh} above the optimum ${exact.objectiveWh}`);
        assert.ok(auto.objectiveWh >= exact.objectiveWh - 1e-6 * exact.objectiveWh);
      });
    }
  });
});
