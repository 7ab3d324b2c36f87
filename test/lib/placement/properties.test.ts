// Property tests on generated mixed territories: every plan respects every (repaired) constraint,
// its imports equal the imports recomputed from its decisions, and withFlexW = withoutFlexW − load.
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs, placeFlexibility, type PlacementOptions } from "../../../lib/placement";
import { fullChargeCurve } from "../../../lib/placement/consumers/ev";
import { Horizon } from "../../../lib/placement/context";
import { sampleTerritory } from "../../../lib/placement/sample";
import { SlotGrid } from "../../../lib/time/grid";
import type { FlexRequest, Plan } from "../../../lib/types";

const territory = { name: "prop", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
const EPS = 1e-6;

/** The load of one device recomputed from its request and its decisions only; throws on a broken constraint. */
function loadOf(req: FlexRequest, d: Plan["devices"][number], h: Horizon, warned: boolean, extraHours: number): Float64Array {
  const n = h.n;
  const load = new Float64Array(n);
  const ones = d.decisions.map((v, t) => (v !== 0 ? t : -1)).filter((t) => t >= 0);
  switch (req.kind) {
    case "machine": {
      assert.equal(ones.length, 1, `${req.deviceId}: one start`);
      const s = ones[0];
      if (!warned) {
        assert.ok(s >= h.slotCeil(req.earliestStart), `${req.deviceId} starts before its window`);
        assert.ok(h.startMs(s + req.profileW.length) <= Date.parse(req.latestEnd), `${req.deviceId} ends after its window`);
      }
      req.profileW.forEach((p, i) => s + i < n && (load[s + i] += p));
      return load;
    }
    case "water-heater": {
      const L = Math.ceil(req.energyWh / (req.powerW * h.dtH) - 1e-9) + extraHours * 4;
      assert.equal(ones.length, L, `${req.deviceId}: block length`);
      assert.equal(ones[L - 1] - ones[0], L - 1, `${req.deviceId}: one block`);
      if (!warned) assert.ok(req.windows.some((w) => Date.parse(w.start) <= h.startMs(ones[0]) && h.startMs(ones[0] + L) <= Date.parse(w.end)), `${req.deviceId} outside its windows`);
      for (const t of ones) load[t] = req.powerW;
      return load;
    }
    case "ev": {
      const dl = Math.floor((Date.parse(req.departure) - h.begin) / h.stepMs);
      if (req.modulating) {
        let e = 0;
        d.decisions.forEach((p, t) => {
          assert.ok(p === 0 || (p >= (req.minPowerW ?? 0) - EPS && p <= req.maxPowerW + EPS), `${req.deviceId}: power ${p}`);
          if (!warned && p > 0) assert.ok(t < dl, `${req.deviceId} charges after its departure`);
          load[t] = p;
          e += p * h.dtH;
        });
        const minWh = (req.capacityWh * ((req.minSocPct ?? req.targetSocPct) - req.socPct)) / 100;
        const maxWh = (req.capacityWh * (req.targetSocPct - req.socPct)) / 100;
        if (!warned) assert.ok(e >= minWh - 1e-3 && e <= maxWh + 1e-3, `${req.deviceId}: ${e} Wh outside [${minWh}, ${maxWh}]`);
        return load;
      }
      assert.equal(ones.length, 1, `${req.deviceId}: one start`);
      const curve = fullChargeCurve(req, h);
      const end = warned ? n : Math.min(dl, n);
      for (let i = 0; i < curve.length && ones[0] + i < end; i++) load[ones[0] + i] = curve[i];
      return load;
    }
    case "heater-pilot-wire": {
      const comfort = d.decisions.map((y, t) => req.comfortPeriods.some((p) => Date.parse(p.start) < h.startMs(t + 1) && h.startMs(t) < Date.parse(p.end)) || y === 0);
      d.decisions.forEach((y, t) => {
        assert.ok(y === 0 || y === 1);
        assert.ok(comfort[t], `${req.deviceId}: comfort outside its periods at ${t}`);
        load[t] = req.ecoW + y * (req.comfortW - req.ecoW);
      });
      // Every hour fully inside a comfort period has at most one eco slot.
      for (let t = 0; t + 4 <= n; t++) {
        const inside = [0, 1, 2, 3].every((i) => req.comfortPeriods.some((p) => Date.parse(p.start) <= h.startMs(t + i) && h.startMs(t + i + 1) <= Date.parse(p.end)));
        if (inside) assert.ok(d.decisions.slice(t, t + 4).reduce((s, y) => s + y, 0) >= 3, `${req.deviceId}: too much eco in the hour from slot ${t}`);
      }
      return load;
    }
    case "heater-thermal": {
      const a = (h.stepMs / 1000) / (req.model.resistanceKPerW * req.model.capacityJPerK);
      const b = ((h.stepMs / 1000) * req.maxPowerW) / req.model.capacityJPerK;
      const out = (t: number) => req.outsideC!.values[t] as number;
      const band = (t: number) => {
        const bands = req.bands.filter((bd) => Date.parse(bd.start) <= h.startMs(t + 1) && h.startMs(t + 1) < Date.parse(bd.end));
        return { lo: Math.max(...bands.map((bd) => bd.minC)), hi: Math.min(...bands.map((bd) => bd.maxC)) };
      };
      // The repaired band (reference §2.5): where the heater cannot keep the user's band, it is
      // widened to the trajectories of "heat whenever it would fall below" (L) and "heat whenever
      // it stays under the top" (U).
      const trajectory = (heat: (t: number, off: number, on: number) => boolean) => {
        const temps: number[] = [];
        let T = req.tempC;
        for (let t = 0; t < n; t++) {
          const off = T + a * (out(t) - T);
          T = heat(t, off, off + b) ? off + b : off;
          temps.push(T);
        }
        return temps;
      };
      const L = trajectory((t, off) => off < band(t).lo);
      const U = trajectory((t, _off, on) => on <= band(t).hi);
      let T = req.tempC;
      d.decisions.forEach((u, t) => {
        assert.ok(u === 0 || u === 1);
        T = T + a * (out(t) - T) + b * u;
        const { lo, hi } = band(t);
        const lower = Math.min(lo, L[t], U[t]);
        const upper = Math.max(hi, L[t], U[t]);
        assert.ok(T >= lower - EPS && T <= upper + EPS, `${req.deviceId}: ${T} °C outside the repaired band [${lower}, ${upper}] after slot ${t}`);
        load[t] = u * req.maxPowerW;
      });
      return load;
    }
  }
}

describe("lib/placement properties", function () {
  this.timeout(120_000);
  let highs: Highs;
  before(async () => {
    highs = await loadHighs();
  });

  const cases: [number, PlacementOptions | undefined][] = [
    [1, undefined],
    [2, { tieBreak: true, stabilityWh: 100 }],
    [3, { method: "greedy" }],
    [4, { importPrice: Array.from({ length: 96 }, (_, t) => (t < 40 ? 0.25 : 0.15)), exportPrice: new Array(96).fill(0.05) }],
  ];
  for (const [seed, options] of cases) {
    it(`seed ${seed}${options ? ` with ${Object.keys(options).join(", ")}` : ""}: constraints, imports and curves hold`, function () {
      const t = sampleTerritory(40, { seed });
      // A short time limit: seeds 2 and 4 stop there (tie-break and prices make the bound slow to
      // close), and the properties must hold for an incumbent as for an optimum.
      const { plan } = placeFlexibility(highs, { territory, ...t, options: { timeLimitS: 5, ...options } });
      const grid = new SlotGrid({ zone: territory.zone, stepMinutes: 15 });
      const h = new Horizon(grid, Date.parse(t.forecast.start), plan.slotCount);
      const byId = new Map(t.requests.map((r) => [r.deviceId, r]));
      const warned = new Set(plan.warnings.map((w) => w.deviceId));
      const load = new Float64Array(h.n);
      for (const d of plan.devices) {
        const l = loadOf(byId.get(d.deviceId)!, d, h, warned.has(d.deviceId), 2);
        let e = 0;
        l.forEach((p, i) => {
          load[i] += p;
          e += p * h.dtH;
        });
        assert.ok(Math.abs(e - d.energyWh) < 1e-2, `${d.deviceId}: energy ${d.energyWh} vs recomputed ${e}`);
      }
      plan.curves.withFlexW.forEach((w, i) => assert.ok(Math.abs(w - (plan.curves.withoutFlexW[i] - load[i])) < 1e-3, `slot ${i}`));
      const imports = plan.curves.withoutFlexW.reduce((s, b, i) => s + Math.max(0, load[i] - b), 0) * h.dtH;
      assert.ok(Math.abs(imports - plan.runInfo.objectiveWh) < 1e-2, `imports ${imports} vs objective ${plan.runInfo.objectiveWh}`);
      assert.equal(plan.devices.length + plan.warnings.filter((w) => w.code !== "WARN_CONSTRAINT" && w.deviceId).length, t.requests.length);
      if (plan.runInfo.boundWh !== undefined) assert.ok(plan.runInfo.boundWh <= plan.runInfo.objectiveWh + 1e-6 * plan.runInfo.objectiveWh + 1);
    });
  }
});
