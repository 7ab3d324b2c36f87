import { strict as assert } from "node:assert";
import { FlexLedger } from "../../../lib/indicators/flex-ledger";
import { validatePlan } from "../../../lib/types";

// Four 15-min slots from 12:00: 2 kW of flexible load in slot 1 only (without − with).
const plan = validatePlan.parse({
  schemaVersion: 1, territory: "T", firstValidTimestamp: "2026-06-10T12:00:00+02:00", stepMinutes: 15, slotCount: 4,
  devices: [{ deviceId: "ecs", kind: "water-heater", continuous: true, decisions: [0, 1, 0, 0], energyWh: 500 }],
  curves: { withoutFlexW: [1000, 1000, 1000, 1000], withFlexW: [1000, -1000, 1000, 1000] },
  runInfo: {
    buildMs: 1, solveMs: 1, method: "milp", objectiveWh: 0, deviceCount: 1,
    minHourDeficit: { w: 0, at: "2026-06-10T12:00:00+02:00" }, maxHourDeficit: { w: 0, at: "2026-06-10T12:00:00+02:00" },
  },
  warnings: [],
});
const at = (hhmm: string, day = "10") => `2026-06-${day}T${hhmm}:00+02:00`;

describe("lib/indicators flexible-energy ledger", function () {
  it("counts the flexible energy of the elapsed slots and the consumption, and their share", function () {
    const ledger = new FlexLedger();
    ledger.advance(at("12:00"), plan, 4000);
    ledger.advance(at("12:20"), plan, 4000); // 5 min of slot 1: 2 kW × 5 min = 166.7 Wh
    ledger.advance(at("12:40"), plan, 4000); // the other 10 min of slot 1: 333.3 Wh
    const t = ledger.totals();
    assert.ok(Math.abs(t.cumulativeFlexWh - 500) < 1e-9);
    assert.ok(Math.abs(t.consumedWh24h - (4000 * 40) / 60) < 1e-9);
    assert.ok(Math.abs(t.placedShare24h! - 500 / ((4000 * 40) / 60)) < 1e-12);
  });

  it("forgets what is older than 24 h but keeps the cumulative total, and survives a restart", function () {
    const ledger = new FlexLedger();
    ledger.advance(at("12:00"), plan, 1000);
    ledger.advance(at("12:30"), plan, 1000);
    const restored = new FlexLedger(JSON.parse(JSON.stringify(ledger.snapshot())));
    restored.advance(at("12:35", "11"), plan, 1000); // a day later, beyond the gap: not bridged
    const t = restored.totals();
    assert.ok(Math.abs(t.cumulativeFlexWh - 500) < 1e-9);
    assert.equal(t.flexWh24h, 0);
    assert.equal(t.placedShare24h, undefined);
  });
});
