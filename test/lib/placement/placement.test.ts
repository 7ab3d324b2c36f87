// Hand-checkable instances per consumer type, repairs with their exact warnings, DST days,
// options (stability, surplus-only, prices, feeder limit, tie-break) and bad input.
import { strict as assert } from "node:assert";
import type { Highs } from "highs";
import { loadHighs, placeFlexibility, type PlacementOptions } from "../../../lib/placement";
import { evSlots } from "../../../lib/placement/consumers/ev";
import type { FlexRequest, Plan } from "../../../lib/types";
import { validatePlan } from "../../../lib/types";
import { GROUP_ORDER, type Job } from "../../../lib/placement/context";
import { CONTINUOUS } from "../../../lib/placement/model";
import { sampleTerritory } from "../../../lib/placement/sample";

const T0 = "2026-06-10T00:00:00Z";
const utc = { name: "test", zone: "UTC", stepMinutes: 15, horizonSlots: 96 };
const at = (slot: number, start = T0) => new Date(Date.parse(start) + slot * 900_000).toISOString().replace(".000Z", "Z");

let highs: Highs;
function place(deficitW: number[], requests: FlexRequest[], options?: PlacementOptions, territory = utc, start = T0): Plan {
  const { plan } = placeFlexibility(highs, { territory, forecast: { start, stepMinutes: 15, values: deficitW.map((d) => (d === 0 ? 0 : -d)), unit: "W" }, requests, options });
  const v = validatePlan.check(plan);
  assert.ok(v.ok, v.ok ? "" : v.error.message);
  return plan;
}
const dev = (plan: Plan, id: string) => plan.devices.find((d) => d.deviceId === id)!;
const startSlot = (plan: Plan, id: string) => dev(plan, id).decisions.findIndex((v) => v !== 0);
const warnings = (plan: Plan) => plan.warnings.map((w) => [w.code, w.deviceId, w.message]);
const machine = (deviceId: string, profileW: number[], from: number, to: number, extra: Partial<FlexRequest> = {}): FlexRequest =>
  ({ deviceId, kind: "machine", profileW, earliestStart: at(from), latestEnd: at(to), ...extra }) as FlexRequest;

