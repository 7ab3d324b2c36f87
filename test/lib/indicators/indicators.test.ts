import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { computeIndicators, type Indicator } from "../../../lib/indicators/indicators";
import { validatePlan, type Plan } from "../../../lib/types";

const byName = (list: Indicator[]) => Object.fromEntries(list.map((i) => [i.name, i.value]));
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

function tinyPlan(): Plan {
  // Two slots of 15 min: 2 kW of surplus, then 1 kW of deficit; a 4 kW load placed in slot 0.
  return validatePlan.parse({
    schemaVersion: 1, territory: "T", firstValidTimestamp: "2026-06-10T12:00:00+02:00", stepMinutes: 15, slotCount: 2,
    devices: [{ deviceId: "ecs", kind: "water-heater", continuous: true, decisions: [1, 0], energyWh: 1000 }],
    curves: { withoutFlexW: [2000, -1000], withFlexW: [-2000, -1000] },
    runInfo: {
      buildMs: 2, solveMs: 8, method: "milp", objectiveWh: 750, deviceCount: 1,
      minHourDeficit: { w: -500, at: "2026-06-10T12:00:00+02:00" }, maxHourDeficit: { w: -500, at: "2026-06-10T12:00:00+02:00" },
    },
    warnings: [],
  });
}

describe("lib/indicators ELFE indicators", function () {
  it("computes the flexibility indicators of a plan by hand", function () {
    const v = byName(computeIndicators({ now: "2026-06-10T12:00:00+02:00", plan: tinyPlan() }));
    close(v["flex.energy_placed_wh"], 1000);
    close(v["flex.energy_in_surplus_wh"], 500); // 2 kW of the 4 kW for 15 min
    close(v["flex.imports_with_plan_wh"], 750); // (2000 + 1000) W × 0.25 h
    close(v["flex.imports_avoided_wh"], 1000 - (750 - 250));
    assert.equal(v["ems.run_time_ms"], 10);
    assert.equal(v["ems.device_count"], 1);
  });

  it("counts connected devices and the share of piloted devices launched in the last 24 h", function () {
    const now = "2026-06-10T12:00:00+02:00";
    const v = byName(computeIndicators({
      now,
      devices: [
        { deviceId: "a", piloted: true, lastStart: "2026-06-10T08:00:00+02:00" },
        { deviceId: "b", piloted: true, lastStart: "2026-06-08T08:00:00+02:00" },
        { deviceId: "c", piloted: true },
        { deviceId: "d", piloted: false, lastStart: "2026-06-10T09:00:00+02:00" },
      ],
      readings: [
        { deviceId: "a", ts: "2026-06-10T11:55:00+02:00", powerW: 5 },
        { deviceId: "b", ts: "2026-06-10T09:00:00+02:00", powerW: 5 },
        { deviceId: "c", ts: "2026-06-10T11:59:00+02:00", online: false },
        { deviceId: "d", ts: "2026-06-10T11:50:00+02:00", powerW: 0 },
      ],
    }));
    assert.equal(v["devices.connected"], 2);
    assert.equal(v["devices.piloted"], 3);
    close(v["devices.piloted_launched_24h_ratio"], 1 / 3);
  });

  it("splits production by source and scales the balance to the active panel", function () {
    const v = byName(computeIndicators({
      now: "2026-06-10T12:00:00+02:00",
      meters: { consumptionW: 10_000, production: { solar: 6000, wind: 2000, methanisation: 0, other: 0 } },
      enrolledParticipants: 100,
      connectedParticipants: 40,
    }));
    assert.equal(v["territory.balance_w"], -2000);
    assert.equal(v["territory.balance_active_panel_w"], -800);
    close(v["territory.self_consumption_ratio"], 1);
    close(v["territory.self_sufficiency_ratio"], 0.8);
    close(v["production.solar_share"], 0.75);
    close(v["production.wind_share"], 0.25);
    assert.equal(v["production.methanisation_w"], 0);
  });

  it("gives stable names and refuses NaN instead of publishing it", function () {
    const plan = JSON.parse(readFileSync(join(__dirname, "..", "..", "fixtures", "sample-plan.json"), "utf8"));
    const names = computeIndicators({ now: "2026-06-10T12:00:00+02:00", plan }).map((i) => i.name);
    for (const n of names) assert.match(n, /^[a-z]+\.[a-z0-9_]+$/);
    assert.throws(() => computeIndicators({ now: "2026-06-10T12:00:00+02:00", meters: { consumptionW: Number.NaN, production: {} } }), /territory\.consumption_w is not a number/);
  });
});