describe("lib/placement", function () {
  before(async () => {
    highs = await loadHighs();
  });

  describe("generic machine", function () {
    it("reference example: base [−1800, −4300, −2200, 1000, 200] W (deficit), cycle [100, 200, 100] ⇒ start at slot 0, 1 200 W·slot", function () {
      const base = [-1800, -4300, -2200, 1000, 200];
      const plan = place(base, [machine("m", [100, 200, 100], 0, 5)]);
      assert.deepEqual(dev(plan, "m").decisions, [1, 0, 0, 0, 0]);
      assert.equal(plan.runInfo.objectiveWh, 1200 * 0.25);
      assert.equal(dev(plan, "m").start, T0);
      assert.deepEqual(plan.curves.withoutFlexW, [1800, 4300, 2200, -1000, -200]);
      assert.deepEqual(plan.curves.withFlexW, [1700, 4100, 2100, -1000, -200]);
      // The other starts cost 1 300 and 1 500, as the reference says.
      assert.equal(place(base, [machine("m", [100, 200, 100], 1, 5)]).runInfo.objectiveWh, 1300 * 0.25);
      assert.equal(place(base, [machine("m", [100, 200, 100], 2, 5)]).runInfo.objectiveWh, 1500 * 0.25);
    });

    it("lands under the PV bump", function () {
      const base = Array.from({ length: 24 }, (_, t) => (t >= 12 && t < 16 ? -2000 : 500));
      const plan = place(base, [machine("m", [1500, 1500, 1500], 0, 24)]);
      assert.ok([12, 13].includes(startSlot(plan, "m")), "both starts under the bump are optimal");
      assert.equal(plan.runInfo.objectiveWh, 20 * 500 * 0.25);
      assert.equal(plan.runInfo.method, "lp-first");
      assert.equal(plan.runInfo.gap, 0);
    });

    it("a running machine is fixed: the rest of its cycle is a load, no new start", function () {
      const plan = place([0, 0, 0, 0], [{ ...machine("m", [100, 200, 300], 0, 4), running: { since: at(-1) } } as FlexRequest]);
      assert.deepEqual(dev(plan, "m").decisions, [0, 0, 0, 0]);
      assert.deepEqual(plan.curves.withFlexW, [-200, -300, 0, 0]);
      assert.equal(dev(plan, "m").energyWh, 125);
    });

    it("keeps a start the previous plan put at the current slot (ELFE's rolling rule)", function () {
      const plan = place([500, 500, -3000, -3000], [{ ...machine("m", [1000], 0, 4), previousStart: T0 } as FlexRequest]);
      assert.equal(startSlot(plan, "m"), 0);
    });
  });

  describe("repairs (reference §3)", function () {
    it("rule 1: a window too short is lengthened", function () {
      const plan = place([0, 0, 0, 0, 0, 0, 0, 0], [machine("m7", [1000, 1000, 1000], 2, 3)]);
      assert.equal(startSlot(plan, "m7"), 2);
      assert.deepEqual(warnings(plan), [["WARN_CONSTRAINT", "m7", `m7: window too short for 3 slots: end moved from ${at(3)} to ${at(5)}`]]);
    });

    it("rule 2: a job that does not fit before the horizon end starts earlier", function () {
      const plan = place([0, 0, 0, 0, 0, 0], [machine("m", [100, 100, 100], 4, 40)]);
      assert.equal(startSlot(plan, "m"), 3);
      assert.deepEqual(warnings(plan), [["WARN_CONSTRAINT", "m", `m: does not fit before the horizon end: earliest start moved from ${at(4)} to ${at(3)}`]]);
    });

    it("rule 3: a past deadline runs as soon as possible", function () {
      const plan = place([0, 0, -500, -500], [machine("m", [100, 100], -8, -2)]);
      assert.equal(startSlot(plan, "m"), 0);
      assert.deepEqual(warnings(plan), [["WARN_CONSTRAINT", "m", `m: deadline already past: runs as soon as possible, ${at(0)} to ${at(2)}`]]);
    });

    it("WARN_IMPOSSIBLE for a job longer than the horizon, WARN_IGNORED for missing data; both are left out", function () {
      const plan = place([0, 0, 0], [
        machine("long", [1, 1, 1, 1], 0, 3),
        { deviceId: "wh", kind: "water-heater", powerW: 2000, energyWh: 1000, windows: [] },
        { deviceId: "th", kind: "heater-thermal", maxPowerW: 1000, tempC: 19, model: { resistanceKPerW: 0.004, capacityJPerK: 3e6 }, bands: [] },
      ]);
      assert.deepEqual(plan.devices, []);
      assert.deepEqual(warnings(plan), [
        ["WARN_IMPOSSIBLE", "long", "long: needs 4 slots, more than the 3-slot horizon: left out"],
        ["WARN_IGNORED", "wh", "wh: no off-peak window in the horizon: not heated this run"],
        ["WARN_IGNORED", "th", "th: no outdoor temperature forecast for the horizon: left out"],
      ]);
    });

    it("a feeder limit leaves out the devices that break it, in ELFE's group order, never machines", function () {
      const ev: FlexRequest = { deviceId: "ev", kind: "ev", maxPowerW: 7000, capacityWh: 10000, socPct: 50, targetSocPct: 60, departure: at(2), modulating: false };
      const plan = place([1000, 1000, 1000, 1000], [machine("m", [2000], 0, 4), ev], { feederLimitKw: 3.5 });
      assert.deepEqual(plan.devices.map((d) => d.deviceId), ["m"]);
      assert.deepEqual(warnings(plan), [["WARN_IMPOSSIBLE", "ev", "ev: left out, the feeder limit of 3.5 kW cannot hold it"]]);
      assert.ok(plan.curves.withFlexW.every((b) => -b <= 3500));
    });
  });

  describe("water heater", function () {
    it("heats its energy plus ELFE's 2 h as one ON block inside an off-peak window", function () {
      const base = Array.from({ length: 40 }, (_, t) => (t >= 20 && t < 34 ? -3000 : 800));
      const req: FlexRequest = { deviceId: "w", kind: "water-heater", elfeType: 131, powerW: 2000, energyWh: 2000, windows: [{ start: at(16), end: at(40) }] };
      const plan = place(base, [req]);
      const d = dev(plan, "w");
      assert.equal(d.continuous, true);
      assert.equal(d.decisions.filter((v) => v === 1).length, 4 + 8);
      assert.equal(startSlot(plan, "w"), 20);
      assert.equal(d.energyWh, 12 * 2000 * 0.25);
    });
  });

  describe("electric vehicle", function () {
    it("counts whole slots exactly at the boundary where ELFE's floats added one (12 000 Wh at 8 kW = 6 slots)", function () {
      assert.equal(evSlots(40000, 50, 80, 8000, 15), 6);
      assert.equal(evSlots(40000, 50, 80, 7999, 15), 7);
      assert.equal(evSlots(40000, 80, 80, 8000, 15), 0);
    });

    it("an EV already at its target needs nothing and gets no warning", function () {
      const plan = place([0, 0], [{ deviceId: "e", kind: "ev", maxPowerW: 7000, capacityWh: 40000, socPct: 80, targetSocPct: 80, departure: at(-3), modulating: false }]);
      assert.deepEqual(dev(plan, "e").decisions, [0, 0]);
      assert.deepEqual(plan.warnings, []);
    });

    it("modulating: the minimum is guaranteed, the rest up to the target comes from surplus only", function () {
      const base = [500, 500, 500, 500, -4000, -4000, 500, 500];
      const req: FlexRequest = { deviceId: "e", kind: "ev", maxPowerW: 4000, minPowerW: 1000, capacityWh: 10000, socPct: 50, targetSocPct: 80, minSocPct: 60, departure: at(8), modulating: true };
      const plan = place(base, [req]);
      const d = dev(plan, "e");
      const energy = d.decisions.reduce((s, p) => s + p * 0.25, 0);
      // 1 000 Wh guaranteed; the surplus (2 × 4000 W × 0.25 h) covers it and 1 000 Wh more; nothing imported for it.
      assert.ok(Math.abs(energy - 2000) < 1e-3, `energy ${energy}`);
      assert.deepEqual(d.decisions.slice(4, 6), [4000, 4000]);
      assert.ok(d.decisions.every((p) => p === 0 || (p >= 1000 - 1e-6 && p <= 4000 + 1e-6)));
      assert.equal(plan.runInfo.objectiveWh, 6 * 500 * 0.25);
      // Without surplus, only the minimum is charged.
      const dark = dev(place([500, 500, 500, 500, 500, 500, 500, 500], [req]), "e");
      assert.ok(Math.abs(dark.decisions.reduce((s, p) => s + p * 0.25, 0) - 1000) < 1e-3);
    });
  });

  describe("pilot-wire heater", function () {
    it("eco in the deficit slots, at most 25 % eco in every hour, and as ELFE's 13 000 W·slot", function () {
      const base = [-1000, -1000, 2000, 2000, -1000, -1000, 2000, 2000, 0, 0];
      const req: FlexRequest = { deviceId: "h", kind: "heater-pilot-wire", ecoW: 300, comfortW: 1300, comfortPeriods: [{ start: at(0), end: at(8) }], ecoForcedMaxPct: 25 };
      const plan = place(base, [req]);
      const y = dev(plan, "h").decisions;
      assert.equal(plan.runInfo.objectiveWh, 13000 * 0.25);
      for (let i = 0; i + 4 <= 8; i++) assert.ok(y.slice(i, i + 4).reduce((s, v) => s + v, 0) >= 3, `hour from slot ${i}`);
      assert.ok(y.slice(0, 8).reduce((s, v) => s + v, 0) >= 6);
      assert.deepEqual(y.slice(8), [0, 0]);
      assert.deepEqual([y[0], y[1], y[4], y[5]], [1, 1, 1, 1]);
    });
  });

  describe("controlled heater", function () {
    const model = { resistanceKPerW: 0.00457, capacityJPerK: 2835616 };
    const outside = (c: number, n: number) => ({ start: T0, stepMinutes: 15, unit: "°C", values: new Array(n).fill(c) });
    it("starts from the measured temperature (ELFE started from 0 K): no heating when nothing is lost", function () {
      const plan = place(new Array(8).fill(0), [{ deviceId: "t", kind: "heater-thermal", maxPowerW: 1500, tempC: 20, model, bands: [{ start: at(0), end: at(9), minC: 19, maxC: 21 }], outsideC: outside(20, 8) }]);
      assert.deepEqual(dev(plan, "t").decisions, new Array(8).fill(0));
    });

    it("a model faster than one slot (units typed wrong) or a garbage temperature is left out with WARN_IGNORED, never placed", function () {
      const band = [{ start: at(0), end: at(9), minC: 19, maxC: 21 }];
      const plan = place(new Array(8).fill(500), [
        { deviceId: "fast", kind: "heater-thermal", maxPowerW: 1500, tempC: 20, model: { resistanceKPerW: 1e-6, capacityJPerK: 1 }, bands: band, outsideC: outside(5, 8) },
        { deviceId: "hot", kind: "heater-thermal", maxPowerW: 1500, tempC: 1e300, model, bands: band, outsideC: outside(5, 8) },
      ]);
      assert.deepEqual(plan.devices, []);
      assert.deepEqual(warnings(plan), [
        ["WARN_IGNORED", "fast", "fast: thermal model with a time constant R·C of 0.000001 s, not longer than one slot (900 s): left out (check its units, K/W and J/K)"],
        ["WARN_IGNORED", "hot", "hot: measured temperature 1e+300 °C is not plausible: left out"],
      ]);
    });

    it("keeps the temperature in its band, heating in the surplus slots first", function () {
      const n = 16;
      const base = Array.from({ length: n }, (_, t) => (t < 6 ? -3000 : 1000));
      const plan = place(base, [{ deviceId: "t", kind: "heater-thermal", maxPowerW: 1500, tempC: 19.5, model, bands: [{ start: at(0), end: at(n + 1), minC: 19, maxC: 22 }], outsideC: outside(15, n) }]);
      const u = dev(plan, "t").decisions;
      const a = 900 / (model.resistanceKPerW * model.capacityJPerK);
      const b = (900 * 1500) / model.capacityJPerK;
      let T = 19.5;
      for (let t = 0; t < n; t++) {
        T = T + a * (15 - T) + b * u[t];
        assert.ok(T >= 19 - 1e-6 && T <= 22 + 1e-6, `T=${T} after slot ${t}`);
      }
      assert.ok(u.slice(0, 6).reduce((s, v) => s + v, 0) >= 4, `pre-heats in the surplus: ${u}`);
    });
  });

  describe("beyond ELFE", function () {
    it("stability: keeps the previous start unless moving saves more than the threshold", function () {
      const base = [0, 0, 0, -900, -1000, 0, 0, 0];
      const req = { ...machine("m", [1000], 0, 8), previousStart: at(3) } as FlexRequest;
      assert.equal(startSlot(place(base, [req], { stabilityWh: 50 }), "m"), 3);
      assert.equal(startSlot(place(base, [req], { stabilityWh: 10 }), "m"), 4);
    });

    it("surplus-only loads run only where they import nothing", function () {
      const opt = { ...machine("o", [800, 800], 0, 6), optional: true } as FlexRequest;
      const plan = place([0, 0, -1000, -1000, 0, 0], [opt]);
      assert.equal(startSlot(plan, "o"), 2);
      assert.equal(plan.runInfo.objectiveWh, 0);
      const none = place([0, 0, -1000, -500, 0, 0], [opt]);
      assert.deepEqual(dev(none, "o").decisions, [0, 0, 0, 0, 0, 0]);
      assert.equal(dev(none, "o").start, undefined);
    });

    it("with prices, the cost is minimised instead of the energy", function () {
      const base = [1000, 1000, 1000, 1000];
      const m = machine("m", [2000], 0, 4);
      assert.equal(startSlot(place(base, [m], { tieBreak: true }), "m"), 0);
      assert.equal(startSlot(place(base, [m], { tieBreak: true, importPrice: [0.3, 0.3, 0.1, 0.3] }), "m"), 2);
    });

    it("tie-break: among equal plans the earliest completion wins", function () {
      const plan = place([-5000, -5000, -5000, -5000, -5000, -5000], [machine("m", [1000, 1000], 0, 6)], { tieBreak: true });
      assert.equal(startSlot(plan, "m"), 0);
    });

    it("the greedy (largest first) is provably worse on this mixed instance, and the MILP finds the optimum", function () {
      const base = [-1000, -1000, -900, -900];
      const reqs = [machine("big", [1000, 1000], 0, 4), machine("small", [1000], 0, 2)];
      const g = place(base, reqs, { method: "greedy" });
      const opt = place(base, reqs);
      assert.equal(g.runInfo.method, "greedy");
      assert.equal(g.runInfo.objectiveWh, 1000 * 0.25);
      assert.equal(opt.runInfo.objectiveWh, 100 * 0.25);
      assert.deepEqual([startSlot(opt, "big"), startSlot(opt, "small")], [1, 0]);
    });
  });

  describe("horizon and input", function () {
    const paris = { name: "paris", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 100 };
    for (const [day, slots, first, endIdx] of [
      ["2026-03-29", 92, "2026-03-29T00:00:00+01:00", 68],
      ["2026-10-25", 100, "2026-10-25T00:00:00+02:00", 76],
    ] as const) {
      it(`a DST day (${day}) has ${slots} slots and wall-clock windows land on the right ones`, function () {
        const req: FlexRequest = { deviceId: "m", kind: "machine", profileW: [1000, 1000], earliestStart: `${day}T17:30:00+0${slots === 92 ? 2 : 1}:00`, latestEnd: `${day}T18:00:00+0${slots === 92 ? 2 : 1}:00` };
        const plan = place(new Array(slots).fill(0), [req], undefined, paris, first);
        assert.equal(plan.slotCount, slots);
        assert.equal(plan.curves.withFlexW.length, slots);
        assert.equal(startSlot(plan, "m"), endIdx - 2);
        assert.equal(plan.firstValidTimestamp, first);
      });
    }

    it("zero devices: the plan is the forecast", function () {
      const plan = place([100, -200, 300], []);
      assert.deepEqual(plan.devices, []);
      assert.deepEqual(plan.curves.withFlexW, plan.curves.withoutFlexW);
      assert.equal(plan.runInfo.objectiveWh, 100);
      assert.equal(plan.runInfo.deviceCount, 0);
    });

    it("96 slots of NaN: a clear error", function () {
      assert.throws(
        () => placeFlexibility(highs, { territory: utc, forecast: { start: T0, stepMinutes: 15, values: new Array(96).fill(Number.NaN), unit: "W" }, requests: [] }),
        /forecast value of slot 0 is NaN: not a finite number of W/,
      );
      assert.throws(() => placeFlexibility(highs, { territory: utc, forecast: { start: T0, stepMinutes: 15, values: new Array(96).fill(null), unit: "W" }, requests: [] }), /the forecast has no value/);
      assert.throws(() => placeFlexibility(highs, { territory: utc, forecast: { start: "2026-06-10T00:07:00Z", stepMinutes: 15, values: [1], unit: "W" }, requests: [] }), /not on a slot boundary/);
    });

    it("gaps in the forecast are filled from their neighbours, with a warning", function () {
      const { plan } = placeFlexibility(highs, { territory: utc, forecast: { start: T0, stepMinutes: 15, values: [100, null, 300], unit: "W" }, requests: [] });
      assert.deepEqual(plan.curves.withoutFlexW, [100, 200, 300]);
      assert.equal(plan.warnings[0].code, "WARN_IGNORED");
    });
  });
  describe("solver time limit", function () {
    const bench = { name: "bench", zone: "Europe/Paris", stepMinutes: 15, horizonSlots: 96 };
    it("hit with an incumbent: the incumbent is the plan, its gap is reported and a warning says so", function () {
      this.timeout(60_000);
      // 300 machines, water heaters and one-start EVs: the LP, rounding and local moves leave a gap
      // (3.8e-4) the MILP needs seconds to close.
      const mix = { machine: 0.5, "water-heater": 0.25, ev: 0.25, "ev-modulating": 0, "heater-pilot-wire": 0, "heater-thermal": 0 };
      const { plan } = placeFlexibility(highs, { territory: bench, ...sampleTerritory(300, { seed: 300, mix }), options: { timeLimitS: 1 } });
      assert.ok(validatePlan.check(plan).ok);
      assert.notEqual(plan.runInfo.method, "greedy");
      assert.ok(plan.runInfo.solveMs < 2000, `solved in ${plan.runInfo.solveMs} ms for a limit of 1 s`);
      assert.ok(plan.runInfo.gap !== undefined && plan.runInfo.gap > 0 && plan.runInfo.gap < 0.01, `gap ${plan.runInfo.gap}`);
      const general = plan.warnings.filter((w) => !w.deviceId).map((w) => [w.code, w.message]);
      assert.deepEqual(general, [["WARN_CONSTRAINT", `time limit of 1 s reached: plan within ${(100 * plan.runInfo.gap!).toFixed(4)} % of the bound`]]);
    });

    it("hit before HiGHS has any plan: the greedy placement, with a warning", function () {
      // 1 000 devices: the LP alone needs far more than the 50 ms every HiGHS run is given at least.
      const { plan } = placeFlexibility(highs, { territory: bench, ...sampleTerritory(1000, { seed: 9 }), options: { timeLimitS: 0.001 } });
      assert.ok(validatePlan.check(plan).ok);
      assert.equal(plan.runInfo.method, "greedy");
      assert.equal(plan.devices.length + plan.warnings.filter((w) => w.deviceId && w.code !== "WARN_CONSTRAINT").length, 1000);
      assert.deepEqual(
        plan.warnings.filter((w) => !w.deviceId).map((w) => w.code + " " + w.message),
        [
          "WARN_IMPOSSIBLE HiGHS gave no plan (time limit reached by the LP; no solution from HiGHS: greedy placement (largest device first into the lowest-deficit window)): " +
            `greedy placement used, improved by local moves, within ${(100 * plan.runInfo.gap!).toFixed(4)} % of the Lagrangian bound`,
        ],
      );
      const imports = plan.curves.withFlexW.reduce((s, b) => s + Math.max(0, -b), 0) * 0.25;
      assert.ok(Math.abs(imports - plan.runInfo.objectiveWh) < 1e-6 * imports + 1e-3);
      // The plan still comes with a bound: the greedy's imports are above it, and not by much.
      assert.ok(plan.runInfo.boundWh !== undefined && plan.runInfo.boundWh <= plan.runInfo.objectiveWh && plan.runInfo.gap! < 0.1, `bound ${plan.runInfo.boundWh}, gap ${plan.runInfo.gap}`);
    });
  });

  describe("infeasible after repair", function () {
    /** A consumer whose repaired constraints still contradict each other (x = 1 with x in [0, 0]). */
    const impossible = (deviceId: string, kind: "ev" | "machine"): Job => ({
      deviceId,
      kind,
      continuous: false,
      group: GROUP_ORDER[kind],
      optional: false,
      energyHint: 1000,
      colStart: -1,
      colEnd: -1,
      build(b) {
        const row = b.addRow(1, 1);
        this.colStart = b.numCols;
        b.addCol(0, 0, 0, CONTINUOUS, [row], [1]);
        this.colEnd = b.numCols;
      },
      round: () => null,
      integral: () => true,
      decode: () => ({ decisions: [0, 0, 0, 0, 0, 0, 0, 0], powerW: new Float64Array(8) }),
      greedy: () => new Float64Array(1),
      check: () => "impossible",
    });
    const heater: FlexRequest = { deviceId: "h", kind: "heater-pilot-wire", ecoW: 300, comfortW: 1300, comfortPeriods: [{ start: at(0), end: at(8) }], ecoForcedMaxPct: 25 };
    const forecast = (values: number[]) => ({ start: T0, stepMinutes: 15, values, unit: "W" as const });

    for (const kind of ["ev", "machine"] as const) {
      it(`leaves out only the device that causes it (a${kind === "ev" ? "n EV" : " machine"}), not ELFE's whole groups, and names it`, function () {
        const requests = [heater, machine("m", [2000], 0, 8)];
        const { plan } = placeFlexibility(highs, { territory: utc, forecast: forecast([-500, -500, 3000, 3000, -500, -500, -500, -500]), requests }, [impossible("x", kind)]);
        assert.ok(validatePlan.check(plan).ok);
        assert.deepEqual(plan.devices.map((d) => d.deviceId), ["h", "m"], "the pilot-wire heater, first of ELFE's groups, stays");
        assert.deepEqual(warnings(plan), [["WARN_IMPOSSIBLE", "x", "x: left out, the solver finds no plan that meets its constraints, even on its own"]]);
        assert.equal(startSlot(plan, "m"), 2, "the rest is still optimised: the machine lands in the surplus");
        assert.notEqual(plan.runInfo.method, "greedy");
      });
    }
  });
});
